using System.Globalization;
using Lifeboat.Core.Storage;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests.Faults;

[Collection(SandboxCollection.Name)]
public sealed class KilledBackupTests(SandboxFixture fixture)
{
    private readonly FaultSteps _steps = new(fixture);

    [Fact]
    public async Task Backup_Killed_Mid_Stream_Catalogs_Nothing_And_The_Next_Backup_Restarts_The_Sql_Thread_And_Succeeds()
    {
        // Arrange: a backup streaming (the SQL thread stopped by it, mariabackup running).
        var before = await _steps.CatalogedBackupIdsAsync();
        var marker = Path.Combine(fixture.Replica.Home, ".lifeboat", "sql-thread-stopped-by-backup");
        var running = _steps.RunBackupAsync();
        string[] owner = [];
        await FaultSteps.WaitUntilAsync(() => Task.FromResult(
            running.IsCompleted || (File.Exists(marker) && (owner = File.ReadAllText(marker).Split(' ', StringSplitOptions.TrimEntries)).Length == 3
                && Descendants(int.Parse(owner[0], CultureInfo.InvariantCulture)).Any(p => Command(p) == "mariabackup"))),
            FaultSteps.Timeout, "the backup streaming");
        Assert.False(running.IsCompleted, "the backup finished before it could be killed");
        var backupId = owner[2];

        // Act: SIGKILL the document's script and its whole pipeline, as a reboot or the OOM killer would: no trap runs.
        var script = int.Parse(owner[0], CultureInfo.InvariantCulture);
        foreach (var pid in Descendants(script).Prepend(script).ToList())
        {
            Kill(pid);
        }
        var killed = await running;
        var sqlThreadAfterKill = (await MariaDb.SlaveStatusAsync(fixture.Replica)).GetValueOrDefault("Slave_SQL_Running");
        await MariaDb.QueryAsync(fixture.Primary, "INSERT INTO shop.writer_log (payload) VALUES ('written while the SQL thread was left stopped')");
        var next = await _steps.RunBackupAsync();

        // Assert: the kill was real (the thread was left stopped), and it failed the execution, which pages.
        Assert.Equal("No", sqlThreadAfterKill);
        Assert.Equal("Lifeboat.BackupCommandFailed", killed.Error);
        Assert.Equal("ALARM", _steps.AlarmState("backup-workflow-failed"));
        // Nothing of the killed backup is visible: no manifest, no completed stream, no catalog entry. Its incomplete
        // multipart upload is invisible to readers and expired by the bucket's AbortIncompleteMultipartUpload rule.
        var bucket = fixture.Sandbox.Bucket();
        Assert.Null(await bucket.HeadAsync(S3Layout.BackupManifest(SandboxLayout.Cluster, backupId), CancellationToken.None));
        Assert.Null(await bucket.HeadAsync(S3Layout.BackupStream(SandboxLayout.Cluster, backupId), CancellationToken.None));
        Assert.DoesNotContain(backupId, await _steps.CatalogedBackupIdsAsync());
        // The next backup's health check restarted the thread, the replica caught up, and that backup is verified.
        Assert.True(next.Succeeded, $"{next.Error}: {next.Cause}");
        Assert.True(await _steps.SqlThreadRunningAsync());
        Assert.False(File.Exists(marker));
        await MariaDb.WaitCaughtUpAsync(fixture.Replica, fixture.Primary, TimeSpan.FromSeconds(60));
        Assert.Equal("1", await MariaDb.QueryAsync(fixture.Replica, "SELECT COUNT(*) FROM shop.writer_log WHERE payload = 'written while the SQL thread was left stopped'"));
        Assert.Single((await _steps.CatalogedBackupIdsAsync()).Except(before));
    }

    [Fact]
    public async Task Compressor_Dying_Mid_Stream_Fails_The_Command_Naming_It_Restarts_The_Sql_Thread_And_Catalogs_Nothing()
    {
        // Arrange
        var before = await _steps.CatalogedBackupIdsAsync();
        var marker = Path.Combine(fixture.Replica.Home, ".lifeboat", "sql-thread-stopped-by-backup");
        var running = _steps.RunBackupAsync();
        int zstd = 0;
        await FaultSteps.WaitUntilAsync(() => Task.FromResult(
            running.IsCompleted || (File.Exists(marker) && File.ReadAllText(marker).Split(' ') is [var owner, _, _]
                && (zstd = Descendants(int.Parse(owner, CultureInfo.InvariantCulture)).FirstOrDefault(p => Command(p) == "zstd")) > 0)),
            FaultSteps.Timeout, "the backup compressing");
        Assert.False(running.IsCompleted, "the backup finished before its compressor could be killed");

        // Act: only the compressor dies; the document itself lives on to see it.
        Kill(zstd);
        var outcome = await running;

        // Assert
        Assert.Equal("Lifeboat.BackupCommandFailed", outcome.Error);
        Assert.Matches("pipeline stages failed .*zstd=", outcome.Cause);
        Assert.Contains("SQL thread restarted", outcome.Cause);
        Assert.True(await _steps.SqlThreadRunningAsync());
        Assert.False(File.Exists(marker));
        Assert.Equal(before, await _steps.CatalogedBackupIdsAsync());
        Assert.Equal("ALARM", _steps.AlarmState("backup-workflow-failed"));
    }

    [Fact]
    public async Task Hash_Dying_Mid_Stream_Fails_The_Command_Restarts_The_Sql_Thread_And_Catalogs_Nothing()
    {
        // Arrange: the stream's SHA-256 is OpenSSL's, reading the compressed stream from the document's one tee.
        var before = await _steps.CatalogedBackupIdsAsync();
        var marker = Path.Combine(fixture.Replica.Home, ".lifeboat", "sql-thread-stopped-by-backup");
        var running = _steps.RunBackupAsync();
        int hasher = 0;
        await FaultSteps.WaitUntilAsync(() => Task.FromResult(
            running.IsCompleted || (File.Exists(marker) && File.ReadAllText(marker).Split(' ') is [var owner, _, _]
                && (hasher = Descendants(int.Parse(owner, CultureInfo.InvariantCulture)).FirstOrDefault(p => Command(p) == "openssl")) > 0)),
            FaultSteps.Timeout, "the backup hashing");
        Assert.False(running.IsCompleted, "the backup finished before its hash could be killed");

        // Act: a manifest without a SHA-256 of everything uploaded must not be written.
        Kill(hasher);
        var outcome = await running;

        // Assert
        Assert.Equal("Lifeboat.BackupCommandFailed", outcome.Error);
        Assert.Matches("tee \\(hash\\)=|SHA-256 of the stream failed", outcome.Cause);
        Assert.Contains("SQL thread restarted", outcome.Cause);
        Assert.True(await _steps.SqlThreadRunningAsync());
        Assert.False(File.Exists(marker));
        Assert.Equal(before, await _steps.CatalogedBackupIdsAsync());
    }

    private static IEnumerable<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryRead(Path.Combine(dir, "stat")) is { } stat)
            {
                // Fields after the command name, which is in parentheses and may hold spaces: state, ppid, ...
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }
        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                found.Add(child);
                queue.Enqueue(child);
            }
        }
        return found;
    }

    private static string Command(int pid) => TryRead($"/proc/{pid}/comm")?.Trim() ?? "";

    private static string? TryRead(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Kill(int pid)
    {
        try
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
        catch (ArgumentException)
        {
            // already gone
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
