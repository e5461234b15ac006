using Lifeboat.Core.Commands;

namespace Lifeboat.Tests.Core;

/// <summary>One scripted answer to GetCommandInvocation.</summary>
internal sealed record ScriptedPoll(
    string Status,
    string Stdout = "",
    string Stderr = "",
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? EndedAt = null,
    string? StatusDetails = null)
{
    public static ScriptedPoll Running() => new(CommandStates.InProgress);

    public static ScriptedPoll Success(string stdout) => new(CommandStates.Success, stdout);

    public static ScriptedPoll Failed(string stderr) => new(CommandStates.Failed, "", stderr, StatusDetails: CommandStates.Failed);
}

/// <summary>
/// Run Command with scripted hosts: each instance answers its polls in order (the last answer repeats), and every
/// command sent, poll made and tag query asked is recorded.
/// </summary>
internal sealed class ScriptedRemoteCommands : IRemoteCommands
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<ScriptedPoll>> _polls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Exception> _sendFailures = new(StringComparer.Ordinal);
    private readonly List<RemoteCommand> _sent = [];
    private readonly List<(string CommandId, string InstanceId)> _gets = [];
    private readonly List<IReadOnlyDictionary<string, string>> _tagQueries = [];

    public List<ManagedInstance> Instances { get; } = [];

    public IReadOnlyList<RemoteCommand> Sent
    {
        get
        {
            lock (_gate)
            {
                return _sent.ToList();
            }
        }
    }

    public IReadOnlyList<(string CommandId, string InstanceId)> Gets
    {
        get
        {
            lock (_gate)
            {
                return _gets.ToList();
            }
        }
    }

    public IReadOnlyList<IReadOnlyDictionary<string, string>> TagQueries
    {
        get
        {
            lock (_gate)
            {
                return _tagQueries.ToList();
            }
        }
    }

    public ScriptedRemoteCommands Answer(string instanceId, params ScriptedPoll[] polls)
    {
        lock (_gate)
        {
            _polls[instanceId] = new Queue<ScriptedPoll>(polls);
        }
        return this;
    }

    public ScriptedRemoteCommands FailSend(string instanceId, Exception error)
    {
        lock (_gate)
        {
            _sendFailures[instanceId] = error;
        }
        return this;
    }

    public Task<string> SendAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _sent.Add(command);
            if (_sendFailures.TryGetValue(command.InstanceId, out var error))
            {
                throw error;
            }
            return Task.FromResult($"cmd-{_sent.Count:D4}");
        }
    }

    public Task<CommandResult> GetAsync(string commandId, string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _gets.Add((commandId, instanceId));
            if (!_polls.TryGetValue(instanceId, out var script) || script.Count == 0)
            {
                throw new InvalidOperationException($"test did not script instance {instanceId}");
            }
            var poll = script.Count > 1 ? script.Dequeue() : script.Peek();
            return Task.FromResult(new CommandResult(
                commandId,
                instanceId,
                poll.Status,
                poll.Status == CommandStates.Success ? 0 : CommandStates.IsRunning(poll.Status) ? -1 : 1,
                poll.Stdout,
                poll.Stderr,
                poll.StartedAt,
                poll.EndedAt,
                poll.StatusDetails ?? poll.Status));
        }
    }

    public Task<IReadOnlyList<ManagedInstance>> FindInstancesAsync(IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _tagQueries.Add(new Dictionary<string, string>(tags));
            return Task.FromResult<IReadOnlyList<ManagedInstance>>(Instances.ToList());
        }
    }

    public Task<ManagedInstance?> DescribeAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Instances.FirstOrDefault(i => i.InstanceId == instanceId));
        }
    }
}
