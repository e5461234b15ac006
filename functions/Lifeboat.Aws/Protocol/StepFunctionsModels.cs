using System.Text.Json.Serialization;

namespace Lifeboat.Aws.Protocol;

// The Step Functions model's member names are camelCase, hence the explicit wire names.

public sealed record StartExecutionRequest
{
    [JsonPropertyName("stateMachineArn")]
    public required string StateMachineArn { get; init; }

    /// <summary>Unique per state machine for 90 days; starting the same name with the same input again is idempotent.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The execution input as a JSON text.</summary>
    [JsonPropertyName("input")]
    public string? Input { get; init; }
}

public sealed record StartExecutionResponse
{
    [JsonPropertyName("executionArn")]
    public required string ExecutionArn { get; init; }

    [JsonPropertyName("startDate")]
    public required DateTimeOffset StartDate { get; init; }
}

public sealed record DescribeExecutionRequest
{
    [JsonPropertyName("executionArn")]
    public required string ExecutionArn { get; init; }
}

public sealed record DescribeExecutionResponse
{
    [JsonPropertyName("executionArn")]
    public required string ExecutionArn { get; init; }

    [JsonPropertyName("stateMachineArn")]
    public required string StateMachineArn { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>See <see cref="SfnExecutionStatus"/>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("startDate")]
    public required DateTimeOffset StartDate { get; init; }

    [JsonPropertyName("stopDate")]
    public DateTimeOffset? StopDate { get; init; }

    [JsonPropertyName("input")]
    public string? Input { get; init; }

    [JsonPropertyName("output")]
    public string? Output { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("cause")]
    public string? Cause { get; init; }
}

/// <summary>Values of DescribeExecution's status.</summary>
public sealed record StopExecutionRequest
{
    [JsonPropertyName("executionArn")]
    public required string ExecutionArn { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("cause")]
    public string? Cause { get; init; }
}

public sealed record StopExecutionResponse
{
    [JsonPropertyName("stopDate")]
    public required DateTimeOffset StopDate { get; init; }
}

public static class SfnExecutionStatus
{
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string TimedOut = "TIMED_OUT";
    public const string Aborted = "ABORTED";
}
