using System.Text.Json;
using Lifeboat.Core.Binlog;
using Xunit;

namespace Lifeboat.Tests.Binlog;

/// <summary>Real MariaDB 10.11 binlogs, checked against what mariadb-binlog reported for them.</summary>
public class BinlogReaderFixtureTests
{
    // mariadb-binlog's names for event kinds (first word) and the types they stand for.
    private static readonly Dictionary<string, BinlogEventType[]> KindNames = new()
    {
        ["Start"] = [BinlogEventType.FormatDescription],
        ["Gtid"] = [BinlogEventType.MariaDbGtidList],
        ["Binlog"] = [BinlogEventType.BinlogCheckpoint],
        ["GTID"] = [BinlogEventType.MariaDbGtid],
        ["Query"] = [BinlogEventType.Query],
        ["Query_compressed"] = [BinlogEventType.QueryCompressed],
        ["Annotate_rows"] = [BinlogEventType.AnnotateRows],
        ["Table_map"] = [BinlogEventType.TableMap],
        ["Write_rows"] = [BinlogEventType.WriteRowsV1],
        ["Update_rows"] = [BinlogEventType.UpdateRowsV1],
        ["Delete_rows"] = [BinlogEventType.DeleteRowsV1],
        ["Write_compressed_rows"] = [BinlogEventType.WriteRowsCompressedV1],
        ["Xid"] = [BinlogEventType.Xid],
        ["Rotate"] = [BinlogEventType.Rotate],
        ["Stop"] = [BinlogEventType.Stop],
    };

    public static TheoryData<string> Files => new(BinlogFixtures.FileNames);

    [Theory]
    [MemberData(nameof(Files))]
    public void Reader_Finds_The_Same_Events_As_MariaDb_Binlog(string file)
    {
        var facts = BinlogFixtures.Facts(file);

        var events = BinlogFixtures.ReadHeaders(BinlogFixtures.Bytes(file));

        Assert.Equal(Longs(facts, "eventOffsets"), events.Select(e => e.Offset));
        Assert.Equal(Longs(facts, "eventEndPositions"), events.Select(e => (long)e.NextPosition));
        var kinds = facts.GetProperty("eventKinds").EnumerateArray().Select(k => k.GetString()!).ToArray();
        Assert.All(kinds.Zip(events), pair => Assert.Contains(pair.Second.Type, KindNames[pair.First]));
        Assert.All(events, e => Assert.Equal(BinlogFixtures.ServerId, e.ServerId));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Summary_Agrees_With_MariaDb_Binlog_On_Gtids_Times_And_Rotate(string file)
    {
        var facts = BinlogFixtures.Facts(file);
        var gtids = facts.GetProperty("gtids").EnumerateArray().Select(g => MariaDbGtid.Parse(g.GetString()!)).ToArray();

        var summary = BinlogFixtures.Summarize(BinlogFixtures.Bytes(file), file);

        Assert.True(summary.IsValid, summary.Corruption?.ToString());
        Assert.Equal(file, summary.FileName);
        Assert.Equal(facts.GetProperty("size").GetInt64(), summary.Size);
        Assert.Equal(facts.GetProperty("eventOffsets").GetArrayLength(), summary.EventCount);
        Assert.Equal(gtids.Length, summary.TransactionCount);
        Assert.Equal(facts.GetProperty("firstEventTime").GetInt64(), summary.FirstEventTime!.Value.ToUnixTimeSeconds());
        Assert.Equal(facts.GetProperty("lastEventTime").GetInt64(), summary.LastEventTime!.Value.ToUnixTimeSeconds());
        Assert.InRange(summary.FirstEventTime.Value.ToUnixTimeSeconds(), BinlogFixtures.GeneratedAfter, BinlogFixtures.GeneratedBefore);
        Assert.InRange(summary.LastEventTime.Value.ToUnixTimeSeconds(), BinlogFixtures.GeneratedAfter, BinlogFixtures.GeneratedBefore);
        Assert.Equal(TimeSpan.Zero, summary.FirstEventTime.Value.Offset);
        Assert.Equal([BinlogFixtures.ServerId], summary.ServerIds);
        Assert.StartsWith("10.11.", summary.ServerVersion);
        Assert.Equal(4, summary.BinlogVersion);
        Assert.Equal(facts.GetProperty("checksum").GetString() == "CRC32" ? BinlogChecksumAlgorithm.Crc32 : BinlogChecksumAlgorithm.Off, summary.ChecksumAlgorithm);
        Assert.Equal(facts.GetProperty("rotateTo").GetString(), summary.NextFileName);
        Assert.Equal(summary.NextFileName is not null, summary.EndsWithRotate);
        var list = facts.GetProperty("gtidList");
        Assert.Equal(list.ValueKind == JsonValueKind.Null ? [] : list.EnumerateArray().Select(g => g.GetString()!), summary.GtidListAtStart.Select(g => g.ToString()));

        foreach (var domain in gtids.GroupBy(g => g.DomainId))
        {
            var range = Assert.Single(summary.MariaDbDomains, d => d.DomainId == domain.Key);
            Assert.Equal(domain.First(), range.First);
            Assert.Equal(domain.Last(), range.Last);
            Assert.Equal(domain.Count(), range.Count);
            Assert.True(range.Contiguous);
        }
    }

    [Fact]
    public void Consecutive_Files_Continue_Each_Others_Gtid_State()
    {
        // The state after a file (its GTID list updated with its own GTIDs) is the next file's GTID list.
        var names = new[] { "mysql-bin.000001", "mysql-bin.000002", "mysql-bin.000003", "mysql-bin.000004", "mysql-bin.000005" };
        var summaries = names.Select(n => BinlogFixtures.Summarize(BinlogFixtures.Bytes(n), n)).ToArray();

        for (int i = 1; i < summaries.Length; i++)
        {
            var state = summaries[i - 1].GtidListAtStart.ToDictionary(g => g.DomainId);
            foreach (var domain in summaries[i - 1].MariaDbDomains)
            {
                state[domain.DomainId] = domain.Last;
            }

            Assert.Equal(names[i], summaries[i - 1].NextFileName);
            Assert.Equal(state.Values.OrderBy(g => g.DomainId), summaries[i].GtidListAtStart.OrderBy(g => g.DomainId));
        }
    }

    [Fact]
    public void Second_File_Has_Two_Domains_With_Their_Own_Ranges()
    {
        var summary = BinlogFixtures.Summarize(BinlogFixtures.Bytes("mysql-bin.000002"));

        Assert.Equal(
            [new MariaDbGtidRange(0, 7, 11, 14, 4, true), new MariaDbGtidRange(2, 7, 1, 4, 4, true)],
            summary.MariaDbGtidRanges);
        Assert.Equal([MariaDbGtid.Parse("0-7-10")], summary.GtidListAtStart);
    }

    [Fact]
    public void Reader_Finds_The_Drop_Table_With_Its_Schema_And_Gtid()
    {
        var found = ReadStatements("mysql-bin.000001").Where(s => s.Statement.StartsWith("DROP TABLE", StringComparison.Ordinal)).ToArray();

        var drop = Assert.Single(found);
        Assert.Equal("shop", drop.Schema);
        Assert.Equal("DROP TABLE `tmp_import` /* generated by server */", drop.Statement);
        Assert.Equal(MariaDbGtid.Parse("0-7-10"), drop.Gtid);
        Assert.InRange(drop.Time.ToUnixTimeSeconds(), BinlogFixtures.GeneratedAfter, BinlogFixtures.GeneratedBefore);
    }

    [Fact]
    public void Reader_Decodes_A_Non_Ascii_Utf8mb4_Statement()
    {
        var statements = ReadStatements("mysql-bin.000001").Select(s => s.Statement).ToArray();

        Assert.Contains("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(200)) CHARSET utf8mb4 COMMENT 'Prüfung: Zoë, Łódź, 東京 🚀'", statements);
        Assert.Contains("INSERT INTO notes VALUES (1, 'Zoë Łukasz 東京 🚀')", statements);
    }

    [Fact]
    public void Row_Based_Delete_Without_Where_Is_Visible_Through_Its_Annotate_Event_And_Table_Map()
    {
        using var reader = new BinlogReader(new MemoryStream(BinlogFixtures.Bytes("mysql-bin.000002")));
        string? statement = null;
        BinlogTableMap? table = null;
        BinlogRowsEvent? rows = null;

        while (reader.Read())
        {
            if (reader.TryReadRowsStatement(out var text) && text == "DELETE FROM orders")
            {
                statement = text;
            }
            else if (statement is not null && table is null && reader.TryReadTableMap(out var map))
            {
                table = map;
            }
            else if (table is not null && rows is null && reader.TryGetRowsEvent(out var r))
            {
                rows = r;
            }
        }

        Assert.Equal("DELETE FROM orders", statement);
        Assert.Equal(("shop", "orders"), (table!.Schema, table.Table));
        Assert.Equal(BinlogRowsKind.Delete, rows!.Value.Kind);
        Assert.Equal(table.TableId, rows.Value.TableId);
        Assert.True(rows.Value.EndOfStatement);
    }

    [Fact]
    public void Reader_Decompresses_MariaDb_Compressed_Query_Events()
    {
        var statements = ReadStatements("mysql-bin.000003");

        var delete = Assert.Single(statements, s => s.Statement == "DELETE FROM orders");
        Assert.True(delete.Compressed);
        Assert.Equal("shop", delete.Schema);
        Assert.Contains(statements, s => s.Compressed && s.Statement.StartsWith("UPDATE orders SET note = 'statement-based", StringComparison.Ordinal));
        Assert.Contains(statements, s => !s.Compressed && s.Statement == "DROP DATABASE audit");
    }

    [Fact]
    public void A_File_Closed_By_Shutdown_Ends_With_Stop()
    {
        var summary = BinlogFixtures.Summarize(BinlogFixtures.Bytes("mysql-bin.000005"));

        Assert.True(summary.EndsWithStop);
        Assert.False(summary.EndsWithRotate);
        Assert.True(summary.Closed);
        Assert.False(summary.MarkedInUse);
        Assert.Null(summary.NextFileName);
    }

    [Fact]
    public void A_Copy_Of_The_Active_File_Is_Valid_But_Not_Closed_And_Still_Marked_In_Use()
    {
        var summary = BinlogFixtures.Summarize(BinlogFixtures.Bytes("mysql-bin.000005.active-copy"));

        Assert.True(summary.IsValid);
        Assert.False(summary.Closed);
        Assert.True(summary.MarkedInUse);
    }

    [Fact]
    public void Checksum_None_File_Parses_Without_Checksums()
    {
        var summary = BinlogFixtures.Summarize(BinlogFixtures.Bytes("mysql-bin.000004"));

        Assert.True(summary.IsValid);
        Assert.Equal(BinlogChecksumAlgorithm.Off, summary.ChecksumAlgorithm);
        Assert.Equal("mysql-bin.000005", summary.NextFileName);
    }

    [Fact]
    public void Gtid_Events_Carry_Their_Flags()
    {
        using var reader = new BinlogReader(new MemoryStream(BinlogFixtures.Bytes("mysql-bin.000001")));
        var gtids = new List<MariaDbGtidEvent>();

        while (reader.Read())
        {
            if (reader.TryGetMariaDbGtid(out var gtid))
            {
                gtids.Add(gtid);
            }
        }

        Assert.True(gtids[0].Flags.HasFlag(MariaDbGtidFlags.Standalone | MariaDbGtidFlags.Ddl));
        Assert.True(gtids[2].Flags.HasFlag(MariaDbGtidFlags.Transactional));
        Assert.False(gtids[2].Flags.HasFlag(MariaDbGtidFlags.Standalone));
    }

    [Fact]
    public void Summary_Of_A_File_On_Disk_Names_The_File()
    {
        var summary = BinlogSummary.ReadFile(Path.Combine(BinlogFixtures.Directory, "mysql-bin.000001"));

        Assert.Equal("mysql-bin.000001", summary.FileName);
        Assert.True(summary.IsValid);
    }

    private static IEnumerable<long> Longs(JsonElement facts, string name) =>
        facts.GetProperty(name).EnumerateArray().Select(e => e.GetInt64());

    private static List<(string Schema, string Statement, bool Compressed, MariaDbGtid Gtid, DateTimeOffset Time)> ReadStatements(string file)
    {
        using var reader = new BinlogReader(new MemoryStream(BinlogFixtures.Bytes(file)));
        var statements = new List<(string, string, bool, MariaDbGtid, DateTimeOffset)>();
        MariaDbGtid gtid = default;
        while (reader.Read())
        {
            if (reader.TryGetMariaDbGtid(out var g))
            {
                gtid = g.Gtid;
            }
            else if (reader.TryReadQuery(out var query))
            {
                statements.Add((query.Schema, query.Statement, query.Compressed, gtid, reader.Current.Time));
            }
            else if (reader.TryReadRowsStatement(out var text))
            {
                statements.Add(("", text, false, gtid, reader.Current.Time));
            }
        }

        return statements;
    }
}
