using System.Text.Json;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Json;

namespace Lifeboat.Core.Replication;

/// <summary>Runs the replica-status document on each candidate at once and collects what each reports.</summary>
public sealed class ReplicaProber(IRemoteCommands commands, string statusDocument, TimeProvider clock)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public async Task<IReadOnlyList<ReplicaProbe>> ProbeAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken) =>
        await Task.WhenAll(instanceIds.Select(id => ProbeOneAsync(id, cancellationToken)));

    private async Task<ReplicaProbe> ProbeOneAsync(string instanceId, CancellationToken cancellationToken)
    {
        string commandId;
        try
        {
            commandId = await commands.SendAsync(
                new RemoteCommand(instanceId, statusDocument, new Dictionary<string, string>(), Timeout, "Lifeboat replica check"),
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ReplicaProbe(instanceId, null, $"could not send the status command: {e.Message}");
        }

        var deadline = clock.GetUtcNow() + Timeout;
        while (true)
        {
            await Task.Delay(PollInterval, clock, cancellationToken);
            var result = await commands.GetAsync(commandId, instanceId, cancellationToken);
            if (CommandStates.IsRunning(result.Status))
            {
                if (clock.GetUtcNow() > deadline)
                {
                    return new ReplicaProbe(instanceId, null, $"no answer within {Timeout.TotalSeconds:0} s (command {commandId})");
                }
                continue;
            }
            if (result.Status != CommandStates.Success)
            {
                return new ReplicaProbe(instanceId, null, $"status command {result.Status}: {result.Stderr.Trim()}");
            }
            var json = CommandFollower.LastJsonLine(result.Stdout);
            var status = json?.Deserialize(LifeboatJson.Default.ReplicaStatus);
            return status is null
                ? new ReplicaProbe(instanceId, null, "status command printed no JSON")
                : new ReplicaProbe(instanceId, status, null);
        }
    }
}
