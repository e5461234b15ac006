using System.Text.Json.Nodes;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>The template's alarms, evaluated by the sandbox on the metrics the real functions emitted.</summary>
[Collection(SandboxCollection.Name)]
public sealed class AlarmTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Shipping_Lag_Alarm_Pages_When_Shipping_Stops_And_Recovers_When_It_Resumes()
    {
        // Arrange: shipping caught up, the alarm quiet.
        var alarms = fixture.Sandbox.Alarms();
        var rpo = double.Parse(SandboxParameters.Values["RpoSeconds"], System.Globalization.CultureInfo.InvariantCulture);
        await ShipAsync();
        await WatchdogAsync();
        Assert.Equal("OK", ShippingLag(alarms).State);

        // Act: writes go on, shipping stops for longer than the RPO.
        await MariaDb.QueryAsync(fixture.Primary, "INSERT INTO shop.writer_log (payload) VALUES ('while shipping is down')");
        await Task.Delay(TimeSpan.FromSeconds(rpo + 3));
        await WatchdogAsync();
        var stopped = ShippingLag(alarms);
        await ShipAsync();
        await WatchdogAsync();
        var resumed = ShippingLag(alarms);

        // Assert: one page when it broke, one when it recovered.
        Assert.Equal("ALARM", stopped.State);
        Assert.Equal("OK", resumed.State);
        var pages = alarms.Pages().Where(p => p.Alarm == stopped.Name).TakeLast(2).ToList();
        Assert.Equal(["ALARM", "OK"], pages.Select(p => p.To));
        Assert.Contains("First step", pages[0].Description);
    }

    [Fact]
    public async Task Replication_Alarms_Page_When_The_Sql_Thread_Stops_And_Recover_When_It_Restarts()
    {
        // Arrange
        var alarms = fixture.Sandbox.Alarms();
        await WatchdogAsync();
        Assert.Equal("OK", State(alarms, "replication-unhealthy"));

        // Act
        await MariaDb.QueryAsync(fixture.Replica, "STOP SLAVE SQL_THREAD");
        string stopped;
        try
        {
            await WatchdogAsync();
            stopped = State(alarms, "replication-unhealthy");
        }
        finally
        {
            await MariaDb.QueryAsync(fixture.Replica, "START SLAVE SQL_THREAD");
        }
        await MariaDb.WaitCaughtUpAsync(fixture.Replica, fixture.Primary, TimeSpan.FromSeconds(60));
        await WatchdogAsync();

        // Assert
        Assert.Equal("ALARM", stopped);
        Assert.Equal("OK", State(alarms, "replication-unhealthy"));
    }

    [Fact]
    public async Task Replica_Lag_Alarm_Pages_When_The_Replica_Falls_Behind_And_Recovers_When_It_Catches_Up()
    {
        // Arrange: delayed replication makes the replica fall behind real writes.
        var alarms = fixture.Sandbox.Alarms();
        var threshold = double.Parse(SandboxParameters.Values["MaxLagSeconds"], System.Globalization.CultureInfo.InvariantCulture);
        await MariaDb.QueryAsync(fixture.Replica, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 120; START SLAVE;");
        string behind;
        try
        {
            await MariaDb.QueryAsync(fixture.Primary, "INSERT INTO shop.writer_log (payload) VALUES ('lag alarm')");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await LagAsync() <= threshold)
            {
                Assert.True(DateTime.UtcNow < deadline, "the replica did not fall behind");
                await Task.Delay(500);
            }

            // Act
            await WatchdogAsync();
            behind = State(alarms, "replica-lag");
        }
        finally
        {
            await MariaDb.QueryAsync(fixture.Replica, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE;");
        }
        await MariaDb.WaitCaughtUpAsync(fixture.Replica, fixture.Primary, TimeSpan.FromSeconds(60));
        await WatchdogAsync();

        // Assert
        Assert.Equal("ALARM", behind);
        Assert.Equal("OK", State(alarms, "replica-lag"));
    }

    [Fact]
    public async Task Silence_Pages_The_Age_Alarms_And_A_Fresh_Watchdog_Run_Recovers_Them()
    {
        // Arrange: a verified backup and a passed drill, measured by the watchdog.
        var alarms = fixture.Sandbox.Alarms();
        await ShipAsync();
        var backup = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, TimeSpan.FromMinutes(10));
        Assert.True(backup.Succeeded, $"{backup.Error}: {backup.Cause}");
        var drill = await fixture.Sandbox.RunStateMachineAsync("RestoreStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" }, TimeSpan.FromMinutes(10));
        Assert.True(drill.Succeeded, $"{drill.Error}: {drill.Cause}");
        await ShipAsync();
        await WatchdogAsync();

        // Act: a day later nothing has run, so nothing was measured; then the watchdog runs again.
        var silent = alarms.Evaluate(DateTimeOffset.UtcNow.AddHours(27));
        var measured = alarms.Evaluate(DateTimeOffset.UtcNow);

        // Assert
        foreach (var name in new[] { "backup-age", "drill-age", "binlog-shipping-lag", "replication-unhealthy" })
        {
            Assert.Equal("ALARM", Named(silent, name).State);
            Assert.Equal("OK", Named(measured, name).State);
        }
    }

    [Fact]
    public async Task Failure_Alarms_Page_On_A_Failed_Verification_And_A_Failed_Execution_And_Clear_After_Their_Period()
    {
        // Arrange
        var alarms = fixture.Sandbox.Alarms();

        // Act: a restore refused outside the window (a failed execution), and a binlog that fails verification.
        var refused = await fixture.Sandbox.RunStateMachineAsync("RestoreStateMachine", new JsonObject
        {
            ["cluster"] = SandboxLayout.Cluster,
            ["mode"] = "restore",
            ["target"] = new JsonObject { ["time"] = "2020-01-01T00:00:00Z" },
        }, TimeSpan.FromMinutes(5));
        await fixture.Sandbox.InvokeFunctionAsync("VerifyBinlogFunction", new JsonObject
        {
            ["Records"] = new JsonArray(new JsonObject
            {
                ["eventName"] = "ObjectCreated:Put",
                ["s3"] = new JsonObject { ["bucket"] = new JsonObject { ["name"] = SandboxLayout.Bucket }, ["object"] = new JsonObject { ["key"] = await UploadBadBinlogAsync() } },
            }),
        });
        var now = alarms.Evaluate(DateTimeOffset.UtcNow);
        var later = alarms.Evaluate(DateTimeOffset.UtcNow.AddMinutes(6));

        // Assert
        Assert.Equal("FAILED", refused.Status);
        Assert.Equal("ALARM", Named(now, "restore-workflow-failed").State);
        Assert.Equal("ALARM", Named(now, "verification-failed").State);
        Assert.Equal("OK", Named(later, "restore-workflow-failed").State);
        Assert.Equal("OK", Named(later, "verification-failed").State);
    }

    [Fact]
    public async Task Drill_Failed_Alarm_Pages_On_A_Failed_Drill_And_Recovers_When_The_Next_Drill_Passes()
    {
        // Arrange: a backup, and a cluster assertion that cannot hold.
        var alarms = fixture.Sandbox.Alarms();
        var backup = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, TimeSpan.FromMinutes(10));
        Assert.True(backup.Succeeded, $"{backup.Error}: {backup.Cause}");
        var bucket = fixture.Sandbox.Bucket();
        var key = Core.Storage.S3Layout.ClusterAssertions(SandboxLayout.Cluster);
        await bucket.PutAsync(key, "no customers at all\tSELECT COUNT(*) = 0 FROM shop.customers\n"u8.ToArray(), "text/tab-separated-values", CancellationToken.None);

        // Act: the drill fails; the assertion is fixed; the next drill passes.
        ExecutionOutcome failed;
        try
        {
            failed = await DrillAsync();
        }
        finally
        {
            await bucket.DeleteAsync(key, CancellationToken.None);
        }
        var failing = State(alarms, "drill-failed");
        var passed = await DrillAsync();
        var recovered = State(alarms, "drill-failed");

        // Assert
        Assert.Equal("FAILED", failed.Status);
        Assert.Equal("ALARM", failing);
        Assert.True(passed.Succeeded, $"{passed.Error}: {passed.Cause}");
        Assert.Equal("OK", recovered);
        Assert.Contains(alarms.Pages(), p => p.Alarm.EndsWith("-drill-failed", StringComparison.Ordinal) && p.To == "ALARM" && p.Description.Contains("First step", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backup_Workflow_Alarms_Page_When_A_Backup_Fails_Times_Out_Or_Is_Aborted_And_Clear_After_Their_Period()
    {
        // Arrange
        var alarms = fixture.Sandbox.Alarms();

        // Act: a backup refused (the replica's SQL thread stopped), one that runs past its timeout, one an operator stops.
        ExecutionOutcome refused;
        await MariaDb.QueryAsync(fixture.Replica, "STOP SLAVE SQL_THREAD");
        try
        {
            refused = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, TimeSpan.FromMinutes(5));
        }
        finally
        {
            await MariaDb.QueryAsync(fixture.Replica, "START SLAVE SQL_THREAD");
        }
        var timedOut = await TimeOutAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, startedWhen: () => Task.FromResult(true));
        var aborted = await AbortAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, startedWhen: () => Task.FromResult(true));
        var now = alarms.Evaluate(DateTimeOffset.UtcNow);
        var later = alarms.Evaluate(DateTimeOffset.UtcNow.AddMinutes(6));
        await MariaDb.WaitCaughtUpAsync(fixture.Replica, fixture.Primary, TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal("FAILED", refused.Status);
        Assert.Equal("TIMED_OUT", timedOut.Status);
        Assert.Equal("ABORTED", aborted.Status);
        AssertPagedThenCleared(now, later, "backup-workflow-failed", "backup-workflow-timed-out", "backup-workflow-aborted");
    }

    [Fact]
    public async Task Restore_Timed_Out_And_Aborted_Alarms_Page_And_The_Cleanup_Terminates_What_They_Launched()
    {
        // Arrange
        var alarms = fixture.Sandbox.Alarms();
        await EnsureBackupAsync();
        var drill = new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" };

        // Act: one drill runs past its timeout and one is stopped, each after its instance was launched.
        var timedOut = await TimeOutAsync("RestoreStateMachine", drill, startedWhen: () => Task.FromResult(RestoreTargets().Count > 0));
        var timedOutLeft = await RestoreTargetsEventuallyAsync(timedOut.ExecutionArn);
        var aborted = await AbortAsync("RestoreStateMachine", drill, startedWhen: () => Task.FromResult(RestoreTargets().Count > 0));
        var abortedLeft = await RestoreTargetsEventuallyAsync(aborted.ExecutionArn);
        var now = alarms.Evaluate(DateTimeOffset.UtcNow);
        var later = alarms.Evaluate(DateTimeOffset.UtcNow.AddMinutes(6));

        // Assert: the instances are gone although no state of either execution ran after it stopped.
        Assert.Equal("TIMED_OUT", timedOut.Status);
        Assert.Equal("ABORTED", aborted.Status);
        Assert.Empty(timedOutLeft);
        Assert.Empty(abortedLeft);
        AssertPagedThenCleared(now, later, "restore-workflow-timed-out", "restore-workflow-aborted");
    }

    [Fact]
    public async Task Cleanup_Leaves_The_Instance_Of_A_Stopped_Restore_The_Operator_Asked_To_Keep()
    {
        // Arrange
        await EnsureBackupAsync();

        // Act: a manual restore with keepInstance is stopped after its launch.
        var aborted = await AbortAsync("RestoreStateMachine", new JsonObject
        {
            ["cluster"] = SandboxLayout.Cluster,
            ["mode"] = "restore",
            ["target"] = new JsonObject { ["latest"] = true },
            ["keepInstance"] = true,
        }, startedWhen: () => Task.FromResult(RestoreTargets().Count > 0));
        var kept = await RestoreTargetsEventuallyAsync(aborted.ExecutionArn);
        foreach (var instance in kept)
        {
            await fixture.Sandbox.TerminateAsync(instance.InstanceId);
        }

        // Assert
        Assert.Equal("ABORTED", aborted.Status);
        Assert.Single(kept);
    }

    [Fact]
    public async Task Restore_Cleanup_Failed_Alarm_Pages_When_A_Stopped_Restores_Instance_Cannot_Be_Terminated()
    {
        // Arrange: EC2 refuses terminations.
        var alarms = fixture.Sandbox.Alarms();
        await EnsureBackupAsync();
        fixture.Sandbox.FailTerminations(true);
        ExecutionOutcome aborted;
        IReadOnlyList<InstanceEntry> left;
        try
        {
            // Act: a drill is stopped after its launch; its cleanup cannot terminate the instance.
            aborted = await AbortAsync("RestoreStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" },
                startedWhen: () => Task.FromResult(RestoreTargets().Count > 0));
            await WaitForCleanupAsync(aborted.ExecutionArn);
            left = RestoreTargets(aborted.ExecutionArn);
        }
        finally
        {
            fixture.Sandbox.FailTerminations(false);
        }
        var failing = alarms.Evaluate(DateTimeOffset.UtcNow);
        foreach (var instance in left)
        {
            await fixture.Sandbox.TerminateAsync(instance.InstanceId);
        }
        var later = alarms.Evaluate(DateTimeOffset.UtcNow.AddMinutes(6));

        // Assert
        Assert.Equal("ABORTED", aborted.Status);
        Assert.NotEmpty(left);
        Assert.Equal("ALARM", Named(failing, "restore-cleanup-failed").State);
        Assert.Contains("lifeboat:execution", Named(failing, "restore-cleanup-failed").Description);
        Assert.Equal("OK", Named(later, "restore-cleanup-failed").State);
        Assert.Empty(RestoreTargets(aborted.ExecutionArn));
    }

    private static void AssertPagedThenCleared(IReadOnlyList<SandboxAlarms.AlarmState> now, IReadOnlyList<SandboxAlarms.AlarmState> later, params string[] names)
    {
        foreach (var name in names)
        {
            Assert.Equal("ALARM", Named(now, name).State);
            Assert.Equal("OK", Named(later, name).State);
        }
    }

    private Task<ExecutionOutcome> DrillAsync() =>
        fixture.Sandbox.RunStateMachineAsync("RestoreStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" }, TimeSpan.FromMinutes(10));

    private async Task EnsureBackupAsync()
    {
        var backup = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, TimeSpan.FromMinutes(10));
        Assert.True(backup.Succeeded, $"{backup.Error}: {backup.Cause}");
    }

    /// <summary>Starts an execution and, once <paramref name="startedWhen"/> holds, makes it run past its timeout.</summary>
    private async Task<ExecutionOutcome> TimeOutAsync(string machine, JsonNode input, Func<Task<bool>> startedWhen)
    {
        var arn = await fixture.Sandbox.StartStateMachineAsync(machine, input);
        try
        {
            await WaitUntilAsync(startedWhen, arn);
            await fixture.Sandbox.SetExecutionTimeoutAsync(machine, TimeSpan.FromMilliseconds(100));
            return await fixture.Sandbox.FollowExecutionAsync(arn, TimeSpan.FromMinutes(5));
        }
        finally
        {
            await fixture.Sandbox.SetExecutionTimeoutAsync(machine, null);
        }
    }

    /// <summary>Starts an execution and, once <paramref name="startedWhen"/> holds, stops it as an operator would.</summary>
    private async Task<ExecutionOutcome> AbortAsync(string machine, JsonNode input, Func<Task<bool>> startedWhen)
    {
        var arn = await fixture.Sandbox.StartStateMachineAsync(machine, input);
        await WaitUntilAsync(startedWhen, arn);
        await fixture.Sandbox.StopExecutionAsync(arn, "stopped by the alarm test");
        return await fixture.Sandbox.FollowExecutionAsync(arn, TimeSpan.FromMinutes(5));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string executionArn)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{executionArn}: the condition to interrupt it never held");
            await Task.Delay(100);
        }
    }

    /// <summary>The cleanup runs on the stopped execution's status change; its restore targets once it has finished.</summary>
    private async Task<IReadOnlyList<InstanceEntry>> RestoreTargetsEventuallyAsync(string executionArn)
    {
        var cleanup = await WaitForCleanupAsync(executionArn);
        Assert.True(cleanup["status"]!.GetValue<string>() == "SUCCEEDED", $"the cleanup of {executionArn}: {cleanup}");
        return RestoreTargets(executionArn);
    }

    /// <summary>The finished cleanup execution that the stopped execution's status change started.</summary>
    private async Task<JsonNode> WaitForCleanupAsync(string executionArn)
    {
        var log = Path.Combine(fixture.Sandbox.Layout.LogDir, "executions.jsonl");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var cleanup = File.ReadLines(log).Select(l => JsonNode.Parse(l)!).FirstOrDefault(e =>
                e["stateMachineArn"]!.GetValue<string>() == SandboxLayout.StateMachineArn("RestoreCleanupStateMachine")
                && e["input"]!.GetValue<string>().Contains(executionArn, StringComparison.Ordinal));
            if (cleanup is not null)
            {
                return cleanup;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no cleanup finished for {executionArn}");
            await Task.Delay(200);
        }
    }

    private List<InstanceEntry> RestoreTargets(string? executionArn = null) =>
        fixture.Sandbox.State.Instances
            .Where(i => i.Role == "restore-target"
                        && (executionArn is null || i.Tags.GetValueOrDefault("lifeboat:execution") == executionArn[(executionArn.LastIndexOf(':') + 1)..]))
            .ToList();

    /// <summary>A real shipped binlog with its last bytes cut off, under a made-up server: VerifyBinlog fails it.</summary>
    private async Task<string> UploadBadBinlogAsync()
    {
        await MariaDb.QueryAsync(fixture.Primary, "INSERT INTO shop.writer_log (payload) VALUES ('to be truncated')");
        var shipped = (await fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 }))!["result"]!;
        var bucket = fixture.Sandbox.Bucket();
        var uuid = shipped["serverUuid"]!.GetValue<string>();
        var files = await bucket.ListAsync(Core.Storage.S3Layout.BinlogFolder(SandboxLayout.Cluster, uuid), CancellationToken.None).ToListAsync();
        var bytes = (await bucket.GetBytesAsync(files[^1].Key, CancellationToken.None))!;
        var key = Core.Storage.S3Layout.Binlog(SandboxLayout.Cluster, Guid.NewGuid().ToString(), "mysql-bin.000001");
        var truncated = bytes[..^20];
        // Uploaded as the shipping document does, SHA-256 in the metadata, so that only the truncation is wrong.
        using var s3 = Aws.S3.S3ClientFactory.Create(SandboxLayout.Region, fixture.Sandbox.Layout.S3Url);
        var request = new Amazon.S3.Model.PutObjectRequest { BucketName = SandboxLayout.Bucket, Key = key, InputStream = new MemoryStream(truncated) };
        request.Metadata["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(truncated));
        await s3.PutObjectAsync(request);
        return key;
    }

    private async Task<long> LagAsync() =>
        long.TryParse((await MariaDb.SlaveStatusAsync(fixture.Replica)).GetValueOrDefault("Seconds_Behind_Master"), out var lag) ? lag : -1;

    private static string State(SandboxAlarms alarms, string suffix) => Named(alarms.Evaluate(DateTimeOffset.UtcNow), suffix).State;

    private static SandboxAlarms.AlarmState Named(IReadOnlyList<SandboxAlarms.AlarmState> states, string suffix) =>
        states.Single(a => a.Name.EndsWith("-" + suffix, StringComparison.Ordinal));

    private SandboxAlarms.AlarmState ShippingLag(SandboxAlarms alarms) =>
        alarms.Evaluate(DateTimeOffset.UtcNow).Single(a => a.Name.EndsWith("binlog-shipping-lag", StringComparison.Ordinal));

    private Task ShipAsync() => fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });

    private Task WatchdogAsync() => fixture.Sandbox.InvokeFunctionAsync("WatchdogFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });
}
