using Amazon.Runtime;

namespace Lifeboat.Aws.Protocol;

/// <summary>Connection, credential and retry settings shared by the JSON-protocol clients.</summary>
public sealed record AwsClientOptions
{
    /// <summary>Signing region; defaults to AWS_REGION, then AWS_DEFAULT_REGION.</summary>
    public string? Region { get; init; }

    /// <summary>Endpoint override (e.g. the local sandbox at http://127.0.0.1:port); defaults to the regional AWS endpoint.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>Credentials; defaults to the AWS SDK's default credential chain.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>Total attempts per call, the first one included.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Backoff cap before jitter for the first retry; it doubles on each later retry.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of any single backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Waits between attempts; tests replace it so they never sleep.</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; init; }

    /// <summary>Clock for request signing; tests pin it.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
