using Lifeboat.Core.Commands;
using Lifeboat.Core.Workflow;

namespace Lifeboat.Core.Backup;

/// <summary>The backup's own run time is bounded by the document; <paramref name="DeliveryTimeout"/> bounds reaching the host.</summary>
public sealed record BackupSettings(string Bucket, string BackupDocument, int CompressionLevel, TimeSpan DeliveryTimeout);

/// <summary>Sends the backup document to the chosen replica.</summary>
public sealed class BackupStarter(IRemoteCommands commands, BackupSettings settings, TimeProvider clock)
{
    public async Task<FollowedCommand> StartAsync(PlannedBackup backup, CancellationToken cancellationToken)
    {
        Storage.Names.RequireCluster(backup.Cluster);
        Storage.Names.RequireInstanceId(backup.Replica.InstanceId);
        await Clusters.ClusterMembership.RequireAsync(commands, backup.Cluster, backup.Replica.InstanceId, "replica", cancellationToken);
        var parameters = new Dictionary<string, string>
        {
            ["Cluster"] = backup.Cluster,
            ["BackupId"] = backup.Id,
            ["Bucket"] = settings.Bucket,
            ["InstanceId"] = backup.Replica.InstanceId,
            ["CompressionLevel"] = settings.CompressionLevel.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var sentAt = clock.GetUtcNow();
        var commandId = await commands.SendAsync(
            new RemoteCommand(backup.Replica.InstanceId, settings.BackupDocument, parameters, settings.DeliveryTimeout, $"Lifeboat backup {backup.Cluster}/{backup.Id}"),
            cancellationToken);
        return new FollowedCommand
        {
            CommandId = commandId,
            InstanceId = backup.Replica.InstanceId,
            Document = settings.BackupDocument,
            SentAt = sentAt,
        };
    }
}
