using Lifeboat.Core.Commands;

namespace Lifeboat.Core.Clusters;

/// <summary>
/// The per-call half of the functions' instance scoping: IAM only lets them command instances that carry a
/// lifeboat:cluster tag (they serve every cluster of the deployment), so before a command goes to a named instance
/// its tag must name the cluster the call works for. Otherwise one cluster's backup could be stored under another's.
/// </summary>
public static class ClusterMembership
{
    public static Task RequireAsync(IRemoteCommands commands, string cluster, string instanceId, string role, CancellationToken cancellationToken) =>
        RequireAllAsync(commands, cluster, [instanceId], role, cancellationToken);

    public static async Task RequireAllAsync(IRemoteCommands commands, string cluster, IReadOnlyCollection<string> instanceIds, string role, CancellationToken cancellationToken)
    {
        var members = (await commands.FindInstancesAsync(new Dictionary<string, string> { ["lifeboat:cluster"] = cluster }, cancellationToken))
            .Select(m => m.InstanceId)
            .ToHashSet(StringComparer.Ordinal);
        var strangers = instanceIds.Where(id => !members.Contains(id)).ToList();
        if (strangers.Count > 0)
        {
            throw new InstanceNotInClusterException(
                $"{role}{(strangers.Count == 1 ? "" : "s")} {string.Join(", ", strangers)} {(strangers.Count == 1 ? "is" : "are")} not tagged lifeboat:cluster={cluster} (or not registered with SSM): nothing was sent. "
                + $"Tag {(strangers.Count == 1 ? "it" : "them")} lifeboat:cluster={cluster} if {(strangers.Count == 1 ? "it belongs" : "they belong")} to cluster '{cluster}', or name instances of that cluster in config/clusters.json.");
        }
    }
}

public sealed class InstanceNotInClusterException(string message) : Exception(message);
