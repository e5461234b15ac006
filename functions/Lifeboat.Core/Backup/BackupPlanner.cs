using Lifeboat.Core.Commands;
using Lifeboat.Core.Replication;
using Lifeboat.Core.Storage;
using Lifeboat.Core.Workflow;

namespace Lifeboat.Core.Backup;

/// <summary>The backup workflow's first step: validate the request, find the candidates, pick the healthiest.</summary>
public sealed class BackupPlanner(IRemoteCommands commands, ReplicaProber prober, ReplicaPolicy policy, TimeProvider clock)
{
    public const int MaxReplicas = 32;

    public async Task<PlannedBackup> PlanAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        Names.RequireCluster(request.Cluster);
        var cluster = request.Cluster!;
        if (request.MaxLagSeconds is < 0 or > 86_400)
        {
            throw new InvalidInputException($"maxLagSeconds {request.MaxLagSeconds} is out of range: use 0 to 86400 seconds.");
        }
        var candidates = await CandidatesAsync(cluster, request.Replicas, cancellationToken);
        var effectivePolicy = request.MaxLagSeconds is { } lag ? policy with { MaxLagSeconds = lag } : policy;
        var probes = await prober.ProbeAsync(candidates, cancellationToken);
        var selector = new ReplicaSelector(effectivePolicy);
        var chosen = selector.Choose(cluster, probes);
        var status = chosen.Status!;
        return new PlannedBackup
        {
            Id = Names.NewBackupId(clock.GetUtcNow(), ShortId(chosen.InstanceId)),
            Cluster = cluster,
            Replica = new ChosenReplica
            {
                InstanceId = chosen.InstanceId,
                Host = status.Host,
                LagSeconds = status.SecondsBehindMaster,
                GtidSlavePos = status.GtidSlavePos,
                ServerVersion = status.ServerVersion,
            },
            Candidates = probes.Select(selector.Judge).Select(v => new CandidateVerdict(v.InstanceId, v.Healthy, v.Failures)).ToList(),
        };
    }

    private async Task<IReadOnlyList<string>> CandidatesAsync(string cluster, IReadOnlyList<string>? replicas, CancellationToken cancellationToken)
    {
        if (replicas is { Count: > 0 })
        {
            if (replicas.Count > MaxReplicas)
            {
                throw new InvalidInputException($"{replicas.Count} replicas given; at most {MaxReplicas} are checked per backup.");
            }
            foreach (var id in replicas)
            {
                Names.RequireInstanceId(id);
            }
            var distinct = replicas.Distinct().ToList();
            await Clusters.ClusterMembership.RequireAllAsync(commands, cluster, distinct, "replica", cancellationToken);
            return distinct;
        }
        var tagged = await commands.FindInstancesAsync(
            new Dictionary<string, string> { ["lifeboat:cluster"] = cluster, ["lifeboat:role"] = "replica" },
            cancellationToken);
        return tagged.Where(i => i.Online).Select(i => i.InstanceId).Take(MaxReplicas).ToList();
    }

    /// <summary>The instance id's tail keeps concurrent backups of different replicas apart in the key space.</summary>
    private static string ShortId(string instanceId) => instanceId[^Math.Min(6, instanceId.Length)..];
}
