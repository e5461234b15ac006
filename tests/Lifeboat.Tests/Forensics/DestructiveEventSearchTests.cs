using System.Text.Json;
using Lifeboat.Core;
using Lifeboat.Core.Binlog;
using Lifeboat.Core.Binlogs;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Forensics;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;
using Lifeboat.Tests.Binlog;
using Lifeboat.Tests.Core;
using Xunit;

namespace Lifeboat.Tests.Forensics;

public class DestructiveEventSearchTests
{
    private const string Cluster = "orders-db";
    private const string Server = "0b7c1e2a-3f4d-11ef-9a1b-0242ac120002";
    private static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FixtureTime = DateTimeOffset.FromUnixTimeSeconds(BinlogFixtures.GeneratedAfter);

    private readonly InMemoryObjectStore store = new();

    [Fact]
    public async Task Since_After_Until_Is_Refused_With_The_Fix()
    {
        var search = new DestructiveEventSearch(store);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => search.FindAsync(Cluster, Noon, Noon.AddHours(-1), CancellationToken.None));

        Assert.Contains("since (2026-11-21T12:00:00.0000000+00:00) is after until (2026-11-21T11:00:00.0000000+00:00)", error.Message);
        Assert.Contains("pass the earlier time as since", error.Message);
    }

    [Fact]
    public async Task Every_Verified_Fixture_Is_Searched_And_Results_Come_In_Gtid_Order()
    {
        foreach (var file in new[] { "mysql-bin.000001", "mysql-bin.000002", "mysql-bin.000003", "mysql-bin.000004", "mysql-bin.000005" })
        {
            Catalog(file, BinlogFixtures.Bytes(file));
        }

        var found = await Find(null, null);

        Assert.Equal(["0-7-10", "0-7-12", "0-7-13", "0-7-14", "0-7-17", "0-7-18", "0-7-20"], found.Select(e => e.Gtid));
        Assert.Equal(
            [DestructiveKind.DropTable, DestructiveKind.UpdateWithoutWhere, DestructiveKind.DeleteWithoutWhere, DestructiveKind.Truncate,
             DestructiveKind.DeleteWithoutWhere, DestructiveKind.DropDatabase, DestructiveKind.DropTable],
            found.Select(e => e.Kind));
        Assert.All(found, e => Assert.Equal(Server, e.ServerUuid));
    }

    [Fact]
    public async Task Failed_Binlog_Is_Not_Searched()
    {
        Catalog("mysql-bin.000003", BinlogFixtures.Bytes("mysql-bin.000003"), CatalogStatus.Failed);
        Catalog("mysql-bin.000004", BinlogFixtures.Bytes("mysql-bin.000004"));

        var found = await Find(null, null);

        Assert.Equal(["0-7-20"], found.Select(e => e.Gtid));
    }

    [Fact]
    public async Task Binlog_Cataloged_Outside_The_Range_Is_Not_Read()
    {
        Catalog("mysql-bin.000001", BinlogFixtures.Bytes("mysql-bin.000001"));
        // Its events are in range, but the catalog says the file ended a day earlier: the catalog decides what is read.
        Catalog("mysql-bin.000004", BinlogFixtures.Bytes("mysql-bin.000004"), first: FixtureTime.AddDays(-1), last: FixtureTime.AddDays(-1));

        var found = await Find(FixtureTime.AddMinutes(-1), null);

        Assert.Equal(["0-7-10"], found.Select(e => e.Gtid));
    }

    [Theory]
    [InlineData(10, 30, 11, 30, new[] { "0-1-2" })]
    [InlineData(11, 0, 11, 0, new[] { "0-1-2" })]
    [InlineData(10, 0, 12, 0, new[] { "0-1-1", "0-1-2", "0-1-3" })]
    [InlineData(12, 0, 13, 0, new[] { "0-1-3" })]
    [InlineData(12, 1, 13, 0, new string[0])]
    public async Task Statements_Outside_The_Range_Are_Left_Out_Bounds_Included(int sinceHour, int sinceMinute, int untilHour, int untilMinute, string[] expected)
    {
        var bytes = ForensicsBinlogs.MariaDb()
            .Statement(1, Noon.AddHours(-2), "shop", "DROP TABLE orders")
            .Statement(2, Noon.AddHours(-1), "shop", "DELETE FROM customers")
            .Statement(3, Noon, "shop", "TRUNCATE notes")
            .Rotated("mysql-bin.000002");
        Catalog("mysql-bin.000001", bytes, first: Noon.AddHours(-2), last: Noon);

        var found = await Find(At(sinceHour, sinceMinute), At(untilHour, untilMinute));

        Assert.Equal(expected, found.Select(e => e.Gtid));
    }

    [Fact]
    public async Task Statements_In_The_Same_Second_Are_Ordered_By_Gtid_Sequence_Not_By_Text()
    {
        Catalog("mysql-bin.000001", ForensicsBinlogs.MariaDb().Statement(9, Noon, "shop", "DROP TABLE a").Rotated("mysql-bin.000002"), first: Noon, last: Noon);
        Catalog("mysql-bin.000002", ForensicsBinlogs.MariaDb().Statement(10, Noon, "shop", "DROP TABLE b").Rotated("mysql-bin.000003"), first: Noon, last: Noon);

        var found = await Find(null, null);

        Assert.Equal(["0-1-9", "0-1-10"], found.Select(e => e.Gtid));
    }

    [Fact]
    public async Task Binlog_Deleted_Since_It_Was_Cataloged_Is_Skipped()
    {
        Catalog("mysql-bin.000001", BinlogFixtures.Bytes("mysql-bin.000001"), shipped: false);
        Catalog("mysql-bin.000004", BinlogFixtures.Bytes("mysql-bin.000004"));

        var found = await Find(null, null);

        Assert.Equal(["0-7-20"], found.Select(e => e.Gtid));
    }

    private static DateTimeOffset At(int hour, int minute) => new(2026, 11, 21, hour, minute, 0, TimeSpan.Zero);

    private Task<IReadOnlyList<DestructiveEvent>> Find(DateTimeOffset? since, DateTimeOffset? until) =>
        new DestructiveEventSearch(store).FindAsync(Cluster, since, until, CancellationToken.None);

    // A catalog entry as VerifyBinlog writes it (times from the file unless given), and the file itself unless not shipped.
    private void Catalog(string file, byte[] bytes, string status = CatalogStatus.Verified, DateTimeOffset? first = null, DateTimeOffset? last = null, bool shipped = true)
    {
        var summary = BinlogSummary.Read(new MemoryStream(bytes), file);
        var entry = new BinlogCatalogEntry
        {
            Cluster = Cluster,
            ServerUuid = Server,
            File = file,
            Sequence = BinlogVerifier.Sequence(file),
            Key = S3Layout.Binlog(Cluster, Server, file),
            Status = status,
            FirstEventTime = first ?? summary.FirstEventTime,
            LastEventTime = last ?? summary.LastEventTime,
        };
        store.Seed(S3Layout.BinlogCatalogEntry(Cluster, Server, file), JsonSerializer.SerializeToUtf8Bytes(entry, LifeboatJson.Default.BinlogCatalogEntry));
        if (shipped)
        {
            store.Seed(entry.Key, bytes);
        }
    }
}
