using System.Text;
using System.Text.Json.Nodes;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Clusters;
using Lifeboat.Core.Monitoring;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>
/// The schedules' fan-out over config/clusters.json, on the real sandbox: the sandbox's own cluster and "ghost", a
/// cluster whose hosts do not exist (no replica, no primary carries its tag).
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class ClusterFanOutTests(SandboxFixture fixture)
{
    private const string Ghost = "ghost";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Backup_Schedule_Backs_Up_The_Good_Cluster_While_The_Cluster_Without_Replicas_Fails_On_Its_Own_And_Pages()
    {
        // Arrange
        var alarms = fixture.Sandbox.Alarms();
        await using var configuration = await ConfigureAsync(new JsonArray(new JsonObject { ["name"] = SandboxLayout.Cluster }, new JsonObject { ["name"] = Ghost }));

        // Act: the daily backup schedule fires; each cluster gets its own backup execution.
        var fanOut = await fixture.Sandbox.RunScheduleAsync("DailyBackup", Timeout);
        var runs = Runs(fanOut);
        var good = await fixture.Sandbox.FollowExecutionAsync(SandboxLayout.ExecutionArn("BackupStateMachine", runs[SandboxLayout.Cluster]), Timeout);
        var bad = await fixture.Sandbox.FollowExecutionAsync(SandboxLayout.ExecutionArn("BackupStateMachine", runs[Ghost]), Timeout);
        var pagedNow = alarms.Evaluate(DateTimeOffset.UtcNow);

        // Assert: both were started; the good cluster's backup is verified, the ghost's failed on its own and pages.
        Assert.True(fanOut.Succeeded, $"{fanOut.Error}: {fanOut.Cause}");
        Assert.True(good.Succeeded, $"{good.Error}: {good.Cause}");
        var backupId = JsonNode.Parse(good.Output!)!["backupId"]!.GetValue<string>();
        var entry = await new BackupCatalog(fixture.Sandbox.Bucket()).GetAsync(SandboxLayout.Cluster, backupId, CancellationToken.None);
        Assert.Equal(CatalogStatus.Verified, entry?.Status);
        Assert.Equal("FAILED", bad.Status);
        Assert.Equal("NoHealthyReplicaException", bad.Error);
        Assert.Contains($"cluster '{Ghost}' has no replica to back up", bad.Cause);
        Assert.Equal("ALARM", Named(pagedNow, "backup-workflow-failed").State);
    }

    [Fact]
    public async Task Backup_Of_A_Cluster_Naming_Another_Clusters_Replica_Is_Refused_Before_Any_Command_Reaches_It()
    {
        // Arrange: the document gives "ghost" the sandbox's replica, which is tagged lifeboat:cluster=demo.
        await using var configuration = await ConfigureAsync(new JsonArray(
            new JsonObject { ["name"] = Ghost, ["replicas"] = new JsonArray(fixture.Replica.InstanceId) }));

        // Act: a scheduled time of its own, so the ghost's execution name differs from the other backup test's.
        var fanOut = await fixture.Sandbox.RunScheduleAsync("DailyBackup", Timeout, new DateTimeOffset(2026, 1, 1, 3, 0, 0, TimeSpan.Zero));
        var backup = await fixture.Sandbox.FollowExecutionAsync(SandboxLayout.ExecutionArn("BackupStateMachine", Runs(fanOut)[Ghost]), Timeout);

        // Assert: IAM would allow the call (the instance has a cluster tag); the function's own check refuses it.
        Assert.Equal("FAILED", backup.Status);
        Assert.Equal(nameof(InstanceNotInClusterException), backup.Error);
        Assert.Contains($"replica {fixture.Replica.InstanceId} is not tagged lifeboat:cluster={Ghost}", backup.Cause);
        Assert.Contains("nothing was sent", backup.Cause);
    }

    [Fact]
    public async Task A_Repeated_Delivery_Of_The_Backup_Schedule_Starts_No_Second_Backup()
    {
        // Arrange
        await using var configuration = await ConfigureAsync(new JsonArray(new JsonObject { ["name"] = Ghost }));
        var scheduledAt = new DateTimeOffset(2026, 1, 2, 3, 0, 0, TimeSpan.Zero);

        // Act: Scheduler delivers the same firing twice (at-least-once), after the first backup has already ended.
        var first = await fixture.Sandbox.RunScheduleAsync("DailyBackup", Timeout, scheduledAt);
        var backup = await fixture.Sandbox.FollowExecutionAsync(SandboxLayout.ExecutionArn("BackupStateMachine", Runs(first)[Ghost]), Timeout);
        var again = await fixture.Sandbox.RunScheduleAsync("DailyBackup", Timeout, scheduledAt);

        // Assert: the second delivery found the execution by its name (ExecutionAlreadyExists) and counts it as started.
        Assert.True(again.Succeeded, $"{again.Error}: {again.Cause}");
        Assert.Equal("backup-ghost-20260102T0300Z", Runs(again)[Ghost]);
        Assert.Equal(Runs(first)[Ghost], Runs(again)[Ghost]);
        Assert.Equal("FAILED", backup.Status);
    }

    [Fact]
    public async Task Shipping_Schedule_Ships_The_Good_Cluster_And_Fails_Naming_The_Cluster_Without_A_Primary_Then_Pages()
    {
        // Arrange
        var alarms = fixture.Sandbox.Alarms();
        var before = DateTimeOffset.UtcNow;
        await using var configuration = await ConfigureAsync(new JsonArray(new JsonObject { ["name"] = Ghost }, new JsonObject { ["name"] = SandboxLayout.Cluster }));

        // Act
        var fanOut = await fixture.Sandbox.RunScheduleAsync("ShippingSchedule", Timeout);
        var shipped = await ShippingStatus.ReadAsync(fixture.Sandbox.Bucket(), SandboxLayout.Cluster, CancellationToken.None);
        var pagedNow = alarms.Evaluate(DateTimeOffset.UtcNow);
        var afterThePeriod = alarms.Evaluate(DateTimeOffset.UtcNow.AddMinutes(6));

        // Assert: the ghost failed first in the list, and the good cluster still shipped; the run fails naming the ghost.
        Assert.Equal("FAILED", fanOut.Status);
        Assert.Equal("Lifeboat.ClusterRunFailed", fanOut.Error);
        var results = JsonNode.Parse(fanOut.Cause!)!.AsArray();
        Assert.Equal("failed", results.Single(r => r!["cluster"]!.GetValue<string>() == Ghost)!["status"]!.GetValue<string>());
        Assert.Contains($"cluster '{Ghost}' has no online instance tagged lifeboat:role=primary", fanOut.Cause);
        Assert.Equal("ok", results.Single(r => r!["cluster"]!.GetValue<string>() == SandboxLayout.Cluster)!["status"]!.GetValue<string>());
        Assert.True(shipped?.RanAt >= before, $"the good cluster's shipping did not run (last run {shipped?.RanAt})");
        Assert.Equal("ALARM", Named(pagedNow, "schedule-failed").State);
        Assert.Equal("OK", Named(afterThePeriod, "schedule-failed").State);
    }

    [Fact]
    public async Task Broken_Cluster_Configuration_Runs_No_Cluster_And_Fails_With_Every_Problem_And_Its_Fix()
    {
        // Arrange: a typo in one field of an otherwise good document.
        await using var configuration = await ConfigureAsync(new JsonArray(
            new JsonObject { ["name"] = SandboxLayout.Cluster },
            new JsonObject { ["name"] = Ghost, ["maxLagSecond"] = 30 }));

        // Act
        var fanOut = await fixture.Sandbox.RunScheduleAsync("WatchdogSchedule", Timeout);

        // Assert
        Assert.Equal("FAILED", fanOut.Status);
        Assert.Equal(nameof(ClusterConfigurationException), fanOut.Error);
        Assert.Contains("no cluster was run", fanOut.Cause);
        Assert.Contains($"clusters[1] (\"{Ghost}\"): unknown field \"maxLagSecond\"", fanOut.Cause);
    }

    [Theory]
    [InlineData("WatchdogSchedule")]
    [InlineData("DailyRetention")]
    public async Task Without_A_Cluster_Configuration_The_Schedules_Run_The_Template_Cluster(string schedule)
    {
        // Act
        var fanOut = await fixture.Sandbox.RunScheduleAsync(schedule, Timeout);

        // Assert
        Assert.True(fanOut.Succeeded, $"{fanOut.Error}: {fanOut.Cause}");
        var output = JsonNode.Parse(fanOut.Output!)!;
        Assert.Equal("template parameters", output["source"]!.GetValue<string>());
        var only = Assert.Single(output["clusters"]!.AsArray())!;
        Assert.Equal(SandboxLayout.Cluster, only["cluster"]!.GetValue<string>());
        Assert.Equal("ok", only["status"]!.GetValue<string>());
    }

    /// <summary>Each cluster's execution name, from the fan-out's record of its runs.</summary>
    private static Dictionary<string, string> Runs(ExecutionOutcome fanOut) =>
        JsonNode.Parse(fanOut.Output ?? "{}")!["clusters"]!.AsArray()
            .ToDictionary(r => r!["cluster"]!.GetValue<string>(), r => r!["executionName"]!.GetValue<string>());

    private async Task<Configuration> ConfigureAsync(JsonArray clusters)
    {
        var bucket = fixture.Sandbox.Bucket();
        await bucket.PutAsync(ClusterConfiguration.Key, Encoding.UTF8.GetBytes(new JsonObject { ["clusters"] = clusters }.ToJsonString()), "application/json", CancellationToken.None);
        return new Configuration(bucket);
    }

    /// <summary>Removes the document again, so the other tests run the sandbox's single cluster.</summary>
    private sealed class Configuration(Core.Storage.IObjectStore bucket) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await bucket.DeleteAsync(ClusterConfiguration.Key, CancellationToken.None);
    }

    private static SandboxAlarms.AlarmState Named(IReadOnlyList<SandboxAlarms.AlarmState> states, string suffix) =>
        states.Single(a => a.Name.EndsWith("-" + suffix, StringComparison.Ordinal));
}
