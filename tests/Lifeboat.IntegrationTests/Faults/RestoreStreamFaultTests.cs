using System.Globalization;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Storage;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests.Faults;

/// <summary>
/// The restore document's download, broken on purpose: ranged parts fetched while earlier ones are extracted. Each test
/// sends the document to a host with a fresh, empty datadir and checks what is left once the command has failed: no
/// process of the command still running, no part of the stream on disk, no half-restored datadir.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class RestoreStreamFaultTests(SandboxFixture fixture)
{
    private readonly FaultSteps _steps = new(fixture);

    [Fact]
    public async Task Restore_Refuses_A_Stream_Whose_Sha256_Is_Not_The_Catalogs_Wipes_What_It_Extracted_And_Leaves_Nothing_Running()
    {
        // Arrange: a sound stream, but the catalog's SHA-256 is another stream's (the object was replaced after verification).
        var backup = await NewestVerifiedBackupAsync();
        var otherSha256 = (backup.Sha256![0] == '0' ? "1" : "0") + backup.Sha256[1..];

        // Act
        var run = await RestoreOntoFreshDatadirAsync(backup.BackupId, otherSha256, backup.RawBytes);

        // Assert: the stream was extracted in full, then refused on its hash, and the extracted files were wiped.
        Assert.Equal("Failed", run.Status);
        Assert.Contains($"hashes to {backup.Sha256}", run.Stdout);
        Assert.Contains($"the catalog says {otherSha256}; the extracted data was wiped", run.Stdout);
        AssertNothingLeft(run);
    }

    [Fact]
    public async Task Restore_Refuses_A_Truncated_Stream_Naming_The_Decompressor_And_Leaves_Nothing_Running()
    {
        // Arrange: the first half of a verified stream, as a short upload would leave it.
        var backup = await NewestVerifiedBackupAsync();
        var bucket = fixture.Sandbox.Bucket();
        var whole = (await bucket.GetBytesAsync(S3Layout.BackupStream(SandboxLayout.Cluster, backup.BackupId), CancellationToken.None))!;
        const string truncatedId = "20261122T000000Z-truncated";
        var key = S3Layout.BackupStream(SandboxLayout.Cluster, truncatedId);
        await bucket.PutAsync(key, whole.AsMemory(0, whole.Length / 2), "application/zstd", CancellationToken.None);
        RestoreRun run;
        try
        {
            // Act
            run = await RestoreOntoFreshDatadirAsync(truncatedId, backup.Sha256!, backup.RawBytes);
        }
        finally
        {
            await bucket.DeleteAsync(key, CancellationToken.None);
        }

        // Assert: every part arrived, zstd met the end of the data inside a frame, and the datadir was wiped.
        Assert.Equal("Failed", run.Status);
        Assert.Contains("download pipeline stages failed", run.Stdout);
        Assert.Contains("zstd -d=1", run.Stdout);
        Assert.DoesNotContain("download=", run.Stdout);
        AssertNothingLeft(run);
    }

    [Fact]
    public async Task Restore_Refuses_A_Stream_Damaged_Early_Stops_The_Download_Of_The_Later_Parts_And_Leaves_None_On_Disk()
    {
        // Arrange: the stream overwritten with 0xFF from its first quarter on. zstd meets a reserved block type within a
        // block of the damage and stops reading, while the later parts are downloaded or waiting.
        var backup = await NewestVerifiedBackupAsync();
        var bucket = fixture.Sandbox.Bucket();
        var damaged = (await bucket.GetBytesAsync(S3Layout.BackupStream(SandboxLayout.Cluster, backup.BackupId), CancellationToken.None))!;
        damaged.AsSpan(damaged.Length / 4).Fill(0xFF);
        const string damagedId = "20261122T000000Z-damaged";
        var key = S3Layout.BackupStream(SandboxLayout.Cluster, damagedId);
        await bucket.PutAsync(key, damaged, "application/zstd", CancellationToken.None);
        RestoreRun run;
        try
        {
            // Act
            run = await RestoreOntoFreshDatadirAsync(damagedId, backup.Sha256!, backup.RawBytes);
        }
        finally
        {
            await bucket.DeleteAsync(key, CancellationToken.None);
        }

        // Assert: zstd stopped it, the feeder says where, and no part or extracted file is left.
        Assert.Equal("Failed", run.Status);
        Assert.Contains("download pipeline stages failed (exit codes): download=1 zstd -d=1", run.Stdout);
        Assert.Matches("zstd stopped reading at part [0-9]+ of [0-9]+", run.Stdout);
        AssertNothingLeft(run);
    }

    [Fact]
    public async Task Restore_Fails_Naming_The_Part_S3_Keeps_Refusing_After_Retries_And_Leaves_Nothing_Running()
    {
        // Arrange: S3 serves the stream's first part, then throttles every later ranged GET.
        var backup = await NewestVerifiedBackupAsync();
        SandboxFaults.Set(fixture.Sandbox.Layout, SandboxFaults.S3RangedGetsThrottled, on: true);
        RestoreRun run;
        try
        {
            // Act
            run = await RestoreOntoFreshDatadirAsync(backup.BackupId, backup.Sha256!, backup.RawBytes);
        }
        finally
        {
            SandboxFaults.Set(fixture.Sandbox.Layout, SandboxFaults.S3RangedGetsThrottled, on: false);
        }

        // Assert: a later part failed after its retries; the downloader, its curls and the extractor all stopped.
        Assert.Equal("Failed", run.Status);
        Assert.Contains("download pipeline stages failed (exit codes): download=1", run.Stdout);
        Assert.Matches(@"part [1-9][0-9]* of [0-9]+ \(bytes [0-9]+-[0-9]+\) failed after 5 attempts: HTTP 503 SlowDown", run.Stdout);
        AssertNothingLeft(run);
    }

    [Fact]
    public async Task Restore_Of_A_Stream_That_Is_Not_In_The_Bucket_Fails_Naming_It_Before_Writing_Anything()
    {
        // Arrange: a backup id with no stream under it.
        const string missingId = "20261122T000000Z-missing";

        // Act
        var run = await RestoreOntoFreshDatadirAsync(missingId, new string('0', 64), 1_048_576);

        // Assert
        Assert.Equal("Failed", run.Status);
        Assert.Contains($"cannot read s3://{SandboxLayout.Bucket}/{S3Layout.BackupStream(SandboxLayout.Cluster, missingId)}: its first part", run.Stdout);
        Assert.Contains("failed after 1 attempt: HTTP 404 NoSuchKey", run.Stdout);
        Assert.False(Directory.Exists(run.Datadir), $"{run.Datadir} was created");
        AssertNothingLeft(run);
    }

    private sealed record RestoreRun(string Status, string Stdout, string CommandDir, string Dir, string Datadir);

    private async Task<BackupCatalogEntry> NewestVerifiedBackupAsync()
    {
        await _steps.EnsureVerifiedBackupAsync();
        var backups = await new BackupCatalog(fixture.Sandbox.Bucket()).ListAsync(SandboxLayout.Cluster, CancellationToken.None);
        return backups.Where(b => b.Status == CatalogStatus.Verified).OrderBy(b => b.BackupId, StringComparer.Ordinal).Last();
    }

    /// <summary>Sends the restore document to the primary's host with a restore-target.conf naming a fresh datadir (and no server), and waits for it.</summary>
    private async Task<RestoreRun> RestoreOntoFreshDatadirAsync(string backupId, string sha256, long rawBytes)
    {
        var host = fixture.Primary;
        var dir = Path.Combine(fixture.Sandbox.Layout.Root, "fresh-target");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        Directory.CreateDirectory(dir);
        var datadir = Path.Combine(dir, "data");
        var port = fixture.Sandbox.Layout.BasePort + 91;
        var conf = Path.Combine(host.EtcDir, "restore-target.conf");
        Directory.CreateDirectory(host.EtcDir);
        await File.WriteAllTextAsync(conf, $"cluster={SandboxLayout.Cluster}\ndatadir={datadir}\nsocket={Path.Combine(dir, "mysqld.sock")}\nport={port.ToString(CultureInfo.InvariantCulture)}\nuser={host.User}\nserver_id=91\n");
        try
        {
            var result = await fixture.RunDocumentAsync(host, "RestoreDocument", SandboxFixture.RestoreParameters(backupId, sha256, rawBytes));
            return new RestoreRun(result.Status!, result.StandardOutputContent ?? "", Path.Combine(fixture.Sandbox.Layout.CommandsDir, result.CommandId!), dir, datadir);
        }
        finally
        {
            File.Delete(conf);
        }
    }

    /// <summary>No process works in the command's folder or the target's; no stream part and no extracted file is left.</summary>
    private static void AssertNothingLeft(RestoreRun run)
    {
        var running = new List<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc").Where(p => int.TryParse(Path.GetFileName(p), out _)))
        {
            string? cwd;
            try
            {
                cwd = new DirectoryInfo(Path.Combine(proc, "cwd")).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (cwd is not null && (IsUnder(cwd, run.CommandDir) || IsUnder(cwd, run.Dir)))
            {
                var cmdline = File.Exists(Path.Combine(proc, "cmdline")) ? File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ') : "";
                running.Add($"{Path.GetFileName(proc)} ({cwd}): {cmdline}");
            }
        }
        Assert.True(running.Count == 0, "processes of the failed restore still run:\n" + string.Join('\n', running));
        var left = Directory.GetFileSystemEntries(run.Dir).Where(e => e != run.Datadir).Select(Path.GetFileName).ToList();
        Assert.True(left.Count == 0, $"left beside the datadir: {string.Join(", ", left)}");
        Assert.True(!Directory.Exists(run.Datadir) || !Directory.EnumerateFileSystemEntries(run.Datadir).Any(), $"{run.Datadir} is not empty");
    }

    private static bool IsUnder(string path, string dir) =>
        path == dir || path.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
