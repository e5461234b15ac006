namespace Lifeboat.Core.Forensics;

/// <summary><c>{ "cluster": "orders", "since": "2026-11-21T00:00:00Z", "until": … }</c>: both times optional.</summary>
public sealed record FindDestructiveRequest
{
    public string? Cluster { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
}
