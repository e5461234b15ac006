using Lifeboat.Core;
using Lifeboat.Core.Clusters;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;

namespace Lifeboat.Functions;

/// <summary>
/// The schedules' fan-out, first step: read config/clusters.json (or, without it, the one cluster of the template's
/// parameters) and plan each cluster's run of the scheduled task.
/// </summary>
public sealed class ListClustersFunction
{
    private readonly IObjectStore _store;
    private readonly ClusterDefinition _fallback;
    private readonly ConsoleProgressLog _log = new();

    public ListClustersFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public ListClustersFunction(FunctionSettings settings)
    {
        _store = Adapters.Bucket(settings);
        // Null settings keep the functions' own defaults, which are these same parameters: today's single-cluster inputs.
        _fallback = new ClusterDefinition { Name = settings.Required("CLUSTER_NAME") };
    }

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.ListClustersRequest);
        var (clusters, source) = await ClusterConfiguration.LoadAsync(_store, _fallback, CancellationToken.None);
        var plan = ClusterRunPlanner.Plan(request, clusters, source, DateTimeOffset.UtcNow);
        _log.Info($"{plan.Task} for {plan.Clusters.Count} cluster(s) from {plan.Source}: {string.Join(", ", plan.Clusters.Select(c => c.Cluster))}");
        return LambdaIO.Write(plan, LifeboatJson.Default.ClusterRunPlan);
    }
}
