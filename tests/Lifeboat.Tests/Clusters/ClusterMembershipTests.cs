using Lifeboat.Core.Backup;
using Lifeboat.Core.Binlogs;
using Lifeboat.Core.Clusters;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Workflow;
using Lifeboat.Tests.Core;
using Xunit;

namespace Lifeboat.Tests.Clusters;

/// <summary>IAM lets the functions command any instance with a lifeboat:cluster tag; these checks keep each call to its own cluster.</summary>
public class ClusterMembershipTests
{
    private const string Replica = "i-0123456789abcdef0";
    private const string Primary = "i-0fedcba9876543210";

    private readonly ManualClock _clock = new(CoreFixtures.Now);
    private readonly ScriptedRemoteCommands _commands = new();

    private BackupStarter Starter() => new(_commands, new BackupSettings("bucket", "Lifeboat-Backup", 1, TimeSpan.FromMinutes(10)), _clock);

    private BinlogShipper Shipper() =>
        new(_commands, new InMemoryObjectStore(), new BinlogShippingSettings("orders", "bucket", "Lifeboat-ShipBinlogs", null), _clock, new RecordingLog());

    private static PlannedBackup Backup(string cluster) => new()
    {
        Id = "20261122T013000Z-abcdef",
        Cluster = cluster,
        Replica = new ChosenReplica { InstanceId = Replica, Host = "db-replica" },
        Candidates = [],
    };

    [Fact]
    public async Task Backup_Is_Not_Sent_To_A_Replica_Whose_Tag_Names_Another_Cluster()
    {
        // Arrange: the tag query for cluster "orders" finds no such instance.

        // Act
        var error = await Assert.ThrowsAsync<InstanceNotInClusterException>(() => Starter().StartAsync(Backup("orders"), CancellationToken.None));

        // Assert
        Assert.Contains($"replica {Replica} is not tagged lifeboat:cluster=orders", error.Message);
        Assert.Empty(_commands.Sent);
    }

    [Fact]
    public async Task Backup_Is_Sent_To_A_Replica_Tagged_With_Its_Cluster()
    {
        // Arrange
        _commands.Instances.Add(new ManagedInstance(Replica, "Online", "db-replica"));

        // Act
        var command = await Starter().StartAsync(Backup("orders"), CancellationToken.None);

        // Assert
        Assert.Equal(Replica, Assert.Single(_commands.Sent).InstanceId);
        Assert.Equal(Replica, command.InstanceId);
        Assert.Equal("orders", Assert.Single(_commands.TagQueries)["lifeboat:cluster"]);
    }

    [Fact]
    public async Task Named_Binlog_Source_Of_Another_Cluster_Ships_Nothing()
    {
        // Act
        var error = await Assert.ThrowsAsync<InstanceNotInClusterException>(
            () => Shipper().ShipAsync(new ShipBinlogsRequest { Cluster = "orders", BinlogSource = Primary }, CancellationToken.None));

        // Assert
        Assert.Contains($"binlog source {Primary} is not tagged lifeboat:cluster=orders", error.Message);
        Assert.Empty(_commands.Sent);
    }

    [Fact]
    public async Task By_Tag_Binlog_Source_Overrides_The_Parameters_Instance()
    {
        // Arrange: the parameter names an instance, but the document says this cluster's source is found by tag.
        var shipper = new BinlogShipper(_commands, new InMemoryObjectStore(), new BinlogShippingSettings("orders", "bucket", "Lifeboat-ShipBinlogs", Replica), _clock, new RecordingLog());

        // Act: no instance carries the primary tag.
        var error = await Assert.ThrowsAsync<BinlogShippingFailedException>(
            () => shipper.ShipAsync(new ShipBinlogsRequest { Cluster = "billing", BinlogSource = ClusterConfiguration.ByTag }, CancellationToken.None));

        // Assert
        Assert.Contains("cluster 'billing' has no online instance tagged lifeboat:role=primary", error.Message);
        Assert.Equal("primary", Assert.Single(_commands.TagQueries)["lifeboat:role"]);
        Assert.Empty(_commands.Sent);
    }
}
