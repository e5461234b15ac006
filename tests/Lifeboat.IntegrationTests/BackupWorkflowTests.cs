using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

[Collection(SandboxCollection.Name)]
public sealed class BackupWorkflowTests(SandboxFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Backup_Under_Live_Writes_Is_Verified_And_Its_Stream_Restores_With_The_Manifest_Row_Counts()
    {
        // Arrange: a writer keeps inserting on the primary throughout.
        ExecutionOutcome outcome;
        await using (new SampleData.Writer(fixture.Primary, TimeSpan.FromMilliseconds(10)))
        {
            // Act
            outcome = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, Timeout);
        }

        // Assert: the execution, the catalog and the replica.
        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Cause}");
        var output = JsonNode.Parse(outcome.Output!)!;
        var backupId = output["backupId"]!.GetValue<string>();
        var entry = await new BackupCatalog(fixture.Sandbox.Bucket()).GetAsync(SandboxLayout.Cluster, backupId, CancellationToken.None);
        Assert.NotNull(entry);
        Assert.Equal(CatalogStatus.Verified, entry.Status);
        Assert.Empty(entry.Reasons);
        Assert.True(await SqlThreadRunningAsync(fixture.Replica));

        var manifest = await ManifestAsync(backupId);
        Assert.Contains(manifest.Tables, t => t is { Schema: "shop", Table: "orders", Rows: 5_000 });
        Assert.Contains(manifest.Tables, t => t is { Schema: "shop", Table: "writer_log", Rows: > 0 });
        // The document reports where its time went; the counts ran alongside the stream.
        var phases = output["result"]!["phases"]!.AsObject();
        Assert.Equal(["checks", "prepare", "stream", "counts", "countsWait", "manifest"], phases.Select(p => p.Key));
        Assert.All(phases, p => Assert.True(p.Value!.GetValue<double>() >= 0, $"{p.Key} is {p.Value}"));
        Assert.True(phases["stream"]!.GetValue<double>() > 0);

        // The stream, restored into a fresh datadir and started, holds exactly the manifest's rows.
        var restored = await RestoreStreamAsync(manifest.Stream.Key, "restore-check", fixture.Sandbox.Layout.BasePort + 60);
        try
        {
            foreach (var table in manifest.Tables)
            {
                var rows = await MariaDb.ScalarAsync(restored, $"SELECT COUNT(*) FROM `{table.Schema}`.`{table.Table}`");
                Assert.True(rows == table.Rows, $"{table.Schema}.{table.Table}: restored {rows} rows, manifest says {table.Rows}");
            }
            // zstd's own report of the byte counts, which the manifest carries, is the stream's: raw as restored, compressed as stored.
            var streamFile = Path.Combine(restored.Dir, "stream.zst");
            Assert.Equal(new FileInfo(streamFile).Length, manifest.Sizes.CompressedBytes);
            var rawBytes = await Processes.RunAsync("/bin/bash", ["-euo", "pipefail", "-c", $"zstd -d -q -c '{streamFile}' | wc -c"]);
            Assert.Equal(rawBytes.Stdout.Trim(), manifest.Sizes.RawBytes.ToString(CultureInfo.InvariantCulture));
            // mariabackup's own record of the replica position agrees with the manifest's replay start.
            var slaveInfo = await File.ReadAllTextAsync(Path.Combine(restored.DataDir, "xtrabackup_slave_info"));
            Assert.Contains($"gtid_slave_pos = '{manifest.Coordinates.GtidSlavePos}'", slaveInfo);
        }
        finally
        {
            await Processes.StopAsync(restored.Pid, TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Backup_Is_Refused_Naming_The_Check_When_The_Replica_Sql_Thread_Is_Stopped()
    {
        // Arrange
        await MariaDb.QueryAsync(fixture.Replica, "STOP SLAVE SQL_THREAD");
        try
        {
            // Act
            var outcome = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, Timeout);

            // Assert
            Assert.Equal("FAILED", outcome.Status);
            Assert.Equal("NoHealthyReplicaException", outcome.Error);
            Assert.Contains("i-00000000000000002", outcome.Cause);
            Assert.Contains("SQL thread is not running", outcome.Cause);
            Assert.Equal("ALARM", AlarmState("backup-workflow-failed"));
        }
        finally
        {
            await MariaDb.QueryAsync(fixture.Replica, "START SLAVE SQL_THREAD");
        }
    }

    [Fact]
    public async Task Backup_Is_Refused_When_The_Replica_Lags_Beyond_The_Threshold()
    {
        // Arrange: delayed replication makes the replica fall behind real writes.
        await MariaDb.QueryAsync(fixture.Replica, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 60; START SLAVE;");
        try
        {
            await MariaDb.QueryAsync(fixture.Primary, "INSERT INTO shop.writer_log (payload) VALUES ('lag probe')");
            await WaitUntilAsync(async () => await LagAsync(fixture.Replica) >= 2, TimeSpan.FromSeconds(30));

            // Act
            var outcome = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine",
                new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["maxLagSeconds"] = 1 }, Timeout);

            // Assert
            Assert.Equal("NoHealthyReplicaException", outcome.Error);
            Assert.Matches(@"lag \d+ s exceeds the 1 s threshold", outcome.Cause);
            Assert.Equal("ALARM", AlarmState("backup-workflow-failed"));
        }
        finally
        {
            await MariaDb.QueryAsync(fixture.Replica, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE;");
            await MariaDb.WaitCaughtUpAsync(fixture.Replica, fixture.Primary, TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task Failed_Upload_Fails_The_Execution_Restarts_The_Sql_Thread_And_Catalogs_Nothing()
    {
        // Arrange: the backup has taken its lock and stopped the SQL thread (its marker file says so).
        var catalog = new BackupCatalog(fixture.Sandbox.Bucket());
        var before = await catalog.ListAsync(SandboxLayout.Cluster, CancellationToken.None);
        var marker = Path.Combine(fixture.Replica.Home, ".lifeboat", "sql-thread-stopped-by-backup");
        var running = fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, Timeout);
        await WaitUntilAsync(() => Task.FromResult(running.IsCompleted || File.Exists(marker)), Timeout);
        ExecutionOutcome outcome;
        try
        {
            // Act: the S3 endpoint goes away, so the pipeline's uploader stage fails mid-backup.
            await Processes.StopAsync(fixture.Sandbox.State.Process("s3")!.Pid, TimeSpan.FromSeconds(10));
            await WaitUntilAsync(() => Task.FromResult(running.IsCompleted || !File.Exists(marker)), Timeout);
        }
        finally
        {
            // Back before the workflow's lock release gives up, as an S3 outage ends.
            await fixture.Sandbox.UpAsync();
        }
        outcome = await running;

        // Assert
        Assert.Equal("Lifeboat.BackupCommandFailed", outcome.Error);
        Assert.Contains("aws s3 cp", outcome.Cause);
        Assert.Contains("SQL thread restarted", outcome.Cause);
        Assert.True(await SqlThreadRunningAsync(fixture.Replica));
        var after = await catalog.ListAsync(SandboxLayout.Cluster, CancellationToken.None);
        Assert.Equal(before.Select(b => b.BackupId), after.Select(b => b.BackupId));
        var leases = await fixture.Sandbox.Bucket().ListAsync(BackupLock.Folder(SandboxLayout.Cluster), CancellationToken.None).Select(o => o.Key).ToListAsync();
        Assert.EndsWith(".released.json", leases.Order(StringComparer.Ordinal).Last());
    }

    [Fact]
    public async Task Manifest_Whose_Checksum_Does_Not_Match_The_Stream_Is_Cataloged_As_Failed_Once()
    {
        // Arrange: a real verified backup, copied under a new id with a manifest that lies about the SHA-256.
        var outcome = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, Timeout);
        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Cause}");
        var source = await ManifestAsync(JsonNode.Parse(outcome.Output!)!["backupId"]!.GetValue<string>());
        var bucket = fixture.Sandbox.Bucket();
        const string forgedId = "20300101T000000Z-forged";
        await using (var stream = await bucket.OpenReadAsync(source.Stream.Key, CancellationToken.None))
        using (var copy = new MemoryStream())
        {
            await stream.CopyToAsync(copy);
            await bucket.PutAsync(S3Layout.BackupStream(SandboxLayout.Cluster, forgedId), copy.ToArray(), "application/zstd", CancellationToken.None);
        }
        var forged = source with
        {
            BackupId = forgedId,
            Stream = new ManifestStream { Key = S3Layout.BackupStream(SandboxLayout.Cluster, forgedId), Sha256 = new string('0', 64) },
        };

        // Act: the manifest's upload is the event; S3 delivers it a second time too.
        var manifestKey = S3Layout.BackupManifest(SandboxLayout.Cluster, forgedId);
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(forged, LifeboatJson.Default.BackupManifest);
        await bucket.PutAsync(manifestKey, manifestBytes, "application/json", CancellationToken.None);
        await bucket.PutAsync(manifestKey, manifestBytes, "application/json", CancellationToken.None);

        // Assert
        BackupCatalogEntry? entry = null;
        await WaitUntilAsync(async () => (entry = await new BackupCatalog(bucket).GetAsync(SandboxLayout.Cluster, forgedId, CancellationToken.None)) is not null, TimeSpan.FromSeconds(30));
        Assert.Equal(CatalogStatus.Failed, entry!.Status);
        Assert.Contains(entry.Reasons, r => r.Contains("SHA-256", StringComparison.Ordinal));
        var entries = await bucket.ListAsync(S3Layout.BackupCatalogFolder(SandboxLayout.Cluster), CancellationToken.None).ToListAsync();
        Assert.Single(entries, e => e.Key.Contains(forgedId, StringComparison.Ordinal));
    }

    private string AlarmState(string suffix) =>
        fixture.Sandbox.Alarms().Evaluate(DateTimeOffset.UtcNow).Single(a => a.Name.EndsWith("-" + suffix, StringComparison.Ordinal)).State;

    private async Task<BackupManifest> ManifestAsync(string backupId)
    {
        var bytes = await fixture.Sandbox.Bucket().GetBytesAsync(S3Layout.BackupManifest(SandboxLayout.Cluster, backupId), CancellationToken.None);
        return JsonSerializer.Deserialize(bytes!, LifeboatJson.Default.BackupManifest)!;
    }

    /// <summary>download → zstd -d → mbstream -x → mariabackup --prepare → mariadbd on a fresh datadir.</summary>
    private async Task<InstanceEntry> RestoreStreamAsync(string key, string name, int port)
    {
        var layout = fixture.Sandbox.Layout;
        var instance = new InstanceEntry { Name = name, InstanceId = "i-000000000000000ff", Role = "restore", Port = port, Dir = layout.InstanceDir(name), ServerId = 99, User = fixture.Primary.User };
        if (Directory.Exists(instance.Dir))
        {
            Directory.Delete(instance.Dir, recursive: true);
        }
        Directory.CreateDirectory(instance.DataDir);
        var streamFile = Path.Combine(instance.Dir, "stream.zst");
        await using (var body = await fixture.Sandbox.Bucket().OpenReadAsync(key, CancellationToken.None))
        await using (var file = File.Create(streamFile))
        {
            await body.CopyToAsync(file);
        }
        await Run("/bin/bash", ["-euo", "pipefail", "-c", $"zstd -d -q -c '{streamFile}' | mbstream -x -C '{instance.DataDir}'"]);
        await Run("mariabackup", ["--prepare", $"--target-dir={instance.DataDir}", "--use-memory=256M"]);
        await Run("chown", ["-R", $"{instance.User}:{instance.User}", instance.Dir]);
        instance = instance with { Pid = MariaDb.Start(instance, readOnly: false) };
        await MariaDb.WaitReadyAsync(instance, TimeSpan.FromSeconds(60));
        return instance;
    }

    private static async Task Run(string file, IReadOnlyList<string> arguments)
    {
        var result = await Processes.RunAsync(file, arguments);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', arguments)} failed: {result.Stderr}");
    }

    private static async Task<bool> SqlThreadRunningAsync(InstanceEntry replica)
    {
        var status = await MariaDb.SlaveStatusAsync(replica);
        return status.GetValueOrDefault("Slave_SQL_Running") == "Yes" && status.GetValueOrDefault("Slave_IO_Running") == "Yes";
    }

    private static async Task<long> LagAsync(InstanceEntry replica) =>
        long.TryParse((await MariaDb.SlaveStatusAsync(replica)).GetValueOrDefault("Seconds_Behind_Master"), NumberStyles.None, CultureInfo.InvariantCulture, out var lag) ? lag : -1;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout.TotalSeconds:0} s");
            await Task.Delay(50);
        }
    }
}
