namespace Lifeboat.Core.Backup;

public sealed record TableGrowth(string Table, long FromBytes, long ToBytes)
{
    public long Delta => ToBytes - FromBytes;
}

/// <summary>
/// How a cluster's data grew between two backups, and which tables moved most: a ballooning table is noticed before
/// it slows every restore.
/// </summary>
public sealed record SizeAudit(string FromBackupId, string ToBackupId, DateTimeOffset From, DateTimeOffset To, long FromBytes, long ToBytes, IReadOnlyList<TableGrowth> Movers)
{
    public const int MaxMovers = 5;

    public static SizeAudit Compute(BackupManifest from, BackupManifest to)
    {
        static Dictionary<string, long> Sizes(BackupManifest m) =>
            m.Tables.ToDictionary(t => $"{t.Schema}.{t.Table}", t => t.DataBytes + t.IndexBytes);
        var before = Sizes(from);
        var after = Sizes(to);
        var movers = before.Keys.Union(after.Keys)
            .Select(table => new TableGrowth(table, before.GetValueOrDefault(table), after.GetValueOrDefault(table)))
            .Where(g => g.Delta != 0)
            .OrderByDescending(g => Math.Abs(g.Delta))
            .ThenBy(g => g.Table, StringComparer.Ordinal)
            .Take(MaxMovers)
            .ToList();
        return new SizeAudit(from.BackupId, to.BackupId, from.ConsistentAt ?? from.StartedAt, to.ConsistentAt ?? to.StartedAt,
            before.Values.Sum(), after.Values.Sum(), movers);
    }

    public string Describe()
    {
        var days = (To - From).TotalDays;
        var change = ToBytes - FromBytes;
        var text = $"data size {TransferProgress.Format(ToBytes)} in backup {ToBackupId}; {(change >= 0 ? "+" : "-")}{TransferProgress.Format(Math.Abs(change))} " +
                   $"since {FromBackupId} ({days:0.#} days earlier)";
        return Movers.Count == 0
            ? text
            : text + "; largest movers: " + string.Join(", ", Movers.Select(m => $"{m.Table} {(m.Delta >= 0 ? "+" : "-")}{TransferProgress.Format(Math.Abs(m.Delta))}"));
    }
}
