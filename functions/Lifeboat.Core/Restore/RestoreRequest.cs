using System.Text.Json.Serialization;

namespace Lifeboat.Core.Restore;

/// <summary>
/// The restore state machine's input: <c>{ "cluster": "orders", "mode": "drill" | "restore", "target": { "latest": true }
/// | { "time": "2026-11-21T14:03:00Z" } | { "beforeGtid": "0-1-4242" }, "keepInstance": false, "instanceType": "r6i.2xlarge", "diskGiB": 500,
/// "source": "primary" | "offsite" }</c>. Unknown fields are refused: a misspelt "tiem" must not become a restore to the latest point.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RestoreRequest
{
    public string? Cluster { get; init; }
    public string? Mode { get; init; }
    public RestoreTarget? Target { get; init; }
    public bool KeepInstance { get; init; }
    public string? InstanceType { get; init; }
    /// <summary>Where the backups are read from: the deployment's bucket (the default) or its off-site copy.</summary>
    public string? Source { get; init; }
    /// <summary>Overrides the planned disk size (GiB). Smaller than the plan, the restore document refuses before downloading.</summary>
    public int? DiskGiB { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RestoreTarget
{
    public bool? Latest { get; init; }
    public DateTimeOffset? Time { get; init; }
    public string? BeforeGtid { get; init; }
}

public static class RestoreModes
{
    /// <summary>The daily proof: the newest verified backup, restored to its own point and checked row for row.</summary>
    public const string Drill = "drill";
    /// <summary>An operator's point-in-time restore.</summary>
    public const string Restore = "restore";
}

public static class RestoreSources
{
    /// <summary>The deployment's own bucket.</summary>
    public const string Primary = "primary";
    /// <summary>The off-site copy the bucket replicates to (another region or account).</summary>
    public const string Offsite = "offsite";
}
