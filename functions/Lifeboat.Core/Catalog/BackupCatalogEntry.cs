namespace Lifeboat.Core.Catalog;

public static class CatalogStatus
{
    public const string Verified = "verified";
    public const string Failed = "failed";
}

/// <summary><c>catalog/&lt;cluster&gt;/backups/&lt;backupId&gt;.json</c>: the verdict on one backup, written once.</summary>
public sealed record BackupCatalogEntry
{
    public string Kind { get; init => field = value ?? "backup"; } = "backup";
    public required string Cluster { get; init; }
    public required string BackupId { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<string> Reasons { get; init => field = value ?? []; } = [];
    public DateTimeOffset VerifiedAt { get; init; }
    public required string ManifestKey { get; init; }
    public string? StreamKey { get; init; }
    public string? Engine { get; init; }
    public string? ServerVersion { get; init; }
    public string? SourceInstanceId { get; init; }
    public string? GtidSlavePos { get; init; }
    public DateTimeOffset? ConsistentAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long RawBytes { get; init; }
    public long CompressedBytes { get; init; }
    public string? Sha256 { get; init; }
    public int TableCount { get; init; }
    public long TotalRows { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsVerified => Status == CatalogStatus.Verified;
}
