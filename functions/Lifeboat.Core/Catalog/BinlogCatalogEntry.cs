namespace Lifeboat.Core.Catalog;

public static class BinlogContinuity
{
    /// <summary>The first file Lifeboat has of this server: nothing before it to be continuous with.</summary>
    public const string ChainStart = "chain-start";
    /// <summary>The previous file is cataloged, rotates into this one, and the GTIDs follow on.</summary>
    public const string Continuous = "continuous";
    /// <summary>Something between the previous cataloged file and this one is missing or does not follow on.</summary>
    public const string Gap = "gap";
}

/// <summary><c>catalog/&lt;cluster&gt;/binlogs/&lt;serverUuid&gt;/&lt;file&gt;.json</c>: the verdict on one shipped binlog, written once.</summary>
public sealed record BinlogCatalogEntry
{
    public string Kind { get; init => field = value ?? "binlog"; } = "binlog";
    public required string Cluster { get; init; }
    public required string ServerUuid { get; init; }
    public required string File { get; init; }
    /// <summary>The file name's numeric suffix (mysql-bin.000042 → 42): the order of a server's files.</summary>
    public long Sequence { get; init; }
    public required string Key { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<string> Reasons { get; init => field = value ?? []; } = [];
    public DateTimeOffset VerifiedAt { get; init; }
    public long Size { get; init; }
    public string? Sha256 { get; init; }
    public DateTimeOffset? FirstEventTime { get; init; }
    public DateTimeOffset? LastEventTime { get; init; }
    public long EventCount { get; init; }
    public long TransactionCount { get; init; }
    /// <summary>MariaDB GTID position before the file's first transaction (its GTID_LIST event), e.g. <c>0-1-41</c>.</summary>
    public string StartPosition { get; init => field = value ?? ""; } = "";
    /// <summary>GTID position after the file's last transaction: the start position advanced by every GTID in the file.</summary>
    public string EndPosition { get; init => field = value ?? ""; } = "";
    /// <summary>The GTIDs in the file, one range per domain: <c>0-1-42..0-1-97</c>.</summary>
    public IReadOnlyList<string> GtidRanges { get; init => field = value ?? []; } = [];
    public string? NextFile { get; init; }
    public bool Closed { get; init; }
    public string Continuity { get; init => field = value ?? BinlogContinuity.Gap; } = BinlogContinuity.Gap;
    public string? PreviousFile { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsVerified => Status == CatalogStatus.Verified;
}
