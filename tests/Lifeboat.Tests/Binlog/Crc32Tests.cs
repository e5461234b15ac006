using Lifeboat.Core.Binlog;
using Xunit;

namespace Lifeboat.Tests.Binlog;

public class Crc32Tests
{
    public static TheoryData<Crc32Implementation> Implementations => new(Enum.GetValues<Crc32Implementation>().Where(Crc32.IsAvailable));

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Crc32_Of_123456789_Is_The_Standard_Check_Value(Crc32Implementation implementation)
    {
        var data = "123456789"u8;

        uint crc = Crc32.Append(0, data, implementation);

        Assert.Equal(0xCBF43926u, crc);
    }

    [Fact]
    public void System_Zlib_Is_Loaded_On_Linux()
    {
        Assert.True(!OperatingSystem.IsLinux() || Crc32.IsAvailable(Crc32Implementation.Zlib));
    }

    [Fact]
    public void Default_Implementation_Is_Available_And_Agrees_With_The_Definition()
    {
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 31)).ToArray();

        Assert.True(Crc32.IsAvailable(Crc32.Default));
        Assert.Equal(ReferenceCrc32.Compute(data), Crc32.Compute(data));
        Assert.Equal(ReferenceCrc32.Compute(data.AsSpan(0, 100)), Crc32.Compute(data.AsSpan(0, 100)));
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Crc32_Matches_The_Bitwise_Definition_For_Every_Length_And_Alignment(Crc32Implementation implementation)
    {
        var random = new Random(20240601);
        var data = new byte[700];
        random.NextBytes(data);
        var mismatches = new List<string>();

        for (int offset = 0; offset < 8; offset++)
        {
            for (int length = 0; length + offset <= data.Length; length++)
            {
                var span = data.AsSpan(offset, length);
                if (Crc32.Append(0, span, implementation) != ReferenceCrc32.Compute(span))
                {
                    mismatches.Add($"offset {offset} length {length}");
                }
            }
        }

        Assert.Empty(mismatches);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Crc32_Continued_In_Pieces_Equals_Crc32_Of_The_Whole(Crc32Implementation implementation)
    {
        var random = new Random(7);
        var data = new byte[1 << 20];
        random.NextBytes(data);
        uint whole = Crc32.Append(0, data, Crc32Implementation.SlicingBy8);

        uint pieces = 0;
        for (int at = 0; at < data.Length;)
        {
            int take = Math.Min(random.Next(1, 5000), data.Length - at);
            pieces = Crc32.Append(pieces, data.AsSpan(at, take), implementation);
            at += take;
        }

        Assert.Equal(whole, pieces);
        Assert.Equal(whole, Crc32.Append(0, data, implementation));
    }

    [Fact]
    public void Crc32_Of_Nothing_Leaves_The_Running_Value_Unchanged()
    {
        foreach (var implementation in Enum.GetValues<Crc32Implementation>().Where(Crc32.IsAvailable))
        {
            Assert.Equal(0x12345678u, Crc32.Append(0x12345678, [], implementation));
        }
    }
}
