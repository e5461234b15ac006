using System.Text.Json;

namespace Lifeboat.Core.Restore;

/// <summary><c>catalog/&lt;cluster&gt;/drills/&lt;executionName&gt;.json</c>: one restore drill or manual restore, with per-phase timings.</summary>
public sealed record DrillRecord
{
    public string Kind { get => field ?? "drill"; init; } = "drill";
    public required string Cluster { get; init; }
    public required string ExecutionName { get; init; }
    public required string Mode { get; init; }
    /// <summary>passed, or failed (verification failed, or the workflow failed on the way).</summary>
    public required string Status { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    public double TotalSeconds { get; init; }
    public string? BackupId { get; init; }
    /// <summary>"primary", or "offsite" for a restore read from the off-site copy.</summary>
    public string? Source { get; init; }
    public string? Target { get; init; }
    public string? InstanceId { get; init; }
    /// <summary>Seconds per phase: download, prepare, start (from the restore document), replay, validate.</summary>
    public IReadOnlyDictionary<string, double> Phases { get => field ?? new Dictionary<string, double>(); init; } = new Dictionary<string, double>();
    public long RawBytes { get; init; }
    public long ReplayBytes { get; init; }
    public string? Summary { get; init; }
    public IReadOnlyList<string> Failures { get => field ?? []; init; } = [];
    public string? Error { get; init; }
}

/// <summary>The Record step's input: what the workflow knows when it ends, on the success path or a failure path.</summary>
public sealed record RecordDrillInput
{
    public required string ExecutionName { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public RestorePlan? Plan { get; init; }
    public string? InstanceId { get; init; }
    public Workflow.FollowedCommand? Restore { get; init; }
    public JsonElement? Replay { get; init; }
    public Workflow.FollowedCommand? Validation { get; init; }
    public RestoreVerdict? Verdict { get; init; }
    /// <summary>A failure path's error: { "Error": …, "Cause": … }.</summary>
    public JsonElement? Error { get; init; }
}
