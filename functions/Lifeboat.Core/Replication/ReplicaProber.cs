using System.Text.Json;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Json;

namespace Lifeboat.Core.Replication;

/// <summary>Runs the replica-status document on each candidate at once and collects what each reports.</summary>
public sealed class ReplicaProber(IRemoteCommands commands, string statusDocument, TimeProvider clock)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly CommandRunner _runner = new(commands, clock);

    public async Task<IReadOnlyList<ReplicaProbe>> ProbeAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken) =>
        await Task.WhenAll(instanceIds.Select(id => ProbeOneAsync(id, cancellationToken)));

    private async Task<ReplicaProbe> ProbeOneAsync(string instanceId, CancellationToken cancellationToken)
    {
        CommandResult result;
        try
        {
            result = await _runner.RunAsync(
                new RemoteCommand(instanceId, statusDocument, new Dictionary<string, string>(), Timeout, "Lifeboat replica check"),
                Timeout,
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ReplicaProbe(instanceId, null, $"could not send the status command: {e.Message}");
        }
        if (result.Status == CommandStates.TimedOut)
        {
            return new ReplicaProbe(instanceId, null, result.StatusDetails);
        }
        if (result.Status != CommandStates.Success)
        {
            return new ReplicaProbe(instanceId, null, $"status command {result.Status}: {result.Stderr.Trim()}");
        }
        var status = CommandFollower.LastJsonLine(result.Stdout)?.Deserialize(LifeboatJson.Default.ReplicaStatus);
        return status is null
            ? new ReplicaProbe(instanceId, null, "status command printed no JSON")
            : new ReplicaProbe(instanceId, status, null);
    }
}
