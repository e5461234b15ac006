using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lifeboat.Core.Workflow;

/// <summary>The backup state machine's input: <c>{ "cluster": "orders", "replicas": ["i-…"] }</c>; replicas found by tag when omitted.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BackupRequest
{
    public string? Cluster { get; init; }
    public IReadOnlyList<string>? Replicas { get; init; }
    public long? MaxLagSeconds { get; init; }
}

/// <summary><c>$.backup</c> in the backup workflow: the chosen replica and the id the backup is stored under.</summary>
public sealed record PlannedBackup
{
    public required string Id { get; init; }
    public required string Cluster { get; init; }
    public required ChosenReplica Replica { get; init; }
    public IReadOnlyList<CandidateVerdict> Candidates { get; init => field = value ?? []; } = [];
}

public sealed record ChosenReplica
{
    public required string InstanceId { get; init; }
    public string? Host { get; init; }
    public long? LagSeconds { get; init; }
    public string? GtidSlavePos { get; init; }
    public string? ServerVersion { get; init; }
}

public sealed record CandidateVerdict(string InstanceId, bool Healthy, IReadOnlyList<string> Failures);

public sealed record StartBackupInput
{
    public required PlannedBackup Backup { get; init; }
}

/// <summary>
/// <c>$.command</c>: a Run Command invocation being followed. The status task returns the same object with the
/// latest state, so Wait → check → Choice loops on it without losing the ids.
/// </summary>
public sealed record FollowedCommand
{
    public required string CommandId { get; init; }
    public required string InstanceId { get; init; }
    public required string Document { get; init; }
    public DateTimeOffset SentAt { get; init; }
    public string Status { get; init => field = value ?? "Pending"; } = "Pending";
    public bool Done { get; init; }
    public bool Succeeded { get; init; }
    public double? DurationSeconds { get; init; }
    public int Polls { get; init; }
    /// <summary>The document's result: the last line of its stdout, which every Lifeboat document prints as JSON.</summary>
    public JsonElement? Result { get; init; }
    public string? StderrTail { get; init; }
}

public sealed record FollowCommandInput
{
    public required FollowedCommand Command { get; init; }
}

public sealed record BackupVerdictInput
{
    public required string Cluster { get; init; }
    public required string BackupId { get; init; }
    public int Attempts { get; init; }
}

/// <summary><c>$.verdict</c>: whether VerifyBackup has cataloged the backup yet, and what it said.</summary>
public sealed record BackupVerdict
{
    public bool Found { get; init; }
    public int Attempts { get; init; }
    public string? Status { get; init; }
    /// <summary>One line for people and for the failed execution's cause: the status and every reason.</summary>
    public string? Summary { get; init; }
    public Catalog.BackupCatalogEntry? Entry { get; init; }
}
