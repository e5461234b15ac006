using Lifeboat.Core;
using Lifeboat.Core.Restore;
using Lifeboat.Tests.Core;
using Xunit;
using static Lifeboat.Tests.Recovery.CatalogBuilder;

namespace Lifeboat.Tests.Restore;

/// <summary>Restores and drills with <c>"source": "offsite"</c>: planned from the copy's catalog, downloaded from the copy's bucket and region.</summary>
public class OffsitePlanningTests
{
    private const string OffsiteBucket = "lifeboat-orders-dr";
    private const string OffsiteRegion = "eu-central-1";

    [Fact]
    public async Task Offsite_Drill_Plans_From_The_Copys_Catalog_And_Downloads_From_The_Copy()
    {
        // Arrange: the deployment's bucket is empty (lost); the copy holds the catalog.
        var scenario = new RestoreScenario(Standard());
        var planning = OffsitePlanning(scenario, new InMemoryObjectStore(scenario.Clock));
        var newest = scenario.Catalog.BackupAt(Day(11, 21));

        // Act
        var plan = await planning.PlanAsync(Input(new RestoreRequest { Cluster = Cluster, Mode = RestoreModes.Drill, Source = RestoreSources.Offsite }), CancellationToken.None);

        // Assert
        Assert.Equal(RestoreSources.Offsite, plan.Source);
        Assert.Equal(OffsiteBucket, plan.SourceBucket);
        Assert.Equal(newest.BackupId, plan.Backup.Id);
        Assert.Equal(OffsiteBucket, plan.RestoreParameters["Bucket"]);
        Assert.Equal(OffsiteRegion, plan.RestoreParameters["Region"]);
        // Reports are written to, and judged from, the deployment's own bucket.
        Assert.Equal(RestoreScenario.Bucket, plan.ValidateParameters["Bucket"]);
    }

    [Fact]
    public async Task Offsite_Point_In_Time_Restore_Replays_Binlogs_From_The_Copy()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        var planning = OffsitePlanning(scenario, new InMemoryObjectStore(scenario.Clock));
        var request = new RestoreRequest { Cluster = Cluster, Mode = RestoreModes.Restore, Target = new RestoreTarget { Latest = true }, Source = RestoreSources.Offsite };

        // Act
        var plan = await planning.PlanAsync(Input(request), CancellationToken.None);

        // Assert
        Assert.True(plan.Replay.Needed);
        Assert.Equal(OffsiteBucket, plan.ReplayParameters!["Bucket"]);
        Assert.Equal(OffsiteRegion, plan.ReplayParameters["Region"]);
    }

    [Fact]
    public async Task Primary_Source_Is_The_Default_And_Names_No_Region()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        var planning = OffsitePlanning(scenario, scenario.Store);

        // Act
        var plan = await planning.PlanAsync(Input(new RestoreRequest { Cluster = Cluster, Mode = RestoreModes.Drill }), CancellationToken.None);

        // Assert
        Assert.Equal(RestoreSources.Primary, plan.Source);
        Assert.Equal(RestoreScenario.Bucket, plan.RestoreParameters["Bucket"]);
        Assert.Equal("", plan.RestoreParameters["Region"]);
    }

    [Fact]
    public async Task Offsite_Source_Without_A_Copy_Is_Refused_Naming_The_Parameters_To_Deploy()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        var request = new RestoreRequest { Cluster = Cluster, Mode = RestoreModes.Drill, Source = RestoreSources.Offsite };

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.Planning().PlanAsync(Input(request), CancellationToken.None));

        // Assert
        Assert.Contains("OffsiteBucketName, OffsiteRegion and OffsiteKmsKeyArn", error.Message);
    }

    private static RestorePlanning OffsitePlanning(RestoreScenario scenario, InMemoryObjectStore primary) =>
        new(primary, new RestoreSettings(RestoreScenario.Bucket, RestoreScenario.DefaultInstanceType, OffsiteBucket, OffsiteRegion), scenario.Clock, scenario.Store);

    private static PlanRestoreInput Input(RestoreRequest request) => new() { Request = request, ExecutionName = "drill-offsite-1" };
}
