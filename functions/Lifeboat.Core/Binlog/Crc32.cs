using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Lifeboat.Core.Binlog;

/// <summary>The CRC-32 implementations the reader can use; all compute zlib's CRC-32.</summary>
public enum Crc32Implementation
{
    /// <summary>Managed table lookup, eight bytes per step; runs everywhere.</summary>
    SlicingBy8,

    /// <summary>The system zlib's <c>crc32</c> through P/Invoke.</summary>
    Zlib,

    /// <summary>Carry-less multiply folding (x86 PCLMULQDQ, 512-bit VPCLMULQDQ where present).</summary>
    Pclmul,

    /// <summary>The ARMv8 CRC32 instructions (Graviton), which compute this same polynomial.</summary>
    ArmCrc32,
}

/// <summary>
/// zlib's CRC-32 (IEEE 802.3 polynomial, reflected 0xEDB88320, pre- and post-inverted),
/// which is what MySQL and MariaDB put after every binlog event when binlog_checksum=CRC32.
/// Not CRC-32C: the SSE4.2 crc32 instruction computes the other polynomial.
/// </summary>
public static class Crc32
{
    // zlib's per-call cost loses to the table below this (bench binlog-reader).
    private const int ZlibMinLength = 1024;

    private static readonly Crc32Implementation[] Preference =
        [Crc32Implementation.Pclmul, Crc32Implementation.ArmCrc32, Crc32Implementation.Zlib, Crc32Implementation.SlicingBy8];

    /// <summary>
    /// The fastest implementation here that passes a self-check against the table
    /// (hardware first, then zlib, then the table); <see cref="Append(uint, ReadOnlySpan{byte})"/> uses it.
    /// </summary>
    public static Crc32Implementation Default { get; } = Preference.First(i => IsAvailable(i) && SelfCheck(i));

    /// <summary>
    /// Whether the reader checks small events four at a time with <see cref="Crc32Pclmul.FoldEvent"/> and
    /// <see cref="Crc32Pclmul.Finish4"/>: the CPU has 512-bit VPCLMULQDQ and that path agreed with the table at
    /// start-up. Otherwise each event takes <see cref="Default"/> (or the reader's chosen implementation) alone.
    /// </summary>
    internal static bool EventPathEnabled { get; } = Crc32Pclmul.EventPathSupported && SelfCheckEventPath();

    public static bool IsAvailable(Crc32Implementation implementation) => implementation switch
    {
        Crc32Implementation.SlicingBy8 => true,
        Crc32Implementation.Zlib => ZlibCrc32.IsAvailable,
        Crc32Implementation.Pclmul => Crc32Pclmul.IsSupported,
        Crc32Implementation.ArmCrc32 => Crc32Arm.IsSupported,
        _ => false,
    };

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues <paramref name="crc"/> (a previous result, 0 to start) over <paramref name="data"/>, like zlib's <c>crc32(crc, buf, len)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        Default == Crc32Implementation.Zlib && data.Length < ZlibMinLength
            ? ~Crc32SlicingBy8.Update(~crc, data)
            : Append(crc, data, Default);

    public static uint Append(uint crc, ReadOnlySpan<byte> data, Crc32Implementation implementation) => implementation switch
    {
        Crc32Implementation.Pclmul when Crc32Pclmul.IsSupported => ~Crc32Pclmul.Update(~crc, data),
        Crc32Implementation.ArmCrc32 when Crc32Arm.IsSupported => ~Crc32Arm.Update(~crc, data),
        Crc32Implementation.Zlib when ZlibCrc32.IsAvailable => ZlibCrc32.Append(crc, data),
        Crc32Implementation.SlicingBy8 => ~Crc32SlicingBy8.Update(~crc, data),
        _ => throw new PlatformNotSupportedException($"CRC-32 implementation {implementation} is not available here."),
    };

    // A wrong fast path would fail every event loudly; refusing it here keeps verification working.
    private static bool SelfCheck(Crc32Implementation implementation)
    {
        var data = SelfCheckData(4099);
        if (Append(0, "123456789"u8, implementation) != 0xCBF43926)
        {
            return false;
        }

        for (int length = 0; length <= data.Length; length += length < 300 ? 1 : 97)
        {
            var span = data.AsSpan(data.Length - length);
            if (Append(0x5A5A5A5A, span, implementation) != ~Crc32SlicingBy8.Update(~0x5A5A5A5Au, span))
            {
                return false;
            }
        }

        return true;
    }

    // The same for the four-event path: every length up to 300 and a spread beyond, in every lane, at
    // alignments that put the masked bytes before the input anywhere from the buffer's start on.
    private static bool SelfCheckEventPath()
    {
        var data = SelfCheckData(Crc32Pclmul.EventLookBehind + Crc32Pclmul.EventMaxLength + 64);
        ref byte b = ref MemoryMarshal.GetArrayDataReference(data);
        for (int length = 0; length <= Crc32Pclmul.EventMaxLength; length += length < 300 ? 1 : 37)
        {
            Span<int> at = [Crc32Pclmul.EventLookBehind + (length % 61), Crc32Pclmul.EventLookBehind, Crc32Pclmul.EventLookBehind + 3, Crc32Pclmul.EventLookBehind + 64];
            Span<uint> lengths = [(uint)length, (uint)Math.Max(0, length - 1), (uint)(length / 2) + 1, (uint)length];
            var computed = Crc32Pclmul.Finish4(
                Crc32Pclmul.FoldEvent(ref b, (nuint)at[0], lengths[0]), Crc32Pclmul.FoldEvent(ref b, (nuint)at[1], lengths[1]),
                Crc32Pclmul.FoldEvent(ref b, (nuint)at[2], lengths[2]), Crc32Pclmul.FoldEvent(ref b, (nuint)at[3], lengths[3]),
                Vector128.Create(lengths[0], lengths[1], lengths[2], lengths[3]));
            for (int lane = 0; lane < 4; lane++)
            {
                if (computed.GetElement(lane) != ~Crc32SlicingBy8.Update(~0u, data.AsSpan(at[lane], (int)lengths[lane])))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static byte[] SelfCheckData(int length)
    {
        var data = new byte[length];
        uint x = 2463534242;
        for (int i = 0; i < data.Length; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data[i] = (byte)x;
        }

        return data;
    }
}
