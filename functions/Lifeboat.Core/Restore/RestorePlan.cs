namespace Lifeboat.Core.Restore;

/// <summary><c>$.plan</c> in the restore workflow: everything later steps need, decided before anything is launched.</summary>
public sealed record RestorePlan
{
    public required string Cluster { get; init; }
    public required string Mode { get; init; }
    public bool KeepInstance { get; init; }
    public required string InstanceType { get; init; }
    /// <summary>"primary" or "offsite": which bucket the backup and binlogs are read from (<see cref="SourceBucket"/>).</summary>
    public string Source { get; init; } = RestoreSources.Primary;
    public string? SourceBucket { get; init; }
    public int DiskGiB { get; init; }
    public required RestoreSource Backup { get; init; }
    public required RestorePoint Target { get; init; }
    public required RestoreReplay Replay { get; init; }
    public double EtaSeconds { get; init; }
    /// <summary>The restore document's parameters, ready to send.</summary>
    public required IReadOnlyDictionary<string, string> RestoreParameters { get; init; }
    public IReadOnlyDictionary<string, string>? ReplayParameters { get; init; }
    public required IReadOnlyDictionary<string, string> ValidateParameters { get; init; }
    public required string ReportKey { get; init; }
}

public sealed record RestoreSource
{
    public required string Id { get; init; }
    public required string Sha256 { get; init; }
    public long RawBytes { get; init; }
    public long CompressedBytes { get; init; }
    public DateTimeOffset ConsistentAt { get; init; }
    public required string GtidPosition { get; init; }
}

public sealed record RestorePoint
{
    /// <summary>backup (the backup's own point), latest, time, or gtid.</summary>
    public required string Kind { get; init; }
    public DateTimeOffset? Time { get; init; }
    public string? BeforeGtid { get; init; }
    /// <summary>For latest: the GTID position the server must reach; for backup: the backup's position.</summary>
    public string? ExpectedPosition { get; init; }
    public required string Description { get; init; }
}

public sealed record RestoreReplay
{
    public bool Needed { get; init; }
    public string? ServerUuid { get; init; }
    public IReadOnlyList<string> Files { get => field ?? []; init; } = [];
    public long Bytes { get; init; }
}
