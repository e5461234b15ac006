namespace Lifeboat.Core.Replication;

/// <summary>What the replica-status document reports about one host (built as JSON on the host).</summary>
public sealed record ReplicaStatus
{
    public string? Host { get; init; }
    public string? Engine { get; init; }
    public string? ServerVersion { get; init; }
    public long ServerId { get; init; }
    public bool ReadOnly { get; init; }
    public bool IsReplica { get; init; }
    public bool IoRunning { get; init; }
    public bool SqlRunning { get; init; }
    /// <summary>Seconds_Behind_Master; null when the server does not know (SQL thread stopped, IO disconnected).</summary>
    public long? SecondsBehindMaster { get; init; }
    public string? LastIoError { get; init; }
    public string? LastSqlError { get; init; }
    public string? GtidSlavePos { get; init; }
    public string? GtidIoPos { get; init; }
    public long FreeDiskBytes { get; init; }
    public long DatadirBytes { get; init; }
    /// <summary>Set when the document restarted an SQL thread that a killed Lifeboat backup had left stopped.</summary>
    public string? Recovered { get; init; }
}
