using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lifeboat.Core.Json;
using Lifeboat.Core.Restore;
using Lifeboat.Core.Storage;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>The restore state machine on the sandbox: fresh instances, the real documents, validation, records, termination.</summary>
[Collection(SandboxCollection.Name)]
public sealed class RestoreWorkflowTests(SandboxFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task Drill_Restores_The_Latest_Backup_On_A_Fresh_Instance_Validates_Row_For_Row_And_Terminates_It()
    {
        // Arrange
        var backupId = await BackupAsync();

        // Act
        var outcome = await RestoreAsync(new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" });

        // Assert
        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Cause}");
        var record = await RecordAsync(outcome);
        Assert.Equal("passed", record.Status);
        Assert.Equal(backupId, record.BackupId);
        Assert.Contains("download", record.Phases.Keys);
        Assert.Contains("prepare", record.Phases.Keys);
        Assert.Empty(RestoreTargets());
    }

    [Fact]
    public async Task Drill_Fails_Naming_The_Cluster_Assertion_That_Does_Not_Hold()
    {
        // Arrange: the cluster's own assertions, one that holds and one that cannot.
        await BackupAsync();
        var bucket = fixture.Sandbox.Bucket();
        var key = S3Layout.ClusterAssertions(SandboxLayout.Cluster);
        await bucket.PutAsync(key, System.Text.Encoding.UTF8.GetBytes(
            "# name<TAB>SQL returning 1\ncustomers exist\tSELECT COUNT(*) > 0 FROM shop.customers\nno customers at all\tSELECT COUNT(*) = 0 FROM shop.customers\n"),
            "text/tab-separated-values", CancellationToken.None);
        ExecutionOutcome outcome;
        try
        {
            // Act
            outcome = await RestoreAsync(new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" });
        }
        finally
        {
            await bucket.DeleteAsync(key, CancellationToken.None);
        }

        // Assert
        Assert.Equal("Lifeboat.ValidationFailed", outcome.Error);
        Assert.Contains("assertion 'no customers at all' returned '0', not 1", outcome.Cause);
        Assert.DoesNotContain("customers exist", outcome.Cause);
        Assert.Equal("failed", (await RecordAsync(outcome)).Status);
        Assert.Empty(RestoreTargets());
    }

    [Fact]
    public async Task Restore_To_A_Time_Between_Two_Writes_Has_The_First_And_Not_The_Second()
    {
        // Arrange: a backup, then write A, a moment T, write B, all shipped.
        await BackupAsync();
        await InsertAsync("before-the-target");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var target = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await InsertAsync("after-the-target");
        await ShipAsync();

        // Act
        var outcome = await RestoreAsync(Input(new JsonObject { ["time"] = target.ToString("O", CultureInfo.InvariantCulture) }, keep: true));

        // Assert
        try
        {
            Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Cause}");
            var restored = RestoreTargets().Single();
            Assert.Equal("1", await MariaDb.QueryAsync(restored, "SELECT COUNT(*) FROM shop.writer_log WHERE payload = 'before-the-target'"));
            Assert.Equal("0", await MariaDb.QueryAsync(restored, "SELECT COUNT(*) FROM shop.writer_log WHERE payload = 'after-the-target'"));
        }
        finally
        {
            await TerminateRestoreTargetsAsync();
        }
    }

    [Fact]
    public async Task Restore_Before_A_Dropped_Table_Has_The_Table_And_Every_Row_Written_Before_The_Drop()
    {
        // Arrange
        await BackupAsync();
        await MariaDb.QueryAsync(fixture.Primary, "CREATE TABLE shop.precious (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO shop.precious VALUES (1,'a'),(2,'b'),(3,'c');");
        await MariaDb.QueryAsync(fixture.Primary, "DROP TABLE shop.precious");
        await ShipAsync();
        var events = (await fixture.Sandbox.InvokeFunctionAsync("FindDestructiveFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster }))!.AsArray();
        var drop = events.Last(e => e!["statement"]!.GetValue<string>().Contains("precious", StringComparison.Ordinal))!;

        // Act
        var outcome = await RestoreAsync(Input(new JsonObject { ["beforeGtid"] = drop["gtid"]!.GetValue<string>() }, keep: true));

        // Assert
        try
        {
            Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Cause}");
            var restored = RestoreTargets().Single();
            Assert.Equal("3", await MariaDb.QueryAsync(restored, "SELECT COUNT(*) FROM shop.precious"));
        }
        finally
        {
            await TerminateRestoreTargetsAsync();
        }
    }

    [Fact]
    public async Task Target_Outside_The_Window_Is_Refused_With_The_Window_And_Nothing_Is_Launched()
    {
        // Arrange
        await BackupAsync();

        // Act
        var outcome = await RestoreAsync(Input(new JsonObject { ["time"] = "2020-01-01T00:00:00Z" }, keep: false));

        // Assert
        Assert.Equal("TargetNotRestorableException", outcome.Error);
        Assert.Contains("2020-01-01T00:00:00Z is before the restorable window, which starts at", outcome.Cause);
        Assert.Contains("nothing was launched", outcome.Cause);
        Assert.Empty(RestoreTargets());
    }

    [Fact]
    public async Task Failure_Mid_Restore_Terminates_The_Instance_And_Records_The_Drill_As_Failed()
    {
        // Arrange: the newest backup's stream is damaged after it was verified.
        var backupId = await BackupAsync();
        var bucket = fixture.Sandbox.Bucket();
        var key = S3Layout.BackupStream(SandboxLayout.Cluster, backupId);
        var original = (await bucket.GetBytesAsync(key, CancellationToken.None))!;
        var damaged = original.ToArray();
        damaged[damaged.Length / 2] ^= 0xFF;
        await bucket.PutAsync(key, damaged, "application/zstd", CancellationToken.None);
        ExecutionOutcome outcome;
        try
        {
            // Act
            outcome = await RestoreAsync(new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" });
        }
        finally
        {
            await bucket.PutAsync(key, original, "application/zstd", CancellationToken.None);
        }

        // Assert
        // zstd's frame checksum notices the damage first; the SHA-256 check behind it would too.
        Assert.Equal("Lifeboat.RestoreCommandFailed", outcome.Error);
        Assert.Contains("download pipeline stages failed", outcome.Cause);
        var record = await RecordAsync(outcome);
        Assert.Equal("failed", record.Status);
        Assert.Empty(RestoreTargets());
        Assert.Equal("ALARM", fixture.Sandbox.Alarms().Evaluate(DateTimeOffset.UtcNow).Single(a => a.Name.EndsWith("-drill-failed", StringComparison.Ordinal)).State);
    }

    [Fact]
    public async Task Restore_Document_Refuses_A_Host_That_Replicates_And_Writes_Nothing()
    {
        // Arrange: the replica is a real server with replication configured; make it look like a restore target.
        var replica = fixture.Replica;
        var conf = Path.Combine(replica.EtcDir, "restore-target.conf");
        Directory.CreateDirectory(replica.EtcDir);
        await File.WriteAllTextAsync(conf, $"cluster={SandboxLayout.Cluster}\ndatadir={replica.DataDir}\nsocket={replica.Socket}\nport={replica.Port}\nuser={replica.User}\nserver_id=77\n");
        var before = Directory.GetFileSystemEntries(replica.DataDir).Length;
        try
        {
            var backup = await BackupAsync();
            var entry = (await new Core.Catalog.BackupCatalog(fixture.Sandbox.Bucket()).GetAsync(SandboxLayout.Cluster, backup, CancellationToken.None))!;

            // Act
            var result = await fixture.RunDocumentAsync(replica, "RestoreDocument", SandboxFixture.RestoreParameters(backup, entry.Sha256!, entry.RawBytes));

            // Assert
            Assert.Equal("Failed", result.Status);
            Assert.Matches("(?i)replica|replication|not empty", result.StandardOutputContent);
            Assert.Equal(before, Directory.GetFileSystemEntries(replica.DataDir).Length);
            var status = await MariaDb.SlaveStatusAsync(replica);
            Assert.Equal("Yes", status.GetValueOrDefault("Slave_SQL_Running"));
        }
        finally
        {
            File.Delete(conf);
        }
    }

    [Fact]
    public async Task Replay_Through_Mariadb_Binlog_When_Asked_Continues_Exactly_Where_The_Server_Applier_Stopped()
    {
        // Arrange: a backup, three writes, shipped; a restore kept running, replayed by the server's applier to just
        // before the first write; the planner's replay parameters for "before the third write", from its position.
        await BackupAsync();
        var first = await InsertReturningGtidAsync("first-write");
        await InsertAsync("second-write");
        var third = await InsertReturningGtidAsync("third-write");
        await ShipAsync();
        var restore = await RestoreAsync(Input(new JsonObject { ["beforeGtid"] = first }, keep: true));
        try
        {
            Assert.True(restore.Succeeded, $"{restore.Error}: {restore.Cause}");
            var restored = RestoreTargets().Single();
            Assert.Equal("0", await MariaDb.QueryAsync(restored, "SELECT COUNT(*) FROM shop.writer_log WHERE payload = 'first-write'"));
            var parameters = await ReplayParametersAsync(new JsonObject { ["beforeGtid"] = third }, restored);
            parameters["Applier"] = ["client"];

            // Act
            var result = await fixture.RunDocumentAsync(restored, "ReplayBinlogsDocument", parameters);

            // Assert
            Assert.True(result.Status == "Success", result.StandardOutputContent + result.StandardErrorContent);
            var output = JsonNode.Parse(result.StandardOutputContent!.Trim().Split('\n')[^1])!;
            Assert.Equal("client", output["applier"]!.GetValue<string>());
            Assert.Equal("gtid", output["stoppedBy"]!.GetValue<string>());
            Assert.Equal("2", await MariaDb.QueryAsync(restored, "SELECT COUNT(*) FROM shop.writer_log WHERE payload IN ('first-write', 'second-write')"));
            Assert.Equal("0", await MariaDb.QueryAsync(restored, "SELECT COUNT(*) FROM shop.writer_log WHERE payload = 'third-write'"));
        }
        finally
        {
            await TerminateRestoreTargetsAsync();
        }
    }

    [Fact]
    public async Task Replay_Whose_Transaction_Fails_Names_The_Error_And_Leaves_No_Replication_Configured()
    {
        // Arrange: a restore kept running just before a write whose row the operator then created by hand on it.
        await BackupAsync();
        var write = await InsertReturningGtidAsync("conflicting-write");
        var id = await MariaDb.QueryAsync(fixture.Primary, "SELECT id FROM shop.writer_log WHERE payload = 'conflicting-write'");
        await ShipAsync();
        var restore = await RestoreAsync(Input(new JsonObject { ["beforeGtid"] = write }, keep: true));
        try
        {
            Assert.True(restore.Succeeded, $"{restore.Error}: {restore.Cause}");
            var restored = RestoreTargets().Single();
            await MariaDb.QueryAsync(restored, $"INSERT INTO shop.writer_log (id, payload) VALUES ({id}, 'made-by-hand')");
            var parameters = await ReplayParametersAsync(new JsonObject { ["latest"] = true }, restored);
            var threads = await MariaDb.QueryAsync(restored, "SELECT @@slave_parallel_threads");

            // Act
            var result = await fixture.RunDocumentAsync(restored, "ReplayBinlogsDocument", parameters);

            // Assert: the error is named, nothing of the replay stayed behind, and the server is where it was.
            Assert.Equal("Failed", result.Status);
            Assert.Contains("Duplicate entry", result.StandardOutputContent, StringComparison.Ordinal);
            Assert.Contains($"no transaction was applied; this server is still at {parameters["StartPosition"][0]}", result.StandardOutputContent, StringComparison.Ordinal);
            Assert.Equal("", await MariaDb.QueryAsync(restored, "SHOW ALL SLAVES STATUS"));
            Assert.Equal(threads, await MariaDb.QueryAsync(restored, "SELECT @@slave_parallel_threads"));
            Assert.Empty(Directory.GetFiles(restored.DataDir, "*relay*"));
            Assert.Equal("made-by-hand", await MariaDb.QueryAsync(restored, $"SELECT payload FROM shop.writer_log WHERE id = {id}"));
        }
        finally
        {
            await TerminateRestoreTargetsAsync();
        }
    }

    private async Task<string> InsertReturningGtidAsync(string payload) =>
        (await MariaDb.QueryAsync(fixture.Primary, $"INSERT INTO shop.writer_log (payload) VALUES ('{payload}'); SELECT @@last_gtid")).Trim();

    /// <summary>What the restore planner sends the replay document for this target, continued from the server's position.</summary>
    private async Task<Dictionary<string, IReadOnlyList<string>>> ReplayParametersAsync(JsonObject target, InstanceEntry restored)
    {
        var plan = await fixture.Sandbox.InvokeFunctionAsync("PlanRestoreFunction",
            new JsonObject { ["request"] = Input(target, keep: true), ["executionName"] = "replay-by-hand" });
        var parameters = plan!["replayParameters"]!.AsObject().ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[p.Value!.GetValue<string>()]);
        parameters["StartPosition"] = [(await MariaDb.QueryAsync(restored, "SELECT @@gtid_slave_pos")).Trim()];
        return parameters;
    }

    private static JsonObject Input(JsonObject target, bool keep) => new()
    {
        ["cluster"] = SandboxLayout.Cluster,
        ["mode"] = "restore",
        ["target"] = target,
        ["keepInstance"] = keep,
    };

    private Task<ExecutionOutcome> RestoreAsync(JsonObject input) =>
        fixture.Sandbox.RunStateMachineAsync("RestoreStateMachine", input, Timeout);

    private async Task<string> BackupAsync()
    {
        await ShipAsync();
        var outcome = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, Timeout);
        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Cause}");
        await ShipAsync();
        return JsonNode.Parse(outcome.Output!)!["backupId"]!.GetValue<string>();
    }

    private Task ShipAsync() => fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });

    private Task InsertAsync(string payload) =>
        MariaDb.QueryAsync(fixture.Primary, $"INSERT INTO shop.writer_log (payload) VALUES ('{payload}')");

    private List<InstanceEntry> RestoreTargets() => fixture.Sandbox.State.Instances.Where(i => i.Role == "restore-target").ToList();

    private async Task TerminateRestoreTargetsAsync()
    {
        foreach (var target in RestoreTargets())
        {
            await fixture.Sandbox.TerminateAsync(target.InstanceId);
        }
    }

    private async Task<DrillRecord> RecordAsync(ExecutionOutcome outcome)
    {
        var executionName = outcome.ExecutionArn[(outcome.ExecutionArn.LastIndexOf(':') + 1)..];
        var bytes = await fixture.Sandbox.Bucket().GetBytesAsync(S3Layout.DrillCatalogEntry(SandboxLayout.Cluster, executionName), CancellationToken.None);
        Assert.NotNull(bytes);
        return JsonSerializer.Deserialize(bytes, LifeboatJson.Default.DrillRecord)!;
    }
}
