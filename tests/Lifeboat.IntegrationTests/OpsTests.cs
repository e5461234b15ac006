using System.Text.Json.Nodes;
using Lifeboat.Aws.Protocol;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>The operator's commands against a stack: here the sandbox's, found by its name the way a deployed one is.</summary>
[Collection(SandboxCollection.Name)]
public sealed class OpsTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Ops_By_Stack_Finds_The_Stack_Restores_And_Shows_The_Window_The_Backups_And_The_Last_Drill()
    {
        // Arrange
        await fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });
        var backup = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, TimeSpan.FromMinutes(10));
        Assert.True(backup.Succeeded, $"{backup.Error}: {backup.Cause}");

        // Act
        var target = await SandboxFlags().ResolveAsync(CancellationToken.None);
        var ops = new Ops(target, TextWriter.Null);
        var (status, output, error, cause) = await ops.RestoreAsync(new JsonObject { ["cluster"] = target.Cluster, ["mode"] = "drill" }, TimeSpan.FromMinutes(10));
        var lines = await ops.StatusAsync();

        // Assert
        Assert.Equal(SandboxLayout.Bucket, target.Bucket);
        Assert.Equal(SandboxLayout.Cluster, target.Cluster);
        Assert.Equal(SandboxLayout.StateMachineArn("RestoreStateMachine"), target.StateMachineArn);
        Assert.True(status == "SUCCEEDED", $"{error}: {cause}");
        Assert.Equal("passed", JsonNode.Parse(output!)!["status"]!.GetValue<string>());
        Assert.Contains(lines, l => l.StartsWith("restorable ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("backups: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("last drill ", StringComparison.Ordinal) && l.Contains(": passed at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ops_Status_By_Stack_Lists_An_Alarm_That_Fired_First_With_Its_Reason()
    {
        // Arrange
        await fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });
        var ops = new Ops(await SandboxFlags().ResolveAsync(CancellationToken.None), TextWriter.Null);
        IReadOnlyList<string> lines;
        await MariaDb.QueryAsync(fixture.Replica, "STOP SLAVE SQL_THREAD");
        try
        {
            // Act
            await WatchdogAsync();
            lines = await ops.StatusAsync();
        }
        finally
        {
            await MariaDb.QueryAsync(fixture.Replica, "START SLAVE SQL_THREAD");
            await MariaDb.WaitCaughtUpAsync(fixture.Replica, fixture.Primary, TimeSpan.FromSeconds(60));
            await WatchdogAsync();
        }

        // Assert
        var header = lines.Single(l => l.StartsWith($"alarms of {SandboxLayout.StackName}: ", StringComparison.Ordinal));
        Assert.Contains(" ALARM", header);
        var alarmLines = lines.SkipWhile(l => l != header).Skip(1).ToList();
        Assert.Equal(fixture.Sandbox.Alarms().Evaluate(DateTimeOffset.UtcNow).Count, alarmLines.Count);
        Assert.StartsWith("  ALARM ", alarmLines[0]);
        var replication = Assert.Single(alarmLines, l => l.Contains($" {SandboxLayout.StackName}-replication-unhealthy ", StringComparison.Ordinal));
        Assert.StartsWith("  ALARM ", replication);
        Assert.Contains(" since ", replication);
        Assert.Contains("breaching", replication);
        Assert.Contains(lines, l => l.StartsWith("restorable ", StringComparison.Ordinal) || l.StartsWith("nothing is restorable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ops_With_A_Stack_That_Does_Not_Exist_Names_It_And_The_Fix()
    {
        // Arrange
        var flags = SandboxFlags() with { Stack = "lifeboat-staging" };

        // Act
        var error = await Assert.ThrowsAsync<ArgumentException>(() => flags.ResolveAsync(CancellationToken.None));

        // Assert
        Assert.Contains("stack 'lifeboat-staging' does not exist in us-east-1", error.Message);
        Assert.Contains("--region", error.Message);
        Assert.Equal("ValidationError", Assert.IsType<AwsServiceException>(error.InnerException).ErrorCode);
    }

    [Fact]
    public async Task Sandbox_DescribeAlarms_Pages_By_MaxRecords_And_Filters_By_Name_And_State()
    {
        // Arrange
        using var cloudWatch = new CloudWatchClient(OpsTarget.ClientOptions(SandboxLayout.Region, fixture.Sandbox.Layout.CloudWatchUrl));
        var prefix = $"{SandboxLayout.StackName}-";
        var expected = fixture.Sandbox.Alarms().Evaluate(DateTimeOffset.UtcNow).Select(a => a.Name).Order(StringComparer.Ordinal).ToList();

        // Act
        var first = await cloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNamePrefix = prefix, MaxRecords = 4 }, CancellationToken.None);
        var all = await cloudWatch.DescribeAllAlarmsAsync(prefix, CancellationToken.None);
        var named = await cloudWatch.DescribeAlarmsAsync(
            new DescribeAlarmsRequest { AlarmNames = [expected[^1], expected[0], $"{prefix}no-such-alarm"] }, CancellationToken.None);
        var okOnly = await cloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNamePrefix = prefix, StateValue = "OK" }, CancellationToken.None);
        var otherStack = await cloudWatch.DescribeAllAlarmsAsync("lifeboat-prod-", CancellationToken.None);

        // Assert
        Assert.Equal(4, first.MetricAlarms.Count);
        Assert.NotNull(first.NextToken);
        Assert.Equal(expected, all.Select(a => a.AlarmName));
        Assert.All(all, a => Assert.NotNull(a.StateUpdatedTimestamp));
        Assert.Equal([expected[0], expected[^1]], named.MetricAlarms.Select(a => a.AlarmName));
        Assert.All(okOnly.MetricAlarms, a => Assert.Equal("OK", a.StateValue));
        Assert.Empty(otherStack);
    }

    private OpsFlags SandboxFlags()
    {
        var layout = fixture.Sandbox.Layout;
        return new OpsFlags
        {
            Stack = SandboxLayout.StackName,
            Region = SandboxLayout.Region,
            S3Endpoint = layout.S3Url,
            StepFunctionsEndpoint = layout.StepFunctionsUrl,
            CloudFormationEndpoint = layout.CloudFormationUrl,
            CloudWatchEndpoint = layout.CloudWatchUrl,
        };
    }

    private Task WatchdogAsync() => fixture.Sandbox.InvokeFunctionAsync("WatchdogFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });
}
