using System.Globalization;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Storage;

namespace Lifeboat.Tests.Recovery;

/// <summary>
/// Realistic catalogs: a primary writing steadily (one transaction every 36 s in domain 0 unless told otherwise),
/// its binlogs flushed and shipped on every full hour, and a backup of a replica at 03:00:12 every day.
/// A file covers the transactions after its start up to and including its end; positions follow from the times.
/// </summary>
internal sealed class CatalogBuilder
{
    public const string Cluster = "orders-db";
    public const string Primary = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    public const string NewPrimary = "7c2d9e01-5b3a-11ef-8a10-0242ac120002";
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 41, 5, TimeSpan.Zero);
    /// <summary>The history's first moment and the first binlog's start: 60 days before <see cref="Now"/>'s midnight.</summary>
    public static readonly DateTimeOffset Origin = new(2026, 9, 23, 0, 0, 0, TimeSpan.Zero);
    /// <summary>The last flush the shipper uploaded: the newest binlog event.</summary>
    public static readonly DateTimeOffset LastFlush = new(2026, 11, 22, 0, 40, 0, TimeSpan.Zero);
    public static readonly TimeSpan BackupTimeOfDay = new(3, 0, 12);

    private readonly List<BackupCatalogEntry> _backups = [];
    private readonly List<BinlogCatalogEntry> _binlogs = [];
    private readonly List<(uint Id, TimeSpan Every, DateTimeOffset Since)> _domains = [(0, TimeSpan.FromSeconds(36), Origin)];
    private DateTimeOffset? _failoverAt;

    public IReadOnlyList<BackupCatalogEntry> Backups => _backups;
    public IReadOnlyList<BinlogCatalogEntry> Binlogs => _binlogs;

    /// <summary>60 days of hourly binlogs of <see cref="Primary"/> and 60 daily backups, the newest this morning.</summary>
    public static CatalogBuilder Standard() => new CatalogBuilder().WithBinlogs(Primary, Origin, LastFlush).WithDailyBackups(Origin, 60);

    /// <summary>A second replication domain, one transaction every <paramref name="every"/> from <paramref name="since"/>.</summary>
    public CatalogBuilder WithDomain(uint id, TimeSpan every, DateTimeOffset since)
    {
        _domains.Add((id, every, since));
        return this;
    }

    /// <summary>From this moment the new primary (server id 2) originates the transactions.</summary>
    public CatalogBuilder WithFailoverAt(DateTimeOffset at)
    {
        _failoverAt = at;
        return this;
    }

    /// <summary>The GTID position after every transaction up to and including <paramref name="time"/>; domains without one are absent.</summary>
    public string Position(DateTimeOffset time) => string.Join(",", _domains
        .Select(d => (d.Id, Count: time > d.Since ? (long)Math.Floor((time - d.Since) / d.Every) : 0, d.Since, d.Every))
        .Where(d => d.Count > 0)
        .Select(d => FormattableString.Invariant($"{d.Id}-{ServerId(d.Since + (d.Every * d.Count))}-{d.Count}")));

    private int ServerId(DateTimeOffset transactionTime) => _failoverAt is { } f && transactionTime > f ? 2 : 1;

    /// <summary>Files of one server from <paramref name="from"/> to <paramref name="to"/>, rotated on every full hour unless <paramref name="next"/> says otherwise.</summary>
    public CatalogBuilder WithBinlogs(string serverUuid, DateTimeOffset from, DateTimeOffset to, long firstSequence = 1, Func<DateTimeOffset, DateTimeOffset>? next = null)
    {
        next ??= t => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        var sequence = firstSequence;
        for (var start = from; start < to; sequence++)
        {
            var rotated = next(start);
            var end = rotated < to ? rotated : to;
            var file = "mysql-bin." + sequence.ToString("D6", CultureInfo.InvariantCulture);
            _binlogs.Add(new BinlogCatalogEntry
            {
                Cluster = Cluster,
                ServerUuid = serverUuid,
                File = file,
                Sequence = sequence,
                Key = S3Layout.Binlog(Cluster, serverUuid, file),
                Status = CatalogStatus.Verified,
                VerifiedAt = end.AddMinutes(1),
                FirstEventTime = start,
                LastEventTime = end,
                StartPosition = Position(start),
                EndPosition = Position(end),
                Closed = true,
                Continuity = sequence == firstSequence ? BinlogContinuity.ChainStart : BinlogContinuity.Continuous,
            });
            start = end;
        }
        return this;
    }

    /// <summary>One backup at 03:00:12 on each of <paramref name="days"/> days from <paramref name="firstDay"/>'s date.</summary>
    public CatalogBuilder WithDailyBackups(DateTimeOffset firstDay, int days)
    {
        for (var day = 0; day < days; day++)
        {
            WithBackup(new DateTimeOffset(firstDay.UtcDateTime.Date, TimeSpan.Zero).AddDays(day) + BackupTimeOfDay);
        }
        return this;
    }

    public CatalogBuilder WithBackup(DateTimeOffset consistentAt, string? position = null, string status = CatalogStatus.Verified)
    {
        var started = consistentAt.AddSeconds(-12);
        var id = Names.NewBackupId(started, "b" + _backups.Count.ToString("D3", CultureInfo.InvariantCulture));
        _backups.Add(new BackupCatalogEntry
        {
            Cluster = Cluster,
            BackupId = id,
            Status = status,
            Reasons = status == CatalogStatus.Verified ? [] : ["stream is 0 bytes in S3 but the manifest says 1048576"],
            VerifiedAt = consistentAt.AddMinutes(20),
            ManifestKey = S3Layout.BackupManifest(Cluster, id),
            StreamKey = S3Layout.BackupStream(Cluster, id),
            Engine = "mariadb",
            GtidSlavePos = position ?? Position(consistentAt),
            ConsistentAt = consistentAt,
            StartedAt = started,
            FinishedAt = consistentAt.AddMinutes(15),
        });
        return this;
    }

    public CatalogBuilder WithoutBinlog(string serverUuid, long sequence)
    {
        _binlogs.Remove(Binlog(serverUuid, sequence));
        return this;
    }

    public CatalogBuilder WithFailedBinlog(string serverUuid, long sequence)
    {
        var index = _binlogs.IndexOf(Binlog(serverUuid, sequence));
        _binlogs[index] = _binlogs[index] with { Status = CatalogStatus.Failed, Reasons = ["event at offset 4711: CRC-32 mismatch"] };
        return this;
    }

    /// <summary>Every backup from <paramref name="from"/> on fails verification.</summary>
    public CatalogBuilder WithBackupsFailingFrom(DateTimeOffset from)
    {
        for (var i = 0; i < _backups.Count; i++)
        {
            if (_backups[i].ConsistentAt >= from)
            {
                _backups[i] = _backups[i] with { Status = CatalogStatus.Failed, Reasons = ["stream is 0 bytes in S3 but the manifest says 1048576"] };
            }
        }
        return this;
    }

    public CatalogBuilder WithoutBackupsFrom(DateTimeOffset from)
    {
        _backups.RemoveAll(b => b.ConsistentAt >= from);
        return this;
    }

    public BinlogCatalogEntry Binlog(string serverUuid, long sequence) =>
        _binlogs.Single(b => b.ServerUuid == serverUuid && b.Sequence == sequence);

    /// <summary>The file of <paramref name="serverUuid"/> holding the transactions just after <paramref name="time"/>.</summary>
    public BinlogCatalogEntry BinlogAfter(string serverUuid, DateTimeOffset time) =>
        _binlogs.Single(b => b.ServerUuid == serverUuid && b.FirstEventTime <= time && time < b.LastEventTime);

    public BackupCatalogEntry BackupAt(DateTimeOffset consistentAt) => _backups.Single(b => b.ConsistentAt == consistentAt);

    public static DateTimeOffset Day(int month, int day) => new DateTimeOffset(2026, month, day, 0, 0, 0, TimeSpan.Zero) + BackupTimeOfDay;

    public RecoveryWindow Window() => RestorableWindow.Compute(Cluster, _backups, _binlogs, Now);
}

/// <summary>What the bucket holds after a plan ran: the catalog minus what it deleted.</summary>
internal static class PlanApplier
{
    public static (IReadOnlyList<BackupCatalogEntry> Backups, IReadOnlyList<BinlogCatalogEntry> Binlogs) Apply(
        RetentionPlan plan, IReadOnlyList<BackupCatalogEntry> backups, IReadOnlyList<BinlogCatalogEntry> binlogs)
    {
        var deleted = plan.Steps.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        return (
            backups.Where(b => !deleted.Contains(S3Layout.BackupCatalogEntry(b.Cluster, b.BackupId))).ToList(),
            binlogs.Where(b => !deleted.Contains(S3Layout.BinlogCatalogEntry(b.Cluster, b.ServerUuid, b.File))).ToList());
    }
}
