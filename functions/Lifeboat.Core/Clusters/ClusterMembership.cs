using Lifeboat.Core.Commands;

namespace Lifeboat.Core.Clusters;

/// <summary>
/// The per-call half of the functions' instance scoping: IAM only lets them command instances that carry a
/// lifeboat:cluster tag (they serve every cluster of the deployment), so before a command goes to a named instance
/// its tag must name the cluster the call works for. Otherwise one cluster's backup could be stored under another's.
/// </summary>
public static class ClusterMembership
{
    public static async Task RequireAsync(IRemoteCommands commands, string cluster, string instanceId, string role, CancellationToken cancellationToken)
    {
        var members = await commands.FindInstancesAsync(new Dictionary<string, string> { ["lifeboat:cluster"] = cluster }, cancellationToken);
        if (!members.Any(m => m.InstanceId == instanceId))
        {
            throw new InstanceNotInClusterException(
                $"{role} {instanceId} is not tagged lifeboat:cluster={cluster} (or is not registered with SSM): nothing was sent to it. "
                + $"Tag it lifeboat:cluster={cluster} if it belongs to cluster '{cluster}', or name an instance of that cluster in config/clusters.json.");
        }
    }
}

public sealed class InstanceNotInClusterException(string message) : Exception(message);
