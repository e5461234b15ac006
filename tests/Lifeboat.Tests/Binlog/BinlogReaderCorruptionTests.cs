using System.Buffers.Binary;
using Lifeboat.Core.Binlog;
using Xunit;

namespace Lifeboat.Tests.Binlog;

public class BinlogReaderCorruptionTests
{
    [Fact]
    public void Reader_Reports_Offset_Of_Flipped_Byte()
    {
        var bytes = BinlogFixtures.Bytes("mysql-bin.000002");
        var events = BinlogFixtures.ReadHeaders(bytes);
        int middle = bytes.Length / 2;
        long containing = BinlogFixtures.EventContaining(events, middle);
        bytes[middle] ^= 0x01;

        var summary = BinlogFixtures.Summarize(bytes);

        Assert.False(summary.IsValid);
        Assert.Equal(BinlogIssueKind.ChecksumMismatch, summary.Corruption!.Kind);
        Assert.Equal(containing, summary.Corruption.Offset);
        Assert.Equal(containing, summary.Size);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(128 * 1024)]
    public void Every_Single_Flipped_Byte_Is_Reported_At_The_Event_That_Holds_It(int bufferSize)
    {
        var original = BinlogFixtures.Bytes("mysql-bin.000001");
        var events = BinlogFixtures.ReadHeaders(original);
        var options = new BinlogReaderOptions { BufferSize = bufferSize };
        var wrong = new List<string>();

        for (int at = 0; at < original.Length; at++)
        {
            var bytes = (byte[])original.Clone();
            bytes[at] ^= 0xFF;

            var corruption = BinlogFixtures.Summarize(bytes, options: options).Corruption;

            long expected = BinlogFixtures.EventContaining(events, at);
            if (corruption is null || corruption.Offset != expected)
            {
                wrong.Add($"byte {at}: expected corruption at {expected}, got {corruption?.ToString() ?? "none"}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void Every_Cut_Inside_An_Event_Is_A_Truncated_Event_At_That_Events_Offset()
    {
        var original = BinlogFixtures.Bytes("mysql-bin.000002");
        var events = BinlogFixtures.ReadHeaders(original);
        var boundaries = events.Select(e => e.Offset).ToHashSet();
        var wrong = new List<string>();

        for (int length = 5; length < original.Length; length++)
        {
            var summary = BinlogFixtures.Summarize(original[..length]);

            if (boundaries.Contains(length))
            {
                if (!summary.IsValid || summary.Closed || summary.Size != length)
                {
                    wrong.Add($"cut at boundary {length}: {summary.Corruption}");
                }
            }
            else if (summary.Corruption is not { Kind: BinlogIssueKind.TruncatedEvent } c || c.Offset != BinlogFixtures.EventContaining(events, length))
            {
                wrong.Add($"cut at {length}: {summary.Corruption?.ToString() ?? "none"}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void Truncated_Last_Event_Is_Reported_With_Its_Offset_And_The_File_Is_Not_Closed()
    {
        var original = BinlogFixtures.Bytes("mysql-bin.000001");
        var rotate = BinlogFixtures.ReadHeaders(original)[^1];

        var summary = BinlogFixtures.Summarize(original[..(original.Length - 10)]);

        Assert.Equal(BinlogEventType.Rotate, rotate.Type);
        Assert.Equal(new BinlogIssue(rotate.Offset, BinlogIssueKind.TruncatedEvent, summary.Corruption!.Reason), summary.Corruption);
        Assert.Contains("cut", summary.Corruption.Reason, StringComparison.Ordinal);
        Assert.False(summary.Closed);
        Assert.Equal(rotate.Offset, summary.Size);
    }

    [Theory]
    [InlineData(new byte[] { 0xFE, 0x62, 0x69, 0x6F })]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 })]
    public void Wrong_Magic_Is_Reported_At_Offset_Zero(byte[] magic)
    {
        var bytes = BinlogFixtures.Bytes("mysql-bin.000001");
        magic.CopyTo(bytes, 0);

        var summary = BinlogFixtures.Summarize(bytes);

        Assert.Equal(new BinlogIssue(0, BinlogIssueKind.BadMagic, summary.Corruption!.Reason), summary.Corruption);
        Assert.Contains(Convert.ToHexString(magic), summary.Corruption.Reason, StringComparison.Ordinal);
        Assert.Equal(0, summary.EventCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_File_Shorter_Than_The_Magic_Is_Bad_Magic(int length)
    {
        var bytes = BinlogFixtures.Bytes("mysql-bin.000001")[..length];

        var summary = BinlogFixtures.Summarize(bytes);

        Assert.Equal(new BinlogIssue(0, BinlogIssueKind.BadMagic, summary.Corruption!.Reason), summary.Corruption);
    }

    [Fact]
    public void A_File_Of_Only_The_Magic_Has_No_Format_Description()
    {
        var summary = BinlogFixtures.Summarize([0xFE, 0x62, 0x69, 0x6E]);

        Assert.Equal(new BinlogIssue(4, BinlogIssueKind.MissingFormatDescription, summary.Corruption!.Reason), summary.Corruption);
    }

    [Fact]
    public void Next_Position_That_Disagrees_With_Offset_Plus_Length_Is_Reported()
    {
        var bytes = BinlogFixtures.Bytes("mysql-bin.000001");
        var target = BinlogFixtures.ReadHeaders(bytes)[5];
        RewriteEvent(bytes, target, e => BinaryPrimitives.WriteUInt32LittleEndian(e[13..], target.NextPosition + 1));

        var summary = BinlogFixtures.Summarize(bytes);

        Assert.Equal(BinlogIssueKind.NextPositionMismatch, summary.Corruption!.Kind);
        Assert.Equal(target.Offset, summary.Corruption.Offset);
    }

    [Fact]
    public void Unknown_Checksum_Algorithm_In_The_Format_Description_Is_Reported()
    {
        var bytes = BinlogFixtures.Bytes("mysql-bin.000001");
        var fde = BinlogFixtures.ReadHeaders(bytes)[0];
        RewriteEvent(bytes, fde, e => e[^1] = 7);

        var summary = BinlogFixtures.Summarize(bytes);

        Assert.Equal(BinlogIssueKind.UnknownChecksumAlgorithm, summary.Corruption!.Kind);
        Assert.Equal(4, summary.Corruption.Offset);
    }

    [Fact]
    public void Event_Length_Below_The_Header_Size_Is_Out_Of_Range()
    {
        var bytes = BinlogFixtures.Bytes("mysql-bin.000001");
        var target = BinlogFixtures.ReadHeaders(bytes)[3];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)target.Offset + 9), 12);

        var summary = BinlogFixtures.Summarize(bytes);

        Assert.Equal(new BinlogIssue(target.Offset, BinlogIssueKind.EventLengthOutOfRange, summary.Corruption!.Reason), summary.Corruption);
    }

    [Fact]
    public void Event_After_Rotate_Is_A_Notice_Not_Corruption()
    {
        var original = BinlogFixtures.Bytes("mysql-bin.000001");
        var binlog = SyntheticBinlog.From(original).AddRaw(original.AsSpan(256, original.Length - 256));
        binlog.Add(BinlogEventType.Query, SyntheticBinlog.QueryBody("shop", "SELECT 1"), serverId: 7);
        var bytes = binlog.ToArray();

        var summary = BinlogFixtures.Summarize(bytes);

        Assert.True(summary.IsValid, summary.Corruption?.ToString());
        var notice = Assert.Single(summary.Notices);
        Assert.Equal(BinlogIssueKind.EventAfterRotate, notice.Kind);
        Assert.Equal(original.Length, notice.Offset);
        Assert.False(summary.EndsWithRotate);
    }

    [Fact]
    public void Mariadb_Start_Encryption_Stops_The_Reader_As_Unverifiable()
    {
        var original = BinlogFixtures.Bytes("mysql-bin.000001");
        var binlog = SyntheticBinlog.From(original);
        binlog.Add(BinlogEventType.StartEncryption, new byte[17], serverId: 7);
        var bytes = binlog.ToArray().Concat(Enumerable.Repeat((byte)0x5A, 500)).ToArray();

        var summary = BinlogFixtures.Summarize(bytes);

        Assert.True(summary.Encrypted);
        Assert.False(summary.IsValid);
        Assert.Null(summary.Corruption);
        Assert.Equal(2, summary.EventCount);
    }

    [Fact]
    public void Checksums_Can_Be_Skipped_For_Speed()
    {
        var bytes = BinlogFixtures.Bytes("mysql-bin.000002");
        bytes[bytes.Length / 2] ^= 0x01;

        var summary = BinlogFixtures.Summarize(bytes, options: new BinlogReaderOptions { VerifyChecksums = false });

        Assert.True(summary.IsValid);
    }

    // Applies a change to an event and recomputes its checksum, so only the change is wrong.
    private static void RewriteEvent(byte[] file, BinlogEventHeader header, SpanAction change)
    {
        var ev = file.AsSpan((int)header.Offset, (int)header.Length);
        change(ev[..^4]);
        BinaryPrimitives.WriteUInt32LittleEndian(ev[^4..], ReferenceCrc32.Compute(ev[..^4]));
    }

    private delegate void SpanAction(Span<byte> span);
}
