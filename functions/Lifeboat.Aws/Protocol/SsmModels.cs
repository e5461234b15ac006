namespace Lifeboat.Aws.Protocol;

// Member names are the SSM model's (PascalCase), so the C# names are the wire names.

/// <summary>SSM SendCommand input, limited to the members Lifeboat uses.</summary>
public sealed record SendCommandRequest
{
    public required IReadOnlyList<string> InstanceIds { get; init; }

    public required string DocumentName { get; init; }

    public string? DocumentVersion { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Parameters { get; init; }

    /// <summary>Seconds the command may wait to be delivered; the run time is the document's own executionTimeout.</summary>
    public int? TimeoutSeconds { get; init; }

    public string? Comment { get; init; }

    public string? OutputS3BucketName { get; init; }

    public string? OutputS3KeyPrefix { get; init; }

    public CloudWatchOutputConfig? CloudWatchOutputConfig { get; init; }
}

public sealed record CloudWatchOutputConfig
{
    public string? CloudWatchLogGroupName { get; init; }

    public bool? CloudWatchOutputEnabled { get; init; }
}

public sealed record SendCommandResponse
{
    public Command? Command { get; init; }
}

public sealed record Command
{
    public string? CommandId { get; init; }

    public string? DocumentName { get; init; }

    public string? DocumentVersion { get; init; }

    public string? Comment { get; init; }

    public DateTimeOffset? ExpiresAfter { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Parameters { get; init; }

    public IReadOnlyList<string>? InstanceIds { get; init; }

    public DateTimeOffset? RequestedDateTime { get; init; }

    public string? Status { get; init; }

    public string? StatusDetails { get; init; }

    public string? OutputS3BucketName { get; init; }

    public string? OutputS3KeyPrefix { get; init; }

    public int? TargetCount { get; init; }

    public int? CompletedCount { get; init; }

    public int? ErrorCount { get; init; }

    public int? DeliveryTimedOutCount { get; init; }

    public int? TimeoutSeconds { get; init; }
}

public sealed record GetCommandInvocationRequest
{
    public required string CommandId { get; init; }

    public required string InstanceId { get; init; }

    public string? PluginName { get; init; }
}

public sealed record GetCommandInvocationResponse
{
    public string? CommandId { get; init; }

    public string? InstanceId { get; init; }

    public string? Comment { get; init; }

    public string? DocumentName { get; init; }

    public string? DocumentVersion { get; init; }

    public string? PluginName { get; init; }

    /// <summary>The script's exit code; -1 while it has not finished.</summary>
    public int? ResponseCode { get; init; }

    /// <summary>SSM sends an ISO 8601 string here, and an empty one (read as null) before the run starts.</summary>
    public DateTimeOffset? ExecutionStartDateTime { get; init; }

    public DateTimeOffset? ExecutionEndDateTime { get; init; }

    /// <summary>See <see cref="SsmInvocationStatus"/>.</summary>
    public string? Status { get; init; }

    public string? StatusDetails { get; init; }

    /// <summary>At most the first 24,000 characters; the full output goes to S3 when an output bucket is set.</summary>
    public string? StandardOutputContent { get; init; }

    public string? StandardOutputUrl { get; init; }

    public string? StandardErrorContent { get; init; }

    public string? StandardErrorUrl { get; init; }
}

public sealed record DescribeInstanceInformationRequest
{
    public IReadOnlyList<InstanceInformationStringFilter>? Filters { get; init; }

    /// <summary>5 to 50.</summary>
    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}

/// <summary>A filter such as Key "PingStatus" or "tag:Role" with the accepted values.</summary>
public sealed record InstanceInformationStringFilter
{
    public required string Key { get; init; }

    public required IReadOnlyList<string> Values { get; init; }
}

public sealed record DescribeInstanceInformationResponse
{
    public IReadOnlyList<InstanceInformation>? InstanceInformationList { get; init; }

    public string? NextToken { get; init; }
}

public sealed record InstanceInformation
{
    public string? InstanceId { get; init; }

    /// <summary>See <see cref="SsmPingStatus"/>.</summary>
    public string? PingStatus { get; init; }

    public DateTimeOffset? LastPingDateTime { get; init; }

    public string? AgentVersion { get; init; }

    public bool? IsLatestVersion { get; init; }

    public string? PlatformType { get; init; }

    public string? PlatformName { get; init; }

    public string? PlatformVersion { get; init; }

    public string? ResourceType { get; init; }

    public string? Name { get; init; }

    public string? IPAddress { get; init; }

    public string? ComputerName { get; init; }
}

/// <summary>Values of GetCommandInvocation's Status.</summary>
public static class SsmInvocationStatus
{
    public const string Pending = "Pending";
    public const string InProgress = "InProgress";
    public const string Delayed = "Delayed";
    public const string Success = "Success";
    public const string Cancelled = "Cancelled";
    public const string TimedOut = "TimedOut";
    public const string Failed = "Failed";
    public const string Cancelling = "Cancelling";
}

/// <summary>Values of InstanceInformation's PingStatus.</summary>
public static class SsmPingStatus
{
    public const string Online = "Online";
    public const string ConnectionLost = "ConnectionLost";
    public const string Inactive = "Inactive";
}
