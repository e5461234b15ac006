using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Lifeboat.Core.Binlog;
using Lifeboat.Tests.Binlog;
using Lifeboat.Tests.Template;
using Xunit;

namespace Lifeboat.Tests.Restore;

/// <summary>
/// The event planner inside ssm/replay-binlogs.yaml (perl, run here as the document writes it out) on the real MariaDB
/// fixture binlogs, against what mariadb-binlog itself reported about them (expected.json).
/// </summary>
public sealed partial class ReplayPlannerTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("lifeboat-planner-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Fact]
    public void Plan_Starts_After_The_Start_Position_And_Ends_After_The_Last_Transaction()
    {
        // Arrange
        string[] files = ["mysql-bin.000001", "mysql-bin.000002", "mysql-bin.000003"];
        var expected = Gtids(files).Where(g => g.Gtid.Split('-')[0] != "0" || Seq(g.Gtid) > 5).ToList();

        // Act
        var plan = Plan("0-7-5", "", "", files);

        // Assert
        Assert.Equal("end", plan["stopped_by"].Single());
        Assert.Equal(expected.Count.ToString(), plan["transactions"].Single());
        Assert.Equal($"0 {expected[0].Offset}", plan["first"].Single());
        Assert.Equal($"2 {LastGroupEnd("mysql-bin.000003")}", plan["last"].Single());
        Assert.Equal(["0-7-18", "2-7-4"], plan["domain"]);
        Assert.False(plan.Contains("problem"));
    }

    [Fact]
    public void Plan_Stops_Just_Before_The_Given_Transaction()
    {
        // Arrange
        string[] files = ["mysql-bin.000001", "mysql-bin.000002", "mysql-bin.000003"];
        var stop = Gtids(files).Single(g => g.Gtid == "0-7-13");

        // Act
        var plan = Plan("0-7-5", "", "0-7-13", files);

        // Assert
        Assert.Equal("gtid", plan["stopped_by"].Single());
        Assert.Equal("10", plan["transactions"].Single());
        Assert.Equal($"1 {stop.Offset}", plan["last"].Single());
        Assert.Equal(["0-7-12", "2-7-3"], plan["domain"]);
    }

    [Fact]
    public void Plan_Stops_At_The_First_Event_Stamped_At_Or_After_The_Stop_Time()
    {
        // Arrange: the last file's closing Stop event is the only one a second later than its transaction.
        var stopTime = BinlogFixtures.Facts("mysql-bin.000005").GetProperty("lastEventTime").GetInt64();

        // Act
        var plan = Plan("0-7-20", stopTime.ToString(), "", ["mysql-bin.000005"]);

        // Assert
        Assert.Equal("time", plan["stopped_by"].Single());
        Assert.Equal(["0-7-21"], plan["domain"]);
        Assert.Equal($"0 {LastGroupEnd("mysql-bin.000005")}", plan["last"].Single());
    }

    [Fact]
    public void Plan_Refuses_A_Stop_Time_Before_The_Start_Position()
    {
        // Arrange: every transaction of the first file is stamped with the same second.
        var stopTime = Gtids(["mysql-bin.000001"])[0].Time;

        // Act
        var plan = Plan("0-7-5", stopTime.ToString(), "", ["mysql-bin.000001"]);

        // Assert
        Assert.Equal("stop-before-start", plan["error"].Single());
        Assert.False(plan.Contains("first"));
    }

    [Fact]
    public void Plan_Names_A_Stop_Transaction_The_Binlogs_Do_Not_Hold()
    {
        // Act
        var plan = Plan("0-7-5", "", "0-7-99", ["mysql-bin.000001", "mysql-bin.000002"]);

        // Assert
        Assert.Equal("stop-gtid-not-found", plan["error"].Single());
    }

    [Theory]
    [InlineData("0-7-18", "mysql-bin.000004", "has no CRC-32 event checksums")]
    [InlineData("0-7-12,2-7-4", "mysql-bin.000002", "transaction 2-7-4, already in the start position, follows newer ones")]
    public void Plan_Hands_Back_Binlogs_The_Server_Applier_Cannot_Take(string start, string file, string problem)
    {
        // Act
        var plan = Plan(start, "", "", [file]);

        // Assert
        Assert.Contains(problem, plan["problem"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Relay_Logs_Hold_Exactly_The_Planned_Transactions_With_Valid_Checksums()
    {
        // Arrange
        string[] files = ["mysql-bin.000001", "mysql-bin.000002", "mysql-bin.000003"];
        var plan = Plan("0-7-5", "", "0-7-17", files);
        var first = plan["first"].Single().Split(' ');
        var last = plan["last"].Single().Split(' ');

        // Act
        var written = Perl("write", [first[0], first[1], last[0], last[1], Path.Combine(work, "relay-bin"), .. files.Select(Fixture)]);

        // Assert: each relay log is the binlog's Format_description event, an artificial Rotate naming the binlog
        // (its CRC-32 valid), then the planned bytes of the binlog unchanged; together they hold the planned
        // transactions and nothing else.
        var relays = written.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
        Assert.Equal(3, relays.Count);
        var held = new List<string>();
        for (var i = 0; i < relays.Count; i++)
        {
            var relay = File.ReadAllBytes(relays[i][0]);
            var binlog = File.ReadAllBytes(Fixture(files[i]));
            var descriptionEnd = 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(binlog.AsSpan(4 + 9));
            long from = i == 0 ? long.Parse(first[1]) : descriptionEnd;
            long to = i == relays.Count - 1 ? long.Parse(last[1]) : binlog.Length;
            var rotateSize = 19 + 8 + files[i].Length + 4;
            var rotate = relay.AsSpan(descriptionEnd, rotateSize);

            Assert.Equal(relay.Length.ToString(), relays[i][1]);
            Assert.True(relay.AsSpan(0, descriptionEnd).SequenceEqual(binlog.AsSpan(0, descriptionEnd)));
            Assert.Equal((byte)BinlogEventType.Rotate, rotate[4]);
            Assert.Equal(0x20, BinaryPrimitives.ReadUInt16LittleEndian(rotate[17..]));
            Assert.Equal((ulong)from, BinaryPrimitives.ReadUInt64LittleEndian(rotate[19..]));
            Assert.Equal(files[i], Encoding.ASCII.GetString(rotate[27..^4]));
            Assert.Equal(Crc32.Compute(rotate[..^4]), BinaryPrimitives.ReadUInt32LittleEndian(rotate[^4..]));
            Assert.True(relay.AsSpan(descriptionEnd + rotateSize).SequenceEqual(binlog.AsSpan((int)from, (int)(to - from))));
            held.AddRange(Gtids([files[i]]).Where(g => g.Offset >= from && g.Offset < to).Select(g => g.Gtid));
        }
        var planned = Gtids(files).Select(g => g.Gtid).SkipWhile(g => g != "0-7-6").TakeWhile(g => g != "0-7-17");
        Assert.Equal(planned, held);
    }

    private static long Seq(string gtid) => long.Parse(gtid.Split('-')[2]);

    private static string Fixture(string file) => Path.Combine(BinlogFixtures.Directory, file);

    private ILookup<string, string> Plan(string start, string stopEpoch, string stopGtid, string[] files)
    {
        var output = Perl("plan", [start, stopEpoch, stopGtid, .. files.Select(Fixture)]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToLookup(kv => kv[0], kv => kv[1]);
    }

    private string Perl(string mode, IEnumerable<string> arguments)
    {
        var script = Path.Combine(work, "binlog-plan.pl");
        File.WriteAllText(script, PlannerSource());
        var result = Repo.Run("perl", [script, mode, .. arguments]);
        Assert.True(result.ExitCode == 0, $"perl {mode} failed: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>The planner as the agent writes it out: the LIFEBOAT_PERL heredoc of the document's script.</summary>
    private static string PlannerSource()
    {
        var document = SsmDocumentTests.Script("ssm/replay-binlogs.yaml");
        var match = PerlHeredoc().Match(document);
        Assert.True(match.Success, "ssm/replay-binlogs.yaml has no LIFEBOAT_PERL heredoc");
        return match.Groups["body"].Value;
    }

    /// <summary>Each transaction's GTID, the offset of its GTID event and its timestamp, in binlog order.</summary>
    private static List<(string Gtid, long Offset, long Time)> Gtids(string[] files)
    {
        var gtids = new List<(string, long, long)>();
        foreach (var file in files)
        {
            using var reader = new BinlogReader(File.OpenRead(Fixture(file)));
            while (reader.Read())
            {
                if (reader.TryGetMariaDbGtid(out var gtid))
                {
                    gtids.Add((gtid.Gtid.ToString(), reader.Current.Offset, reader.Current.Timestamp));
                }
            }
        }
        return gtids;
    }

    /// <summary>Where the file's last transaction ends, from mariadb-binlog's own event list: before its Rotate or Stop.</summary>
    private static long LastGroupEnd(string file)
    {
        var facts = BinlogFixtures.Facts(file);
        var kinds = facts.GetProperty("eventKinds").EnumerateArray().Select(k => k.GetString()).ToList();
        var ends = facts.GetProperty("eventEndPositions").EnumerateArray().Select(e => e.GetInt64()).ToList();
        var last = kinds.FindLastIndex(k => k is not ("Rotate" or "Stop"));
        return ends[last];
    }

    [GeneratedRegex(@"<<'LIFEBOAT_PERL'\n(?<body>.*?)^LIFEBOAT_PERL$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex PerlHeredoc();
}
