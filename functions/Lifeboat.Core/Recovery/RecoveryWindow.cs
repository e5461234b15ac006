namespace Lifeboat.Core.Recovery;

/// <summary>
/// One stretch of time the cluster can be restored to: restore <see cref="FromBackupId"/>, then replay
/// <see cref="ServerUuid"/>'s binlogs from <see cref="FirstFile"/> up to the target (at most to <see cref="LastFile"/>).
/// A point-only range is a backup no binlog chain continues: it restores to its own consistent moment and no other.
/// </summary>
public sealed record RecoveryRange
{
    /// <summary>The backup's consistent moment, or later where a newer backup's range takes over.</summary>
    public required DateTimeOffset From { get; init; }
    /// <summary>The last event of the chain replayed (equal to <see cref="From"/> for a point-only range).</summary>
    public required DateTimeOffset To { get; init; }
    public required string FromBackupId { get; init; }
    /// <summary>The server whose binlogs are replayed; null for a point-only range.</summary>
    public string? ServerUuid { get; init; }
    public string? FirstFile { get; init; }
    public string? LastFile { get; init; }

    public bool PointOnly => ServerUuid is null;

    public bool Contains(DateTimeOffset time) => From <= time && time <= To;
}

/// <summary>What the catalog says about one verified backup: can replay start from it, and on which chain.</summary>
public sealed record BackupCoverage
{
    public required string BackupId { get; init; }
    public DateTimeOffset? ConsistentAt { get; init; }
    public string? GtidSlavePos { get; init; }
    /// <summary>A verified binlog chain contains the backup's position, so replay can start from it.</summary>
    public bool Covered { get; init; }
    /// <summary>The covering chain's server; where several chains cover the backup, the one that reaches furthest.</summary>
    public string? ServerUuid { get; init; }
    /// <summary>The file replay starts with (the first one holding a transaction past the backup's position).</summary>
    public string? StartFile { get; init; }
    public string? LastFile { get; init; }
    /// <summary>How far replay from this backup reaches: the covering chain's last event.</summary>
    public DateTimeOffset? ReplayableTo { get; init; }
    /// <summary>Why replay cannot start from this backup; null when it is covered.</summary>
    public string? Problem { get; init; }

    /// <summary>Not covered, but still restorable to its own consistent moment.</summary>
    public bool PointOnly => !Covered && ConsistentAt is not null;
}

/// <summary>The answer to "what can I restore to?" for one cluster, computed from its catalog.</summary>
public sealed record RecoveryWindow
{
    public required string Cluster { get; init; }
    public required DateTimeOffset ComputedAt { get; init; }
    /// <summary>Ordered and non-overlapping (adjacent ranges may share an end point).</summary>
    public required IReadOnlyList<RecoveryRange> Ranges { get; init; }
    /// <summary>Every verified backup, oldest first.</summary>
    public required IReadOnlyList<BackupCoverage> Backups { get; init; }
    public required IReadOnlyList<BinlogGap> Gaps { get; init; }
    public BackupCoverage? NewestVerifiedBackup { get; init; }
    /// <summary>The latest event of any verified chain.</summary>
    public DateTimeOffset? LastEventTime { get; init; }

    public bool CanRestoreTo(DateTimeOffset time) => RangeFor(time) is not null;

    /// <summary>The range serving <paramref name="time"/>; at a shared end point, the later range (the newer backup, less to replay).</summary>
    public RecoveryRange? RangeFor(DateTimeOffset time) => Ranges.LastOrDefault(r => r.Contains(time));

    /// <summary>Lines for a person: the ranges, then the gaps.</summary>
    public IReadOnlyList<string> Describe()
    {
        var covered = Backups.Count(b => b.Covered);
        var header = $"{Cluster} at {RecoveryText.Time(ComputedAt)}: {RecoveryText.Count(Backups.Count, "verified backup")}, {covered} covered by binlogs";
        if (NewestVerifiedBackup is { } newest)
        {
            header += $"; newest {newest.BackupId}" + (newest.ConsistentAt is { } at ? $" as of {RecoveryText.Time(at)}" : "");
        }
        if (LastEventTime is { } last)
        {
            header += $"; last binlog event {RecoveryText.Time(last)}";
        }
        var lines = new List<string> { header };
        if (Ranges.Count == 0)
        {
            lines.Add("nothing is restorable: no verified backup with a consistent moment");
        }
        foreach (var range in Ranges)
        {
            lines.Add(range.PointOnly
                ? $"restorable to {RecoveryText.Time(range.From)} only (backup {range.FromBackupId}: {Backups.FirstOrDefault(b => b.BackupId == range.FromBackupId)?.Problem})"
                : $"restorable {RecoveryText.Time(range.From)} → {RecoveryText.Time(range.To)} (backup {range.FromBackupId}, binlogs {RecoveryText.Files(range.FirstFile!, range.LastFile!)} of {range.ServerUuid})");
        }
        foreach (var backup in Backups.Where(b => b.ConsistentAt is null))
        {
            lines.Add($"not restorable: backup {backup.BackupId}: {backup.Problem}");
        }
        foreach (var gap in Gaps)
        {
            lines.Add($"gap: {gap.ServerUuid} {gap.Reason}" + (gap.WindowEndsAt is { } end ? $": the window ends at {RecoveryText.Time(end)}" : ""));
        }
        return lines;
    }
}
