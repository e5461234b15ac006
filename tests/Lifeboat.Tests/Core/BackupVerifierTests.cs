using System.Text;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Catalog;
using Xunit;

namespace Lifeboat.Tests.Core;

public class BackupVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 2, 41, 40, TimeSpan.Zero);

    /// <summary>What the bucket says when the stream is exactly what the manifest describes.</summary>
    private static StreamFacts Matching(BackupManifest manifest) =>
        new(true, manifest.Sizes.CompressedBytes, manifest.Stream.Sha256);

    private static BackupCatalogEntry Judge(BackupManifest manifest, StreamFacts? stream = null, BackupCatalogEntry? previous = null) =>
        BackupVerifier.Judge(CoreFixtures.Cluster, CoreFixtures.BackupId, manifest, null, stream ?? Matching(manifest), previous, Now);

    private static BackupCatalogEntry VerifiedPrevious(string backupId, string gtidSlavePos) => new()
    {
        Cluster = CoreFixtures.Cluster,
        BackupId = backupId,
        Status = CatalogStatus.Verified,
        ManifestKey = $"backups/{CoreFixtures.Cluster}/{backupId}/manifest.json",
        GtidSlavePos = gtidSlavePos,
    };

    private static string SingleReason(BackupCatalogEntry entry)
    {
        Assert.Equal(CatalogStatus.Failed, entry.Status);
        Assert.False(entry.IsVerified);
        return Assert.Single(entry.Reasons);
    }

    [Fact]
    public void Manifest_Written_By_The_Backup_Document_Parses()
    {
        var manifest = BackupVerifier.TryParse(CoreFixtures.Bytes("manifest-mariadb.json"), out var error);

        Assert.Null(error);
        Assert.NotNull(manifest);
        Assert.Equal("0-101-48213,1-101-7", manifest.Coordinates.GtidSlavePos);
        Assert.Equal(80417233, manifest.Coordinates.ExecMasterLogPos);
        Assert.Equal("i-0123456789abcdef0", manifest.Source.InstanceId);
        Assert.Equal(4, manifest.Tables.Count);
        Assert.Equal(16384, manifest.Settings?.InnodbPageSize);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 1, 30, 5, TimeSpan.Zero), manifest.ConsistentAt);
    }

    [Fact]
    public void Good_Manifest_With_Matching_Stream_Is_Verified_And_Cataloged_In_Full()
    {
        var manifest = CoreFixtures.Manifest();

        var entry = Judge(manifest);

        Assert.Equal(CatalogStatus.Verified, entry.Status);
        Assert.True(entry.IsVerified);
        Assert.Empty(entry.Reasons);
        Assert.Equal("backup", entry.Kind);
        Assert.Equal(CoreFixtures.Cluster, entry.Cluster);
        Assert.Equal(CoreFixtures.BackupId, entry.BackupId);
        Assert.Equal(Now, entry.VerifiedAt);
        Assert.Equal("backups/orders-db/20261122T013000Z-bcdef0/manifest.json", entry.ManifestKey);
        Assert.Equal("backups/orders-db/20261122T013000Z-bcdef0/data.xbstream.zst", entry.StreamKey);
        Assert.Equal("mariadb", entry.Engine);
        Assert.Equal("10.11.6-MariaDB-0+deb12u1-log", entry.ServerVersion);
        Assert.Equal("i-0123456789abcdef0", entry.SourceInstanceId);
        Assert.Equal("0-101-48213,1-101-7", entry.GtidSlavePos);
        Assert.Equal(manifest.StartedAt, entry.StartedAt);
        Assert.Equal(manifest.ConsistentAt, entry.ConsistentAt);
        Assert.Equal(manifest.FinishedAt, entry.FinishedAt);
        Assert.Equal(99857612800, entry.RawBytes);
        Assert.Equal(21474836480, entry.CompressedBytes);
        Assert.Equal(manifest.Stream.Sha256, entry.Sha256);
        Assert.Equal(4, entry.TableCount);
        Assert.Equal(1204332 + 4810557 + 88120 + 0, entry.TotalRows);
    }

    [Fact]
    public void Sha_Comparison_Ignores_Hex_Case()
    {
        var manifest = CoreFixtures.Manifest();

        var entry = Judge(manifest, new StreamFacts(true, manifest.Sizes.CompressedBytes, manifest.Stream.Sha256.ToUpperInvariant()));

        Assert.True(entry.IsVerified);
    }

    [Fact]
    public void Verifier_Accepts_A_MySql_Backup_Taken_With_Xtrabackup()
    {
        // backup.yaml records @@gtid_executed as gtidSlavePos for MySQL (DESIGN §1: xtrabackup for MySQL).
        var manifest = CoreFixtures.Manifest("manifest-mysql.json");

        var entry = BackupVerifier.Judge("billing", "20261122T020000Z-4f2a91", manifest, null, Matching(manifest), null, Now);

        Assert.Empty(entry.Reasons);
        Assert.Equal(CatalogStatus.Verified, entry.Status);
    }

    [Fact]
    public void Stream_Size_Differing_From_The_Manifest_Fails()
    {
        var manifest = CoreFixtures.Manifest();

        var entry = Judge(manifest, new StreamFacts(true, 21474836480 - 8 * 1024 * 1024, manifest.Stream.Sha256));

        Assert.Equal("stream is 21466447872 bytes in S3 but the manifest says 21474836480", SingleReason(entry));
        Assert.Equal(21466447872, entry.CompressedBytes);
    }

    [Fact]
    public void Stream_Sha_Differing_From_The_Manifest_Fails_Naming_Both()
    {
        var manifest = CoreFixtures.Manifest();
        var measured = new string('e', 64);

        var entry = Judge(manifest, new StreamFacts(true, manifest.Sizes.CompressedBytes, measured));

        var reason = SingleReason(entry);
        Assert.Contains("SHA-256", reason);
        Assert.Contains(measured, reason);
        Assert.Contains(manifest.Stream.Sha256, reason);
        Assert.Equal(measured, entry.Sha256);
    }

    [Fact]
    public void Missing_Stream_Fails()
    {
        var manifest = CoreFixtures.Manifest();

        var entry = Judge(manifest, new StreamFacts(false, 0, null));

        Assert.Equal("stream object backups/orders-db/20261122T013000Z-bcdef0/data.xbstream.zst does not exist", SingleReason(entry));
        Assert.Equal(0, entry.CompressedBytes);
        Assert.Null(entry.Sha256);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_Gtid_Slave_Pos_Fails_Because_No_Replay_Could_Start(string gtid)
    {
        var manifest = CoreFixtures.Manifest();
        manifest = manifest with { Coordinates = manifest.Coordinates with { GtidSlavePos = gtid } };

        var entry = Judge(manifest);

        var reason = SingleReason(entry);
        Assert.Contains("gtidSlavePos is empty", reason);
        Assert.Contains("point-in-time", reason);
    }

    [Fact]
    public void Malformed_Gtid_Slave_Pos_Fails()
    {
        var manifest = CoreFixtures.Manifest();
        manifest = manifest with { Coordinates = manifest.Coordinates with { GtidSlavePos = "0-101-48213,0-102-9" } };

        var entry = Judge(manifest);

        Assert.Equal("gtidSlavePos '0-101-48213,0-102-9' is not a mariadb GTID position", SingleReason(entry));
    }

    [Theory]
    [InlineData("orders-db", "20261121T013000Z-bcdef0")]
    [InlineData("payments", "20261122T013000Z-bcdef0")]
    public void Manifest_Naming_Another_Backup_Fails(string cluster, string backupId)
    {
        var manifest = CoreFixtures.Manifest() with { Cluster = cluster, BackupId = backupId };

        var entry = Judge(manifest);

        Assert.Equal($"manifest names {cluster}/{backupId} but was uploaded as orders-db/20261122T013000Z-bcdef0", SingleReason(entry));
    }

    [Theory]
    [InlineData("mariadb", "xtrabackup", "mariabackup")]
    [InlineData("mysql", "mariabackup", "xtrabackup")]
    public void Wrong_Backup_Tool_For_The_Engine_Fails(string engine, string tool, string expected)
    {
        var manifest = CoreFixtures.Manifest() with { Engine = engine, Tool = tool };

        var entry = Judge(manifest);

        Assert.Contains($"engine {engine} was backed up with {tool}; expected {expected}", entry.Reasons);
        Assert.Equal(CatalogStatus.Failed, entry.Status);
    }

    [Fact]
    public void Manifest_Pointing_At_Another_Stream_Fails()
    {
        var manifest = CoreFixtures.Manifest();
        manifest = manifest with { Stream = manifest.Stream with { Key = "backups/orders-db/20261121T013000Z-bcdef0/data.xbstream.zst" } };

        var entry = Judge(manifest);

        var reason = SingleReason(entry);
        Assert.Contains("'backups/orders-db/20261121T013000Z-bcdef0/data.xbstream.zst'", reason);
        Assert.Contains("not this backup's 'backups/orders-db/20261122T013000Z-bcdef0/data.xbstream.zst'", reason);
    }

    [Fact]
    public void Finished_Before_Started_Fails()
    {
        var manifest = CoreFixtures.Manifest();
        manifest = manifest with { FinishedAt = manifest.StartedAt.AddSeconds(-1) };

        var entry = Judge(manifest);

        Assert.Equal("finishedAt 2026-11-22T01:30:03.0000000+00:00 is before startedAt 2026-11-22T01:30:04.0000000+00:00", SingleReason(entry));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Unsupported_Format_Version_Fails(int version)
    {
        var manifest = CoreFixtures.Manifest() with { FormatVersion = version };

        var entry = Judge(manifest);

        Assert.Equal($"manifest formatVersion {version} is not supported (expected 1)", SingleReason(entry));
    }

    [Fact]
    public void Zero_Raw_Size_Fails()
    {
        var manifest = CoreFixtures.Manifest();
        manifest = manifest with { Sizes = manifest.Sizes with { RawBytes = 0 } };

        var entry = Judge(manifest);

        Assert.StartsWith("raw stream size is zero", SingleReason(entry));
    }

    [Theory]
    [InlineData("")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0")]
    [InlineData("zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    public void Manifest_Sha_That_Is_Not_64_Hex_Digits_Fails(string sha)
    {
        var manifest = CoreFixtures.Manifest();
        manifest = manifest with { Stream = manifest.Stream with { Sha256 = sha } };

        var entry = Judge(manifest, new StreamFacts(true, manifest.Sizes.CompressedBytes, null));

        Assert.Equal($"stream sha256 '{sha}' is not 64 hex digits", SingleReason(entry));
    }

    [Fact]
    public void Gtid_Behind_The_Previous_Verified_Backup_Fails_Naming_It()
    {
        var manifest = CoreFixtures.Manifest();
        var previous = VerifiedPrevious("20261121T013000Z-bcdef0", "0-101-50000,1-101-7");

        var entry = Judge(manifest, previous: previous);

        var reason = SingleReason(entry);
        Assert.Contains("behind the previous verified backup 20261121T013000Z-bcdef0", reason);
        Assert.Contains("domain 0: 0-101-48213 is behind 0-101-50000", reason);
    }

    [Fact]
    public void Gtid_Ahead_Of_The_Previous_Verified_Backup_Passes()
    {
        var manifest = CoreFixtures.Manifest();
        var previous = VerifiedPrevious("20261121T013000Z-bcdef0", "0-101-31000,1-101-2");

        var entry = Judge(manifest, previous: previous);

        Assert.True(entry.IsVerified);
    }

    [Fact]
    public void Every_Failure_Is_Reported_Together()
    {
        var manifest = CoreFixtures.Manifest();
        manifest = manifest with
        {
            FormatVersion = 2,
            Tool = "xtrabackup",
            Coordinates = manifest.Coordinates with { GtidSlavePos = "" },
        };

        var entry = Judge(manifest, new StreamFacts(true, 10, new string('0', 64)));

        Assert.Equal(CatalogStatus.Failed, entry.Status);
        Assert.Equal(5, entry.Reasons.Count);
    }

    [Theory]
    [InlineData("{\"formatVersion\":1,\"cluster\":\"orders-db\",\"backupId\":\"20261122T013000Z-bcdef0\",\"engine\":\"maria")]
    [InlineData("")]
    [InlineData("not json at all")]
    public void Unparseable_Manifest_Fails_With_The_Parse_Error(string text)
    {
        var manifest = BackupVerifier.TryParse(Encoding.UTF8.GetBytes(text), out var error);

        var entry = BackupVerifier.Judge(CoreFixtures.Cluster, CoreFixtures.BackupId, manifest, error, new StreamFacts(true, 123, new string('a', 64)), null, Now);

        Assert.Null(manifest);
        Assert.NotNull(error);
        Assert.StartsWith("manifest is not valid JSON for this format: ", error);
        Assert.Equal(error, SingleReason(entry));
        Assert.Equal("backups/orders-db/20261122T013000Z-bcdef0/manifest.json", entry.ManifestKey);
        Assert.Equal(0, entry.TableCount);
    }

    [Fact]
    public void Manifest_Missing_Its_Coordinates_Fails_Naming_The_Missing_Member()
    {
        var text = Encoding.UTF8.GetString(CoreFixtures.Bytes("manifest-mariadb.json"));
        var start = text.IndexOf("\"coordinates\":", StringComparison.Ordinal);
        var end = text.IndexOf("\"sizes\":", StringComparison.Ordinal);
        var withoutCoordinates = text[..start] + text[end..];

        var manifest = BackupVerifier.TryParse(Encoding.UTF8.GetBytes(withoutCoordinates), out var error);

        Assert.Null(manifest);
        Assert.NotNull(error);
        Assert.Contains("coordinates", error);
    }

    [Fact]
    public void Manifest_Without_Tables_Or_Compression_Takes_The_Declared_Defaults()
    {
        var text = Encoding.UTF8.GetString(CoreFixtures.Bytes("manifest-mariadb.json"));
        var start = text.IndexOf(",\"tables\":", StringComparison.Ordinal);
        var end = text.IndexOf(",\"startedAt\":", StringComparison.Ordinal);
        var minimal = (text[..start] + text[end..]).Replace(",\"compression\":\"zstd\"", "", StringComparison.Ordinal);

        var manifest = BackupVerifier.TryParse(Encoding.UTF8.GetBytes(minimal), out var error);

        Assert.Null(error);
        Assert.NotNull(manifest);
        Assert.Null(manifest.Settings);
        // BackupManifest declares Tables = [] and Compression = "zstd"; the source-generated context must keep them.
        Assert.NotNull(manifest.Tables);
        Assert.Equal("zstd", manifest.Compression);
        var entry = Judge(manifest);
        Assert.True(entry.IsVerified);
        Assert.Equal(0, entry.TableCount);
        Assert.Equal(0, entry.TotalRows);
    }

    [Fact]
    public void Json_Null_Manifest_Fails_As_Empty()
    {
        var manifest = BackupVerifier.TryParse("null"u8, out var error);

        var entry = BackupVerifier.Judge(CoreFixtures.Cluster, CoreFixtures.BackupId, manifest, error, new StreamFacts(false, 0, null), null, Now);

        Assert.Equal("manifest is empty", SingleReason(entry));
    }
}
