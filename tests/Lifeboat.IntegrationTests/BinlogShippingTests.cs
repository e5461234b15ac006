using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using Lifeboat.Aws.S3;
using Lifeboat.Core.Binlog;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Monitoring;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Replication;
using Lifeboat.Core.Storage;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>Binlogs written by the sandbox's real primary, shipped by the real document, verified by the real handler.</summary>
[Collection(SandboxCollection.Name)]
public sealed class BinlogShippingTests(SandboxFixture fixture)
{
    private IObjectStore Bucket => fixture.Sandbox.Bucket();

    [Fact]
    public async Task Shipping_Catalogs_Every_Closed_Binlog_As_Verified_And_A_Second_Run_Ships_Nothing()
    {
        // Arrange
        await WriteAsync("shipping check");

        // Act
        var first = await ShipAsync();
        var second = await ShipAsync();

        // Assert
        var uuid = first["serverUuid"]!.GetValue<string>();
        Assert.True(first["shipped"]!.GetValue<int>() >= 1);
        Assert.Equal(0, second["shipped"]!.GetValue<int>());
        var entries = await EntriesAsync(uuid);
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.True(e.IsVerified, $"{e.File}: {string.Join("; ", e.Reasons)}"));
        Assert.All(entries.Skip(1), e => Assert.Equal(BinlogContinuity.Continuous, e.Continuity));
        var primaryPosition = await MariaDb.QueryAsync(fixture.Primary, "SELECT @@gtid_binlog_pos");
        Assert.Equal(primaryPosition, entries[^1].EndPosition);
    }

    [Fact]
    public async Task Scheduled_Run_Catalogs_A_Commit_Made_After_Its_First_Pass_And_A_Run_Meanwhile_Skips()
    {
        // Arrange: something to flush, so that the first pass rotates the binlog.
        var began = DateTimeOffset.UtcNow;
        await WriteAsync("before the first pass");
        var before = await CurrentBinlogAsync();

        // Act: one run with the deployment's passes (the sandbox's are the template's defaults: 2, 30 s apart); a commit
        // once the first pass has flushed; another run while this one waits for its second pass.
        var run = fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });
        var open = before;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (open == before && !run.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run's first pass did not flush within 2 minutes");
            await Task.Delay(200);
            open = await CurrentBinlogAsync();
        }
        await WriteAsync("after the first pass");
        var commit = GtidPosition.Parse(await MariaDb.QueryAsync(fixture.Primary, "SELECT @@gtid_binlog_pos"));
        var meanwhile = await ShipAsync();
        var result = (await run)!["result"]!;

        // Assert: the commit's file was closed and shipped by the same run's second pass, and cataloged as verified.
        Assert.NotEqual(before, open);
        Assert.True(meanwhile["skipped"]!.GetValue<bool>(), meanwhile.ToJsonString());
        var passes = result["passes"]!.AsArray();
        Assert.Equal(2, passes.Count);
        Assert.Contains(before, Files(passes[0]!));
        Assert.Contains(open, Files(passes[1]!));
        var uuid = result["serverUuid"]!.GetValue<string>();
        var entry = await CatalogEntryAsync(uuid, open);
        Assert.True(entry.IsVerified, string.Join("; ", entry.Reasons));
        Assert.Empty(GtidPosition.Parse(entry.EndPosition).BehindIn(commit));
        // The shipping status (what the lag metric reads) is the second pass's.
        var status = await ShippingStatus.ReadAsync(Bucket, SandboxLayout.Cluster, CancellationToken.None);
        Assert.NotNull(status);
        Assert.True(status.RanAt >= began, $"the status was last written at {status.RanAt}");
        Assert.Equal(passes[1]!["position"]!.GetValue<string>(), status.Position);
        Assert.Empty(GtidPosition.Parse(status.Position).BehindIn(commit));
    }

    [Fact]
    public async Task Flipped_Byte_Is_Caught_With_The_Offset_Of_Its_Event()
    {
        // Arrange: a real binlog with one byte flipped in the middle, uploaded with the SHA-256 of the damaged bytes,
        // so only the per-event CRC can catch it.
        var original = await RealBinlogAsync();
        var damaged = original.Bytes.ToArray();
        var flipAt = damaged.Length / 2;
        damaged[flipAt] ^= 0x40;
        var expectedOffset = EventContaining(original.Bytes, flipAt);
        var uuid = NewUuid();

        // Act
        var entry = await UploadAsync(uuid, original.File, damaged);

        // Assert
        Assert.Equal(CatalogStatus.Failed, entry.Status);
        Assert.Contains(entry.Reasons, r => r.StartsWith($"corrupt at byte {expectedOffset}:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Truncated_Binlog_Is_Cataloged_As_Failed()
    {
        // Arrange
        var original = await RealBinlogAsync();
        var truncated = original.Bytes[..(original.Bytes.Length - 37)];

        // Act
        var entry = await UploadAsync(NewUuid(), original.File, truncated);

        // Assert
        Assert.Equal(CatalogStatus.Failed, entry.Status);
        Assert.Contains(entry.Reasons, r => r.Contains("corrupt at byte", StringComparison.Ordinal) || r.Contains("does not end with ROTATE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_Middle_File_Is_Reported_As_A_Gap()
    {
        // Arrange: three consecutive real binlogs; the middle one never reaches S3.
        await WriteAsync("gap 1");
        await ShipAsync();
        await WriteAsync("gap 2");
        await ShipAsync();
        await WriteAsync("gap 3");
        var shipped = await ShipAsync();
        var source = await EntriesAsync(shipped["serverUuid"]!.GetValue<string>());
        var (a, b, c) = (source[^3], source[^2], source[^1]);
        var uuid = NewUuid();

        // Act
        var first = await UploadAsync(uuid, a.File, await BytesAsync(a.Key));
        var third = await UploadAsync(uuid, c.File, await BytesAsync(c.Key));

        // Assert
        Assert.Equal(CatalogStatus.Verified, first.Status);
        Assert.Equal(CatalogStatus.Failed, third.Status);
        Assert.Equal(BinlogContinuity.Gap, third.Continuity);
        Assert.Contains(third.Reasons, r => r.Contains($"previous file {b.File} is not in S3", StringComparison.Ordinal));
        var window = RestorableWindow.Compute(SandboxLayout.Cluster, [], await EntriesAsync(uuid), DateTimeOffset.UtcNow);
        var gap = Assert.Single(window.Gaps);
        Assert.Equal(a.File, gap.AfterFile);
        Assert.Equal(first.LastEventTime, gap.WindowEndsAt);
    }

    [Fact]
    public async Task Redelivered_Event_Gives_One_Catalog_Entry()
    {
        // Arrange
        var original = await RealBinlogAsync();
        var uuid = NewUuid();
        var entry = await UploadAsync(uuid, original.File, original.Bytes);
        var key = S3Layout.Binlog(SandboxLayout.Cluster, uuid, original.File);
        var notification = new JsonObject
        {
            ["Records"] = new JsonArray(new JsonObject
            {
                ["eventName"] = "ObjectCreated:Put",
                ["s3"] = new JsonObject { ["bucket"] = new JsonObject { ["name"] = SandboxLayout.Bucket }, ["object"] = new JsonObject { ["key"] = key } },
            }),
        };

        // Act: S3 delivers the same event again, twice.
        var again = await fixture.Sandbox.InvokeFunctionAsync("VerifyBinlogFunction", notification);
        await fixture.Sandbox.InvokeFunctionAsync("VerifyBinlogFunction", notification);

        // Assert
        var catalogKeys = await Bucket.ListAsync(S3Layout.BinlogCatalogServerFolder(SandboxLayout.Cluster, uuid), CancellationToken.None).ToListAsync();
        Assert.Single(catalogKeys);
        Assert.Equal(entry.VerifiedAt, again![0]!["verifiedAt"]!.GetValue<DateTimeOffset>());
    }

    private async Task WriteAsync(string payload) =>
        await MariaDb.QueryAsync(fixture.Primary, $"INSERT INTO shop.writer_log (payload) VALUES ('{payload}')");

    /// <summary>The binlog file the primary is writing.</summary>
    private async Task<string> CurrentBinlogAsync() => (await MariaDb.QueryAsync(fixture.Primary, "SHOW MASTER STATUS")).Split('\t')[0];

    private static List<string> Files(JsonNode pass) => pass["files"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();

    /// <summary>VerifyBinlog runs on the upload's S3 event, on its own time: the catalog entry once it is written.</summary>
    private async Task<BinlogCatalogEntry> CatalogEntryAsync(string uuid, string file)
    {
        var key = S3Layout.BinlogCatalogEntry(SandboxLayout.Cluster, uuid, file);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await Bucket.GetBytesAsync(key, CancellationToken.None) is { } json)
            {
                return JsonSerializer.Deserialize(json, LifeboatJson.Default.BinlogCatalogEntry)!;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{key} was not written within 60 s");
            await Task.Delay(200);
        }
    }

    /// <summary>One pass, now: these tests ship what was just written (the scheduled run's passes are tested above).</summary>
    private async Task<JsonNode> ShipAsync()
    {
        var result = await fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });
        return result!["result"]!;
    }

    private async Task<List<BinlogCatalogEntry>> EntriesAsync(string uuid)
    {
        var entries = new List<BinlogCatalogEntry>();
        await foreach (var item in Bucket.ListAsync(S3Layout.BinlogCatalogServerFolder(SandboxLayout.Cluster, uuid), CancellationToken.None))
        {
            entries.Add(JsonSerializer.Deserialize((await Bucket.GetBytesAsync(item.Key, CancellationToken.None))!, LifeboatJson.Default.BinlogCatalogEntry)!);
        }
        return entries.OrderBy(e => e.Sequence).ToList();
    }

    /// <summary>A closed binlog with several transactions, written by the primary and shipped.</summary>
    private async Task<(string File, byte[] Bytes)> RealBinlogAsync()
    {
        for (var i = 0; i < 20; i++)
        {
            await WriteAsync($"row {i} {new string('x', 80)}");
        }
        var shipped = await ShipAsync();
        var newest = (await EntriesAsync(shipped["serverUuid"]!.GetValue<string>()))[^1];
        return (newest.File, await BytesAsync(newest.Key));
    }

    private async Task<byte[]> BytesAsync(string key) => (await Bucket.GetBytesAsync(key, CancellationToken.None))!;

    /// <summary>Uploads as the shipping document does (SHA-256 in the metadata); the S3 event runs VerifyBinlog.</summary>
    private async Task<BinlogCatalogEntry> UploadAsync(string uuid, string file, byte[] bytes)
    {
        using var s3 = S3ClientFactory.Create(SandboxLayout.Region, fixture.Sandbox.Layout.S3Url);
        var request = new PutObjectRequest
        {
            BucketName = SandboxLayout.Bucket,
            Key = S3Layout.Binlog(SandboxLayout.Cluster, uuid, file),
            InputStream = new MemoryStream(bytes),
        };
        request.Metadata["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await s3.PutObjectAsync(request);
        var catalogKey = S3Layout.BinlogCatalogEntry(SandboxLayout.Cluster, uuid, file);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await Bucket.GetBytesAsync(catalogKey, CancellationToken.None) is { } json)
            {
                return JsonSerializer.Deserialize(json, LifeboatJson.Default.BinlogCatalogEntry)!;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{catalogKey} was not written within 30 s");
            await Task.Delay(200);
        }
    }

    /// <summary>The offset of the event whose bytes include <paramref name="position"/>, per the reader on the intact file.</summary>
    private static long EventContaining(byte[] binlog, long position)
    {
        using var reader = new BinlogReader(new MemoryStream(binlog));
        while (reader.Read())
        {
            var header = reader.Current;
            if (position >= header.Offset && position < header.Offset + header.Length)
            {
                return header.Offset;
            }
        }
        throw new InvalidOperationException($"no event contains byte {position}");
    }

    private static string NewUuid() => Guid.NewGuid().ToString();
}
