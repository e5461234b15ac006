using System.Security.Cryptography;
using Lifeboat.Core.Binlogs;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Storage;
using Lifeboat.Tests.Binlog;
using Lifeboat.Tests.Core;
using Xunit;

namespace Lifeboat.Tests.Binlogs;

/// <summary>S3 delivers events at least once and in no particular order; the catalog must come out the same.</summary>
public class BinlogEventOrderTests
{
    private const string Cluster = CoreFixtures.Cluster;
    private const string Uuid = "6f1c2b9e-0d4a-4c8e-9a51-3b7d2e8f4a10";

    private readonly InMemoryObjectStore _store = new();
    private readonly RecordingLog _log = new();

    public BinlogEventOrderTests()
    {
        // Both files are in S3 before either event is handled, as when S3 delivers the second file's event first.
        foreach (var file in new[] { "mysql-bin.000001", "mysql-bin.000002" })
        {
            var bytes = BinlogFixtures.Bytes(file);
            _store.Seed(S3Layout.Binlog(Cluster, Uuid, file), bytes, metadata: new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)) });
        }
    }

    private Task<BinlogCatalogEntry?> Verify(string file) =>
        new BinlogVerification(_store, TimeProvider.System, _log).VerifyAsync(Cluster, Uuid, file, CancellationToken.None);

    [Fact]
    public async Task Events_Out_Of_Order_Catalog_Each_File_Once_Verified_And_Continuous()
    {
        // Act: the second file's event first, then the first file's, then both again.
        var second = await Verify("mysql-bin.000002");
        var first = await Verify("mysql-bin.000001");
        await Verify("mysql-bin.000002");
        await Verify("mysql-bin.000001");

        // Assert
        Assert.True(first!.IsVerified, string.Join("; ", first.Reasons));
        Assert.True(second!.IsVerified, string.Join("; ", second.Reasons));
        Assert.Equal(BinlogContinuity.Continuous, second.Continuity);
        var catalogWrites = _store.Writes.Where(k => k.StartsWith(S3Layout.BinlogCatalogServerFolder(Cluster, Uuid), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, catalogWrites.Count);
        Assert.Equal(2, catalogWrites.Distinct().Count());
    }
}
