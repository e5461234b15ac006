namespace Lifeboat.Core.Commands;

/// <summary>Run Command, as the domain sees it: send a document to one host, read its result, find hosts by tag.</summary>
public interface IRemoteCommands
{
    /// <summary>Returns the command id.</summary>
    Task<string> SendAsync(RemoteCommand command, CancellationToken cancellationToken);

    Task<CommandResult> GetAsync(string commandId, string instanceId, CancellationToken cancellationToken);

    /// <summary>Instances whose tags match every pair given, with the agent's ping status.</summary>
    Task<IReadOnlyList<ManagedInstance>> FindInstancesAsync(IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>One instance's registration with the agent service; null while it has not registered.</summary>
    Task<ManagedInstance?> DescribeAsync(string instanceId, CancellationToken cancellationToken);
}

public sealed record RemoteCommand(
    string InstanceId,
    string DocumentName,
    IReadOnlyDictionary<string, string> Parameters,
    TimeSpan Timeout,
    string Comment);

public sealed record ManagedInstance(string InstanceId, string PingStatus, string? ComputerName)
{
    public bool Online => PingStatus == "Online";
}

/// <summary>Run Command's invocation states (GetCommandInvocation's Status).</summary>
public static class CommandStates
{
    public const string Pending = "Pending";
    public const string InProgress = "InProgress";
    public const string Delayed = "Delayed";
    public const string Success = "Success";
    public const string Cancelled = "Cancelled";
    public const string TimedOut = "TimedOut";
    public const string Failed = "Failed";
    public const string Cancelling = "Cancelling";

    public static bool IsRunning(string state) => state is Pending or InProgress or Delayed or Cancelling;
}

public sealed record CommandResult(
    string CommandId,
    string InstanceId,
    string Status,
    int ResponseCode,
    string Stdout,
    string Stderr,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? StatusDetails);
