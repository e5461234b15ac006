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

    /// <summary>A real shipped binlog with its last bytes cut off, under a made-up server: VerifyBinlog fails it.</summary>
    private async Task<string> UploadBadBinlogAsync()
    {
        await MariaDb.QueryAsync(fixture.Primary, "INSERT INTO shop.writer_log (payload) VALUES ('to be truncated')");
        var shipped = (await fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster }))!["result"]!;
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

    private Task ShipAsync() => fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });

    private Task WatchdogAsync() => fixture.Sandbox.InvokeFunctionAsync("WatchdogFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });
}
