using Lifeboat.Core;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Json;
using Lifeboat.Core.Replication;

namespace Lifeboat.Functions;

/// <summary>Backup workflow, first step: check every candidate replica and choose the healthiest.</summary>
public sealed class ChooseReplicaFunction
{
    private readonly BackupPlanner _planner;

    public ChooseReplicaFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public ChooseReplicaFunction(FunctionSettings settings)
    {
        var commands = Adapters.RunCommand(settings);
        var policy = new ReplicaPolicy(
            settings.Long("MAX_LAG_SECONDS", ReplicaPolicy.Default.MaxLagSeconds),
            settings.Long("MIN_FREE_DISK_BYTES", ReplicaPolicy.Default.MinFreeDiskBytes));
        var prober = new ReplicaProber(commands, settings.Required("REPLICA_STATUS_DOCUMENT"), TimeProvider.System);
        _planner = new BackupPlanner(commands, prober, policy, TimeProvider.System);
    }

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.BackupRequest);
        var plan = await _planner.PlanAsync(request, CancellationToken.None);
        return LambdaIO.Write(plan, LifeboatJson.Default.PlannedBackup);
    }
}
