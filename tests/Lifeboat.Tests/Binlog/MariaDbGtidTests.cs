using Lifeboat.Core.Binlog;
using Xunit;

namespace Lifeboat.Tests.Binlog;

public class MariaDbGtidTests
{
    [Fact]
    public void Gtid_Text_Form_Is_Domain_Server_Sequence()
    {
        var gtid = new MariaDbGtid(0, 1, 42);

        Assert.Equal("0-1-42", gtid.ToString());
        Assert.Equal(gtid, MariaDbGtid.Parse("0-1-42"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0-1")]
    [InlineData("0-1-x")]
    [InlineData("-1-2")]
    [InlineData("0--1-2")]
    [InlineData("4294967296-1-2")]
    public void Malformed_Gtid_Text_Is_Rejected(string text)
    {
        Assert.False(MariaDbGtid.TryParse(text, out _));
    }

    [Fact]
    public void A_Gap_Within_A_Domain_Is_Located()
    {
        var original = BinlogFixtures.Bytes("mysql-bin.000001");
        var binlog = SyntheticBinlog.From(original);
        foreach (ulong seq in new ulong[] { 5, 6, 8, 9 })
        {
            binlog.Add(BinlogEventType.MariaDbGtid, GtidBody(seq, domain: 3), serverId: 7);
        }

        var summary = BinlogFixtures.Summarize(binlog.ToArray());

        var domain = Assert.Single(summary.MariaDbDomains);
        Assert.False(domain.Contiguous);
        Assert.Equal(MariaDbGtid.Parse("3-7-6"), domain.FirstGap);
        Assert.Equal(MariaDbGtid.Parse("3-7-9"), domain.Last);
    }

    [Fact]
    public void Seq_Nos_Run_On_Across_Servers_Within_A_Domain()
    {
        var original = BinlogFixtures.Bytes("mysql-bin.000001");
        var binlog = SyntheticBinlog.From(original)
            .Add(BinlogEventType.MariaDbGtid, GtidBody(10, domain: 0), serverId: 1)
            .Add(BinlogEventType.MariaDbGtid, GtidBody(11, domain: 0), serverId: 2)
            .Add(BinlogEventType.MariaDbGtid, GtidBody(12, domain: 0), serverId: 1);

        var summary = BinlogFixtures.Summarize(binlog.ToArray());

        Assert.True(Assert.Single(summary.MariaDbDomains).Contiguous);
        Assert.Equal(
            [new MariaDbGtidRange(0, 1, 10, 12, 2, false), new MariaDbGtidRange(0, 2, 11, 11, 1, true)],
            summary.MariaDbGtidRanges);
        Assert.Equal([7u, 1u, 2u], summary.ServerIds);
    }

    private static byte[] GtidBody(ulong seq, uint domain)
    {
        var body = new byte[19];
        BitConverter.TryWriteBytes(body.AsSpan(0, 8), seq);
        BitConverter.TryWriteBytes(body.AsSpan(8, 4), domain);
        body[12] = (byte)MariaDbGtidFlags.Transactional;
        return body;
    }
}
