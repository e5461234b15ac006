using System.Text.Json;
using Lifeboat.Core;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;
using Lifeboat.Core.Workflow;
using Xunit;

namespace Lifeboat.Tests.Core;

public class BackupVerdictReaderTests
{
    private const string Cluster = CoreFixtures.Cluster;
    private const string BackupId = CoreFixtures.BackupId;

    private readonly InMemoryObjectStore _store = new();

    private Task<BackupVerdict> Read(int attempts) =>
        new BackupVerdictReader(_store).ReadAsync(new BackupVerdictInput { Cluster = Cluster, BackupId = BackupId, Attempts = attempts }, CancellationToken.None);

    private void Catalog(string status, params string[] reasons)
    {
        var entry = new BackupCatalogEntry
        {
            Cluster = Cluster,
            BackupId = BackupId,
            Status = status,
            Reasons = reasons,
            ManifestKey = S3Layout.BackupManifest(Cluster, BackupId),
            TotalRows = 6103009,
        };
        _store.Seed(S3Layout.BackupCatalogEntry(Cluster, BackupId), JsonSerializer.SerializeToUtf8Bytes(entry, LifeboatJson.Default.BackupCatalogEntry));
    }

    [Fact]
    public async Task Verdict_Not_Yet_Cataloged_Is_Not_Found_And_Counts_The_Attempt()
    {
        var verdict = await Read(attempts: 3);

        Assert.False(verdict.Found);
        Assert.Equal(4, verdict.Attempts);
        Assert.Null(verdict.Status);
        Assert.Null(verdict.Summary);
        Assert.Null(verdict.Entry);
    }

    [Fact]
    public async Task Failed_Verdict_Summary_Gives_Every_Reason()
    {
        Catalog(CatalogStatus.Failed, "stream is 10 bytes in S3 but the manifest says 20", "manifest formatVersion 2 is not supported (expected 1)");

        var verdict = await Read(attempts: 0);

        Assert.True(verdict.Found);
        Assert.Equal(1, verdict.Attempts);
        Assert.Equal("failed", verdict.Status);
        Assert.Equal(
            "backup orders-db/20261122T013000Z-bcdef0 failed: stream is 10 bytes in S3 but the manifest says 20; manifest formatVersion 2 is not supported (expected 1)",
            verdict.Summary);
        Assert.NotNull(verdict.Entry);
        Assert.Equal(6103009, verdict.Entry.TotalRows);
    }

    [Fact]
    public async Task Verified_Verdict_Summary_Has_No_Reasons()
    {
        Catalog(CatalogStatus.Verified);

        var verdict = await Read(attempts: 7);

        Assert.Equal("verified", verdict.Status);
        Assert.Equal("backup orders-db/20261122T013000Z-bcdef0 verified", verdict.Summary);
    }

    [Fact]
    public async Task Last_Allowed_Check_Without_A_Verdict_Throws_Naming_The_Backup()
    {
        var error = await Assert.ThrowsAsync<VerificationMissingException>(() => Read(attempts: BackupVerdictReader.MaxAttempts - 1));

        Assert.Contains("orders-db/20261122T013000Z-bcdef0", error.Message);
        Assert.Contains($"after {BackupVerdictReader.MaxAttempts} checks", error.Message);
        Assert.Contains("VerifyBackup", error.Message);
    }

    [Fact]
    public async Task Check_Before_The_Last_Does_Not_Throw()
    {
        var verdict = await Read(attempts: BackupVerdictReader.MaxAttempts - 2);

        Assert.False(verdict.Found);
        Assert.Equal(BackupVerdictReader.MaxAttempts - 1, verdict.Attempts);
    }

    [Fact]
    public async Task Verdict_Found_On_The_Last_Check_Is_Returned()
    {
        Catalog(CatalogStatus.Verified);

        var verdict = await Read(attempts: BackupVerdictReader.MaxAttempts + 5);

        Assert.True(verdict.Found);
    }

    [Fact]
    public async Task Bad_Cluster_Is_Refused()
    {
        var reader = new BackupVerdictReader(_store);

        await Assert.ThrowsAsync<InvalidInputException>(
            () => reader.ReadAsync(new BackupVerdictInput { Cluster = "../orders", BackupId = BackupId }, CancellationToken.None));
    }
}
