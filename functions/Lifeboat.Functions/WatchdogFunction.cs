using Lifeboat.Core;
using Lifeboat.Core.Json;
using Lifeboat.Core.Monitoring;
using Lifeboat.Core.Replication;

namespace Lifeboat.Functions;

/// <summary>Every 15 minutes: backup age, shipping lag, window, drill age and replication health, as metrics the alarms watch.</summary>
public sealed class WatchdogFunction
{
    private readonly Watchdog _watchdog;
    private readonly string _cluster;

    public WatchdogFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public WatchdogFunction(FunctionSettings settings)
    {
        _cluster = settings.Required("CLUSTER_NAME");
        var commands = Adapters.RunCommand(settings);
        var policy = ReplicaPolicy.Default with { MaxLagSeconds = settings.Long("MAX_LAG_SECONDS", ReplicaPolicy.Default.MaxLagSeconds) };
        var prober = new ReplicaProber(commands, settings.Required("REPLICA_STATUS_DOCUMENT"), TimeProvider.System);
        _watchdog = new Watchdog(Adapters.Bucket(settings), commands, prober, policy, TimeProvider.System, new ConsoleProgressLog(settings.Deployment));
    }

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.WatchdogRequest);
        var report = await _watchdog.CheckAsync(request.Cluster ?? _cluster, request.MaxLagSeconds, CancellationToken.None);
        return LambdaIO.Write(report, LifeboatJson.Default.WatchdogReport);
    }
}
