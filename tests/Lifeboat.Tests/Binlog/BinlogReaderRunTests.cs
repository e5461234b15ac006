using Lifeboat.Core.Binlog;
using Xunit;

namespace Lifeboat.Tests.Binlog;

/// <summary>
/// The reader checks runs of whole events ahead of Read (lengths, next positions, every event's CRC, four small ones
/// at a time where the CPU allows) and hands them out lazily. These pin that down against the event-by-event path:
/// the same events, positions and bytes, and a bad event reported exactly where it is.
/// </summary>
public class BinlogReaderRunTests
{
    // Small events like an OLTP binlog's, and a few table maps long enough for the one-at-a-time CRC (and, in a
    // 1 KiB buffer, for the buffer to grow), in a MySQL 8.0 file.
    private static readonly Lazy<(byte[] Bytes, List<long> Offsets)> Oltp = new(() =>
    {
        var binlog = SyntheticBinlog.MySql();
        var random = new Random(115);
        for (int i = 0; i < 3000; i++)
        {
            var type = (i % 4) switch
            {
                0 => BinlogEventType.MySqlGtid,
                1 => BinlogEventType.TableMap,
                2 => BinlogEventType.WriteRowsV2,
                _ => BinlogEventType.Xid,
            };
            int payload = type == BinlogEventType.TableMap && i % 89 == 1 ? 1000 + random.Next(200) : random.Next(4, 260);
            var body = type == BinlogEventType.MySqlGtid ? SyntheticBinlog.MySqlGtidBody(Guid.Empty, i) : SyntheticBinlog.RowsV2Body(payload, (byte)i);
            binlog.Add(type, body, timestamp: 1_700_000_000u + (uint)i, serverId: 1 + (uint)(i % 3));
        }

        binlog.Add(BinlogEventType.Rotate, SyntheticBinlog.RotateBody("binlog.000002"));
        return (binlog.ToArray(), binlog.Offsets);
    });

    public static TheoryData<string> Ways => new() { "default", "table CRC", "zlib CRC", "1 KiB buffer", "no CRC" };

    [Theory]
    [MemberData(nameof(Ways))]
    public void Every_Event_Position_And_Byte_Is_What_The_File_Holds_Whichever_Way_It_Is_Read(string way)
    {
        var (bytes, offsets) = Oltp.Value;

        var seen = ReadAll(bytes, Options(way));

        Assert.Equal(offsets.Count, seen.Count);
        for (int i = 0; i < offsets.Count; i++)
        {
            long end = i + 1 < offsets.Count ? offsets[i + 1] : bytes.Length;
            var expected = new Seen(offsets[i], end, i + 1, bytes[(int)offsets[i]..(int)(end - 4)]);
            Assert.Equal(expected, seen[i]);
        }
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(128 * 1024)]
    public void A_Bad_Crc_In_Any_Event_Of_A_Run_Stops_The_Reader_Right_Before_It(int bufferSize)
    {
        var (original, offsets) = Oltp.Value;
        var wrong = new List<string>();

        // Every event of the first few groups of four (each lane, and events at the buffer's start after a refill),
        // and a spread over the rest.
        foreach (int k in Enumerable.Range(1, 40).Concat(Enumerable.Range(41, offsets.Count - 42).Where(k => k % 37 == 0)))
        {
            var bytes = (byte[])original.Clone();
            int end = (int)offsets[k + 1];
            bytes[end - 5] ^= 0x40;
            using var reader = new BinlogReader(new MemoryStream(bytes), new BinlogReaderOptions { BufferSize = bufferSize });
            while (reader.Read())
            {
            }

            var corruption = reader.Corruption;
            if (corruption?.Kind != BinlogIssueKind.ChecksumMismatch || corruption.Offset != offsets[k]
                || reader.EventCount != k || reader.Position != offsets[k] || reader.Current.Offset != offsets[k])
            {
                wrong.Add($"event {k} at {offsets[k]}: {corruption?.ToString() ?? "no corruption"}, {reader.EventCount} events read, position {reader.Position}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void Reading_More_Events_Allocates_Nothing_More()
    {
        var (bytes, offsets) = Oltp.Value;
        var half = bytes[..(int)offsets[offsets.Count / 2]];
        ReadAll(bytes, Options("default"), collect: false);

        long few = Allocated(() => ReadAll(half, Options("default"), collect: false));
        long many = Allocated(() => ReadAll(bytes, Options("default"), collect: false));

        Assert.True(many - few < 256, $"reading {offsets.Count / 2} more events allocated {many - few} more bytes");
    }

    private static BinlogReaderOptions Options(string way) => way switch
    {
        "table CRC" => new BinlogReaderOptions { Crc32Implementation = Crc32Implementation.SlicingBy8 },
        "zlib CRC" when Crc32.IsAvailable(Crc32Implementation.Zlib) => new BinlogReaderOptions { Crc32Implementation = Crc32Implementation.Zlib },
        "1 KiB buffer" => new BinlogReaderOptions { BufferSize = 1024 },
        "no CRC" => new BinlogReaderOptions { VerifyChecksums = false },
        _ => BinlogReaderOptions.Default,
    };

    private static List<Seen> ReadAll(byte[] bytes, BinlogReaderOptions options, bool collect = true)
    {
        var seen = new List<Seen>();
        using var reader = new BinlogReader(new MemoryStream(bytes), options);
        while (reader.Read())
        {
            if (collect)
            {
                seen.Add(new Seen(reader.Current.Offset, reader.Position, reader.EventCount, reader.CurrentEvent.ToArray()));
            }
        }

        Assert.Null(reader.Corruption);
        return seen;
    }

    private static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private sealed record Seen(long Offset, long Position, long EventCount, byte[] Bytes)
    {
        public bool Equals(Seen? other) => other is not null && (Offset, Position, EventCount) == (other.Offset, other.Position, other.EventCount)
            && Bytes.AsSpan().SequenceEqual(other.Bytes);

        public override int GetHashCode() => HashCode.Combine(Offset, Position, EventCount);
    }
}
