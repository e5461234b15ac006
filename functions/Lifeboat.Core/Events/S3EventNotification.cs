namespace Lifeboat.Core.Events;

/// <summary>
/// The S3 event notification format Lambda receives (event version 2.1). Our own types: the
/// Amazon.Lambda.S3Events package is not obtainable here, and only these members are read.
/// </summary>
public sealed record S3EventNotification
{
    public IReadOnlyList<S3EventRecord> Records { get; init => field = value ?? []; } = [];

    /// <summary>The decoded keys of the objects created (real S3 says Put, Post, Copy or CompleteMultipartUpload after the prefix).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> CreatedKeys =>
        Records.Where(r => r.EventName.StartsWith("ObjectCreated:", StringComparison.Ordinal)).Select(r => r.S3.Object.DecodedKey);
}

public sealed record S3EventRecord
{
    public string? EventVersion { get; init; }
    public string? EventSource { get; init; }
    public string? AwsRegion { get; init; }
    public DateTimeOffset? EventTime { get; init; }
    public required string EventName { get; init; }
    public required S3EventEntity S3 { get; init; }
}

public sealed record S3EventEntity
{
    public required S3EventBucket Bucket { get; init; }
    public required S3EventObject Object { get; init; }
}

public sealed record S3EventBucket
{
    public required string Name { get; init; }
    public string? Arn { get; init; }
}

public sealed record S3EventObject
{
    /// <summary>URL-encoded as in the notification (spaces as '+'); use <see cref="DecodedKey"/>.</summary>
    public required string Key { get; init; }
    public long? Size { get; init; }
    public string? ETag { get; init; }
    public string? Sequencer { get; init; }
    public string? VersionId { get; init; }

    public string DecodedKey => Uri.UnescapeDataString(Key.Replace('+', ' '));
}
