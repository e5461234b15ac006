using System.Text;
using System.Text.Json;
using Lifeboat.Core.Binlog;
using Xunit;

namespace Lifeboat.Tests.Binlog;

public class BinlogReaderStreamingTests
{
    public static TheoryData<string> Files => new(BinlogFixtures.FileNames);

    [Theory]
    [MemberData(nameof(Files))]
    public void A_Stream_That_Returns_One_Byte_Per_Read_Parses_Identically(string file)
    {
        var bytes = BinlogFixtures.Bytes(file);
        var expected = Json(BinlogFixtures.Summarize(bytes, file));
        var expectedEvents = BinlogFixtures.ReadHeaders(bytes);

        var actual = Json(BinlogSummary.Read(new TrickleStream(bytes), file));
        using var reader = new BinlogReader(new TrickleStream(bytes));
        var actualEvents = new List<BinlogEventHeader>();
        while (reader.Read())
        {
            actualEvents.Add(reader.Current);
        }

        Assert.Equal(expected, actual);
        Assert.Equal(expectedEvents, actualEvents);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_Smallest_Buffer_Parses_Identically(string file)
    {
        var bytes = BinlogFixtures.Bytes(file);
        var expected = Json(BinlogFixtures.Summarize(bytes, file));

        var actual = Json(BinlogFixtures.Summarize(bytes, file, new BinlogReaderOptions { BufferSize = 1024 }));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Events_Larger_Than_The_Buffer_Are_Checksummed_And_Queries_Still_Read()
    {
        var statement = "INSERT INTO t VALUES ('" + new string('q', 3_000_000) + "')";
        var binlog = SyntheticBinlog.MySql()
            .Add(BinlogEventType.Query, SyntheticBinlog.QueryBody("big", statement))
            .Add(BinlogEventType.WriteRowsV2, SyntheticBinlog.RowsV2Body(5_000_000))
            .Add(BinlogEventType.Rotate, SyntheticBinlog.RotateBody("binlog.000002"));
        var bytes = binlog.ToArray();
        using var reader = new BinlogReader(new TrickleStream(bytes, chunk: 7919), new BinlogReaderOptions { BufferSize = 64 * 1024 });

        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.True(reader.TryReadQuery(out var query));
        Assert.Equal(("big", statement), (query.Schema, query.Statement));
        Assert.True(reader.Read());
        Assert.False(reader.IsCurrentBuffered);
        Assert.True(reader.TryGetRowsEvent(out var rows));
        Assert.Equal(BinlogRowsKind.Write, rows.Kind);
        Assert.Equal(1ul, rows.TableId);
        Assert.True(reader.Read());
        Assert.Equal(BinlogEventType.Rotate, reader.Current.Type);
        Assert.False(reader.Read());
        Assert.Null(reader.Corruption);
        Assert.Equal(bytes.Length, reader.Position);
    }

    [Fact]
    public void A_Flipped_Byte_Deep_Inside_A_Streamed_Event_Is_Reported_At_That_Event()
    {
        var binlog = SyntheticBinlog.MySql()
            .Add(BinlogEventType.WriteRowsV2, SyntheticBinlog.RowsV2Body(2_000_000))
            .Add(BinlogEventType.Xid, new byte[8]);
        var bytes = binlog.ToArray();
        long rowsAt = binlog.Offsets[1];
        bytes[rowsAt + 1_500_000] ^= 0x10;

        var summary = BinlogSummary.Read(new MemoryStream(bytes), options: new BinlogReaderOptions { BufferSize = 64 * 1024 });

        Assert.Equal(new BinlogIssue(rowsAt, BinlogIssueKind.ChecksumMismatch, summary.Corruption!.Reason), summary.Corruption);
    }

    [Fact]
    public void A_Streamed_Event_Cut_Short_Is_Truncated_At_Its_Offset()
    {
        var binlog = SyntheticBinlog.MySql().Add(BinlogEventType.WriteRowsV2, SyntheticBinlog.RowsV2Body(1_000_000));
        var bytes = binlog.ToArray()[..600_000];

        var summary = BinlogSummary.Read(new MemoryStream(bytes), options: new BinlogReaderOptions { BufferSize = 64 * 1024 });

        Assert.Equal(new BinlogIssue(binlog.Offsets[1], BinlogIssueKind.TruncatedEvent, summary.Corruption!.Reason), summary.Corruption);
    }

    [Fact]
    public void Reading_Allocates_Nothing_Per_Event()
    {
        var bytes = BinlogFixtures.Bytes("mysql-bin.000002");
        var binlog = SyntheticBinlog.From(bytes);
        for (int i = 0; i < 2000; i++)
        {
            binlog.Add(BinlogEventType.Xid, new byte[8], serverId: 7);
        }

        var data = binlog.ToArray();
        CountEvents(data);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long events = CountEvents(data);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2001, events);
        Assert.True(allocated < 2000, $"{allocated} bytes allocated for {events} events");
    }

    private static long CountEvents(byte[] data)
    {
        using var reader = new BinlogReader(new MemoryStream(data));
        while (reader.Read())
        {
        }

        return reader.EventCount;
    }

    private static string Json(BinlogSummary summary) => JsonSerializer.Serialize(summary);

    /// <summary>A non-seekable stream that hands out at most <c>chunk</c> bytes per Read, like a slow socket.</summary>
    private sealed class TrickleStream(byte[] data, int chunk = 1) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - position);
            data.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
