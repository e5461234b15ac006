using System.Globalization;
using Lifeboat.Core.Catalog;

namespace Lifeboat.Core.Recovery;

/// <summary>One order and one notion of age for catalog entries, shared by the window and retention.</summary>
internal static class CatalogOrder
{
    /// <summary>
    /// When a backup's data is as of. Failed entries often lack consistentAt, so the next best clue stands in:
    /// the start time, then the time in the id (ids sort by time), then the verdict's time.
    /// </summary>
    public static DateTimeOffset BackupTime(BackupCatalogEntry backup) =>
        backup.ConsistentAt ?? backup.StartedAt ?? IdTime(backup.BackupId) ?? backup.VerifiedAt;

    /// <summary>Oldest first; the id breaks ties so the order never depends on the listing's.</summary>
    public static IReadOnlyList<BackupCatalogEntry> Backups(IEnumerable<BackupCatalogEntry> backups) =>
        backups.OrderBy(BackupTime).ThenBy(b => b.BackupId, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The binlog's newest event; without one, the verdict's time, which is later than any event in the file, so an
    /// entry without event times is kept longer rather than deleted early.
    /// </summary>
    public static DateTimeOffset BinlogTime(BinlogCatalogEntry binlog) =>
        binlog.LastEventTime ?? binlog.FirstEventTime ?? binlog.VerifiedAt;

    private static DateTimeOffset? IdTime(string backupId) =>
        backupId.Length >= 16 && DateTimeOffset.TryParseExact(
            backupId[..16], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
