namespace Lifeboat.Core.Backup;

/// <summary>
/// <c>backups/&lt;cluster&gt;/&lt;backupId&gt;/manifest.json</c>: written by the backup document on the host, last,
/// after the stream is uploaded. Everything a restore needs to know about the backup is here.
/// </summary>
public sealed record BackupManifest
{
    public int FormatVersion { get; init; }
    public required string Cluster { get; init; }
    public required string BackupId { get; init; }
    public required string Engine { get; init; }
    public required string ServerVersion { get; init; }
    public required string Tool { get; init; }
    public string? ToolVersion { get; init; }
    // Source-generated deserialization sets absent members to null; keep the declared defaults.
    public string Compression { get; init => field = value ?? "zstd"; } = "zstd";
    public int CompressionLevel { get; init; }
    public required ManifestSource Source { get; init; }
    public required ManifestCoordinates Coordinates { get; init; }
    public required ManifestSizes Sizes { get; init; }
    public required ManifestStream Stream { get; init; }
    public IReadOnlyList<TableCount> Tables { get; init => field = value ?? []; } = [];
    public ServerSettings? Settings { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    /// <summary>When the SQL thread was stopped: the data is exactly as of this moment.</summary>
    public DateTimeOffset? ConsistentAt { get; init; }
}

public sealed record ManifestSource
{
    public required string InstanceId { get; init; }
    public string? Host { get; init; }
    public long ServerId { get; init; }
    public long? ReplicaLagSeconds { get; init; }
}

/// <summary>Where replay starts: the replica's applied GTID position and the source coordinates it matches.</summary>
public sealed record ManifestCoordinates
{
    /// <summary>The replica's <c>gtid_slave_pos</c> while its SQL thread was stopped: replay starts after this.</summary>
    public required string GtidSlavePos { get; init; }
    public string? GtidBinlogPos { get; init; }
    public string? MasterLogFile { get; init; }
    public long? ExecMasterLogPos { get; init; }
    public string? BinlogFile { get; init; }
    public long? BinlogPosition { get; init; }
}

public sealed record ManifestSizes
{
    public long RawBytes { get; init; }
    public long CompressedBytes { get; init; }
    public long DatadirBytes { get; init; }
}

public sealed record ManifestStream
{
    public required string Key { get; init; }
    public required string Sha256 { get; init; }
}

public sealed record TableCount
{
    public required string Schema { get; init; }
    public required string Table { get; init; }
    public long Rows { get; init; }
    public string? Engine { get; init; }
    public long DataBytes { get; init; }
    public long IndexBytes { get; init; }
}

/// <summary>Settings a restore host must match for the drill to prove anything about production.</summary>
public sealed record ServerSettings
{
    public string? Version { get; init; }
    public string? SqlMode { get; init; }
    public string? CharacterSetServer { get; init; }
    public string? CollationServer { get; init; }
    public int? LowerCaseTableNames { get; init; }
    public long? InnodbPageSize { get; init; }
}
