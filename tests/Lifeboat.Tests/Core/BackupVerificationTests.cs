using System.Text.Json;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;
using Xunit;

namespace Lifeboat.Tests.Core;

public class BackupVerificationTests
{
    private const string Cluster = CoreFixtures.Cluster;
    private const string BackupId = CoreFixtures.BackupId;
    private static readonly string CatalogKey = $"catalog/{Cluster}/backups/{BackupId}.json";

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 22, 2, 41, 40, TimeSpan.Zero));
    private readonly RecordingLog _log = new();
    private readonly InMemoryObjectStore _store;

    public BackupVerificationTests() => _store = new InMemoryObjectStore(_clock);

    private BackupVerification Verification() => new(_store, _clock, _log);

    /// <summary>Uploads a stream and a manifest describing it, as the backup document does (stream first).</summary>
    private byte[] Upload(BackupManifest? manifest = null, byte[]? stream = null)
    {
        stream ??= CoreFixtures.StreamBytes(3 * 1024 * 1024 + 123);
        manifest ??= CoreFixtures.ManifestFor(stream);
        _store.Seed(S3Layout.BackupStream(Cluster, BackupId), stream);
        _store.Seed(S3Layout.BackupManifest(Cluster, BackupId), CoreFixtures.Serialize(manifest), "application/json");
        return stream;
    }

    private void Catalog(string backupId, string status, string gtidSlavePos)
    {
        var entry = new BackupCatalogEntry
        {
            Cluster = Cluster,
            BackupId = backupId,
            Status = status,
            ManifestKey = S3Layout.BackupManifest(Cluster, backupId),
            GtidSlavePos = gtidSlavePos,
            Reasons = status == CatalogStatus.Failed ? ["stream SHA-256 mismatch"] : [],
        };
        _store.Seed(S3Layout.BackupCatalogEntry(Cluster, backupId), JsonSerializer.SerializeToUtf8Bytes(entry, LifeboatJson.Default.BackupCatalogEntry));
    }

    private BackupManifest ManifestWithGtid(byte[] stream, string gtidSlavePos)
    {
        var manifest = CoreFixtures.ManifestFor(stream);
        return manifest with { Coordinates = manifest.Coordinates with { GtidSlavePos = gtidSlavePos } };
    }

    [Fact]
    public async Task Stream_Is_Hashed_From_The_Bucket_And_The_Backup_Verified()
    {
        var stream = Upload();

        var entry = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Empty(entry.Reasons);
        Assert.Equal(CatalogStatus.Verified, entry.Status);
        Assert.Equal(CoreFixtures.Sha256(stream), entry.Sha256);
        Assert.Equal(stream.Length, entry.CompressedBytes);
        Assert.Equal(_clock.GetUtcNow(), entry.VerifiedAt);
        Assert.Contains(_log.Lines, line => line.Contains("done", StringComparison.Ordinal) && line.Contains("data.xbstream.zst", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Corrupted_Stream_Fails_Even_When_Its_Size_Is_Right()
    {
        var stream = CoreFixtures.StreamBytes(2 * 1024 * 1024);
        var manifest = CoreFixtures.ManifestFor(stream);
        stream[1_500_000] ^= 0x40;
        Upload(manifest, stream);

        var entry = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Equal(CatalogStatus.Failed, entry.Status);
        var reason = Assert.Single(entry.Reasons);
        Assert.Equal($"stream SHA-256 is {CoreFixtures.Sha256(stream)} in S3 but the manifest says {manifest.Stream.Sha256}", reason);
    }

    [Fact]
    public async Task Verdict_Is_Written_Once_To_The_Catalog_Key()
    {
        Upload();

        var entry = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Equal([CatalogKey], _store.Writes);
        var stored = JsonSerializer.Deserialize(_store.Peek(CatalogKey)!, LifeboatJson.Default.BackupCatalogEntry);
        Assert.NotNull(stored);
        Assert.Equal(entry.Status, stored.Status);
        Assert.Equal(entry.Sha256, stored.Sha256);
        Assert.Equal(entry.TotalRows, stored.TotalRows);
        Assert.Equal(entry.GtidSlavePos, stored.GtidSlavePos);
        using var json = JsonDocument.Parse(_store.Peek(CatalogKey)!);
        Assert.Equal("verified", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("backup", json.RootElement.GetProperty("kind").GetString());
        Assert.False(json.RootElement.TryGetProperty("isVerified", out _));
    }

    [Fact]
    public async Task Redelivered_Event_Returns_The_Existing_Entry_Without_Rewriting_It()
    {
        Upload();
        var first = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);
        var storedAfterFirst = _store.Peek(CatalogKey);
        _clock.Advance(TimeSpan.FromMinutes(3));
        await _store.DeleteAsync(S3Layout.BackupStream(Cluster, BackupId), CancellationToken.None);

        var second = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Equal(CatalogStatus.Verified, second.Status);
        Assert.Equal(first.VerifiedAt, second.VerifiedAt);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal([CatalogKey], _store.Writes);
        Assert.Equal(storedAfterFirst, _store.Peek(CatalogKey));
        Assert.Contains(_log.Lines, line => line.Contains("already cataloged as verified", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Entry_Cataloged_Concurrently_Wins_And_Is_Returned()
    {
        Upload();
        var winner = new BackupCatalogEntry
        {
            Cluster = Cluster,
            BackupId = BackupId,
            Status = CatalogStatus.Failed,
            Reasons = ["written by the other invocation"],
            ManifestKey = S3Layout.BackupManifest(Cluster, BackupId),
            VerifiedAt = _clock.GetUtcNow().AddSeconds(-1),
        };
        _store.BeforePutIfAbsent = key => _store.Seed(key, JsonSerializer.SerializeToUtf8Bytes(winner, LifeboatJson.Default.BackupCatalogEntry));

        var returned = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Empty(_store.Writes);
        Assert.Contains(_log.Lines, line => line.Contains("cataloged concurrently", StringComparison.Ordinal));
        // The doc comment promises "the entry now in the catalog": the caller must not report a verdict the catalog does not hold.
        Assert.Equal(winner.Status, returned.Status);
        Assert.Equal(winner.Reasons, returned.Reasons);
    }

    [Fact]
    public async Task Missing_Stream_Is_Cataloged_As_Failed()
    {
        Upload();
        await _store.DeleteAsync(S3Layout.BackupStream(Cluster, BackupId), CancellationToken.None);

        var entry = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Equal(CatalogStatus.Failed, entry.Status);
        Assert.Contains(entry.Reasons, r => r.Contains("does not exist", StringComparison.Ordinal));
        Assert.Equal([CatalogKey], _store.Writes);
    }

    [Fact]
    public async Task Missing_Manifest_Throws_And_Catalogs_Nothing()
    {
        _store.Seed(S3Layout.BackupStream(Cluster, BackupId), CoreFixtures.StreamBytes(1024));

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None));

        Assert.Equal(S3Layout.BackupManifest(Cluster, BackupId), error.Key);
        Assert.Empty(_store.Writes);
    }

    [Fact]
    public async Task Unparseable_Manifest_Is_Cataloged_As_Failed_With_The_Parse_Error()
    {
        _store.Seed(S3Layout.BackupStream(Cluster, BackupId), CoreFixtures.StreamBytes(1024));
        _store.Seed(S3Layout.BackupManifest(Cluster, BackupId), "{\"formatVersion\":1,\"cluster\":"u8.ToArray());

        var entry = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Equal(CatalogStatus.Failed, entry.Status);
        Assert.StartsWith("manifest is not valid JSON", Assert.Single(entry.Reasons));
        Assert.Equal([CatalogKey], _store.Writes);
    }

    [Fact]
    public async Task Failed_Earlier_Backup_Is_Not_Used_As_The_Previous_Position()
    {
        Catalog("20261120T013000Z-bcdef0", CatalogStatus.Verified, "0-101-40000,1-101-5");
        Catalog("20261121T013000Z-bcdef0", CatalogStatus.Failed, "0-101-99999,1-101-99");
        var stream = CoreFixtures.StreamBytes(4096);
        Upload(ManifestWithGtid(stream, "0-101-48213,1-101-7"), stream);

        var entry = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Empty(entry.Reasons);
        Assert.True(entry.IsVerified);
    }

    [Fact]
    public async Task Later_Backup_Is_Not_Used_As_The_Previous_Position()
    {
        Catalog("20261123T013000Z-bcdef0", CatalogStatus.Verified, "0-101-99999,1-101-99");
        var stream = CoreFixtures.StreamBytes(4096);
        Upload(ManifestWithGtid(stream, "0-101-48213,1-101-7"), stream);

        var entry = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Empty(entry.Reasons);
    }

    [Fact]
    public async Task Newest_Earlier_Verified_Backup_Is_The_Previous_Position()
    {
        Catalog("20261119T013000Z-bcdef0", CatalogStatus.Verified, "0-101-10000,1-101-1");
        Catalog("20261121T013000Z-bcdef0", CatalogStatus.Verified, "0-101-50000,1-101-7");
        Catalog("20261120T013000Z-bcdef0", CatalogStatus.Verified, "0-101-20000,1-101-3");
        var stream = CoreFixtures.StreamBytes(4096);
        Upload(ManifestWithGtid(stream, "0-101-48213,1-101-7"), stream);

        var entry = await Verification().VerifyAsync(Cluster, BackupId, CancellationToken.None);

        Assert.Equal(CatalogStatus.Failed, entry.Status);
        var reason = Assert.Single(entry.Reasons);
        Assert.Contains("previous verified backup 20261121T013000Z-bcdef0", reason);
    }
}
