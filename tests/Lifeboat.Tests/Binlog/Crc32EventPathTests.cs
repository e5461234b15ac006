using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Lifeboat.Core.Binlog;
using Xunit;

namespace Lifeboat.Tests.Binlog;

/// <summary>
/// The reader's four-event CRC path (Crc32Pclmul.FoldEvent and Finish4) against the bitwise definition. Where the
/// CPU lacks 512-bit VPCLMULQDQ the path must be off, and the reader checks each event alone.
/// </summary>
public class Crc32EventPathTests
{
    private const int Front = Crc32Pclmul.EventLookBehind;

    [Fact]
    public void Four_Event_Path_Is_On_Exactly_Where_The_Cpu_Has_It_And_It_Passed_Its_Self_Check()
    {
        Assert.Equal(Crc32Pclmul.EventPathSupported, Crc32.EventPathEnabled);
    }

    [Fact]
    public void Four_Event_Path_Matches_The_Definition_For_Every_Length_To_300_At_Every_Alignment_In_Every_Lane()
    {
        if (!Crc32Pclmul.EventPathSupported)
        {
            Assert.False(Crc32.EventPathEnabled);
            return;
        }

        var data = new byte[Front + 64 + Crc32Pclmul.EventMaxLength];
        new Random(20241122).NextBytes(data);
        var mismatches = new List<string>();

        for (int length = 0; length <= Crc32Pclmul.EventMaxLength; length += length < 300 ? 1 : 7)
        {
            for (int align = 0; align < 64; align += 5)
            {
                // Each lane gets its own length and alignment, so a lane mixed up with another shows.
                int[] at = [Front + align, Front + ((align + 17) % 64), Front + ((align + 33) % 64), Front + ((align + 50) % 64)];
                int[] lengths = [length, Math.Max(0, length - 1), length / 2, Math.Min(Crc32Pclmul.EventMaxLength, length + 3)];
                var crcs = FourAtOnce(data, at, lengths);
                for (int lane = 0; lane < 4; lane++)
                {
                    uint expected = ReferenceCrc32.Compute(data.AsSpan(at[lane], lengths[lane]));
                    if (crcs[lane] != expected)
                    {
                        mismatches.Add($"length {lengths[lane]} at {at[lane]} in lane {lane}: 0x{crcs[lane]:x8}, expected 0x{expected:x8}");
                    }
                }
            }
        }

        Assert.Empty(mismatches);
    }

    [Theory]
    [MemberData(nameof(BinlogReaderStreamingTests.Files), MemberType = typeof(BinlogReaderStreamingTests))]
    public void Four_Event_Path_Gives_Every_Event_Of_The_Real_Fixtures_Its_Stored_Crc(string file)
    {
        if (!Crc32Pclmul.EventPathSupported)
        {
            Assert.False(Crc32.EventPathEnabled);
            return;
        }

        var bytes = BinlogFixtures.Bytes(file);
        var events = BinlogFixtures.ReadHeaders(bytes, new BinlogReaderOptions { VerifyChecksums = false })
            .Where(e => e.Length - 4 <= Crc32Pclmul.EventMaxLength)
            .ToList();
        var padded = new byte[Front + bytes.Length];
        bytes.CopyTo(padded, Front);
        var mismatches = new List<string>();

        for (int i = 0; i < events.Count; i += 4)
        {
            var four = Enumerable.Range(i, 4).Select(k => events[Math.Min(k, events.Count - 1)]).ToArray();
            var crcs = FourAtOnce(padded, four.Select(e => Front + (int)e.Offset).ToArray(), four.Select(e => (int)e.Length - 4).ToArray());
            for (int lane = 0; lane < 4; lane++)
            {
                var ev = bytes.AsSpan((int)four[lane].Offset, (int)four[lane].Length);
                uint reference = ReferenceCrc32.Compute(ev[..^4]);
                bool storedApplies = BinlogFixtures.Facts(file).GetProperty("checksum").GetString() == "CRC32"
                    && four[lane].Type != BinlogEventType.FormatDescription;
                if (crcs[lane] != reference || (storedApplies && crcs[lane] != BinaryPrimitives.ReadUInt32LittleEndian(ev[^4..])))
                {
                    mismatches.Add($"event type {(byte)four[lane].Type} at {four[lane].Offset}: 0x{crcs[lane]:x8}, reference 0x{reference:x8}");
                }
            }
        }

        Assert.NotEmpty(events);
        Assert.Empty(mismatches);
    }

    private static uint[] FourAtOnce(byte[] data, int[] at, int[] lengths)
    {
        ref byte b = ref MemoryMarshal.GetArrayDataReference(data);
        var crcs = Crc32Pclmul.Finish4(
            Crc32Pclmul.FoldEvent(ref b, (nuint)at[0], (nuint)lengths[0]), Crc32Pclmul.FoldEvent(ref b, (nuint)at[1], (nuint)lengths[1]),
            Crc32Pclmul.FoldEvent(ref b, (nuint)at[2], (nuint)lengths[2]), Crc32Pclmul.FoldEvent(ref b, (nuint)at[3], (nuint)lengths[3]),
            Vector128.Create((uint)lengths[0], (uint)lengths[1], (uint)lengths[2], (uint)lengths[3]));
        return [crcs[0], crcs[1], crcs[2], crcs[3]];
    }
}
