using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lifeboat.Core.Binlog;

/// <summary>
/// CRC-32 by folding 128-bit lanes with carry-less multiplication and a final Barrett
/// reduction (Intel, "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ").
/// A fold by D bits multiplies the low half by x^(D+32) mod P and the high half by
/// x^(D-32) mod P, both bit-reflected and shifted left once; with D=128 and D=512 these are
/// the Linux kernel's crc32-pclmul constants. Where VPCLMULQDQ exists, four 512-bit
/// accumulators fold 256 bytes per step. Works on the raw register; the caller inverts.
/// <para>
/// <see cref="FoldEvent"/> and <see cref="Finish4"/> are the short-input path the reader's
/// run check uses for small events, four at a time: see there.
/// </para>
/// </summary>
internal static class Crc32Pclmul
{
    // Below this the table is as fast (bench binlog-reader); from here one 128-bit lane pays off.
    private const int MinLength = 16;

    private const int WideMinLength = 256;

    private static readonly Vector128<ulong> Fold128 = Vector128.Create(0x1751997d0UL, 0x0ccaa009eUL);
    private static readonly Vector128<ulong> Fold256 = Vector128.Create(0x0f1da05aaUL, 0x15a546366UL);
    private static readonly Vector128<ulong> Fold384 = Vector128.Create(0x03db1ecdcUL, 0x174359406UL);
    private static readonly Vector128<ulong> Fold512 = Vector128.Create(0x154442bd4UL, 0x1c6e41596UL);
    private static readonly Vector128<ulong> Fold2048 = Vector128.Create(0x11542778aUL, 0x1322d1430UL);

    // x^64 mod P: folds 96 bits to 64.
    private static readonly Vector128<ulong> Fold64 = Vector128.Create(0x163cd6124UL, 0UL);

    // P' (the polynomial with x^32) and mu = floor(x^64 / P), both bit-reflected.
    private static readonly Vector128<ulong> PolyMu = Vector128.Create(0x1DB710641UL, 0x1F7011641UL);

    private static readonly Vector128<ulong> Mask32 = Vector128.Create(0xFFFFFFFFUL, 0UL);

    public static bool IsSupported => Pclmulqdq.IsSupported && Sse41.IsSupported;

    /// <summary>The longest input <see cref="FoldEvent"/> takes; longer events fold fast enough on their own.</summary>
    public const int EventMaxLength = 1024;

    /// <summary>Bytes <see cref="FoldEvent"/> may read before its input (and masks off): 64 for an empty input, else up to 63.</summary>
    public const int EventLookBehind = 64;

    /// <summary>Whether <see cref="FoldEvent"/> and <see cref="Finish4"/> can run: 512-bit VPCLMULQDQ.</summary>
    public static bool EventPathSupported => IsSupported && Pclmulqdq.V512.IsSupported && Avx512F.IsSupported && Avx512BW.IsSupported;

    private static readonly Vector512<ulong> Fold512x4 = Broadcast(Fold512);
    private static readonly Vector512<ulong> Fold128x4 = Broadcast(Fold128);
    private static readonly Vector512<ulong> Fold256x4 = Broadcast(Fold256);
    private static readonly Vector512<ulong> Fold384x4 = Broadcast(Fold384);
    private static readonly Vector512<ulong> Fold64x4 = Broadcast(Fold64);
    private static readonly Vector512<ulong> PolyMux4 = Broadcast(PolyMu);
    private static readonly Vector512<ulong> Mask32x4 = Broadcast(Mask32);

    // The raw CRC of n zero bytes from the all-ones register: what zlib's initial value adds to a CRC of n bytes
    // computed from zero (a raw CRC is linear in the register and the data together).
    private static readonly uint[] OnesOverZeros = BuildOnesOverZeros();

    // 64 zero bytes then 64 0xFF: read 64 bytes from offset r to keep only the last r bytes of a block.
    private static ReadOnlySpan<byte> KeepLast =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    // pshufb masks, read 16 bytes from offset n (1..15): at n, move bytes up by 16-n (zeros below,
    // high bit marks them); at 16+n, move bytes down by n (zeros above).
    private static ReadOnlySpan<byte> ShiftTable =>
    [
        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    ];

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        if (data.Length < MinLength || !IsSupported)
        {
            return Crc32SlicingBy8.Update(crc, data);
        }

        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)(data.Length & ~15);
        nuint i;
        Vector128<ulong> x;
        if (length >= WideMinLength && Pclmulqdq.V512.IsSupported && Avx512F.IsSupported)
        {
            x = FoldWide(ref p, length, crc, out i);
        }
        else if (length >= 64)
        {
            x = FoldFour(ref p, length, crc, out i);
        }
        else
        {
            x = Vector128.LoadUnsafe(ref p).AsUInt64() ^ Vector128.CreateScalar((ulong)crc);
            i = 16;
        }

        for (; length - i >= 16; i += 16)
        {
            x = Fold(x, Fold128) ^ Vector128.LoadUnsafe(ref p, i).AsUInt64();
        }

        int rest = data.Length - (int)i;
        if (rest > 0)
        {
            // Leading zeros do not change a raw CRC, so x followed by the last `rest` bytes equals
            // two blocks: zeros then x's first `rest` bytes, and x's other bytes then the tail.
            ref byte table = ref MemoryMarshal.GetReference(ShiftTable);
            var toHigh = Vector128.LoadUnsafe(ref table, (nuint)rest);
            var toLow = Vector128.LoadUnsafe(ref table, (nuint)(16 + rest));
            var bytes = x.AsByte();
            var tail = Vector128.LoadUnsafe(ref p, (nuint)(data.Length - 16));
            var head = Ssse3.Shuffle(bytes, toHigh).AsUInt64();
            x = Fold(head, Fold128) ^ Sse41.BlendVariable(tail, Ssse3.Shuffle(bytes, toLow), toHigh).AsUInt64();
        }

        // 128 -> 96 bits (appending the 32 zero bits of the CRC), then 96 -> 64.
        x = Pclmulqdq.CarrylessMultiply(Fold128, x, 0x01) ^ Sse2.ShiftRightLogical128BitLane(x, 8);
        x = Pclmulqdq.CarrylessMultiply(x & Mask32, Fold64, 0x00) ^ Sse2.ShiftRightLogical128BitLane(x, 4);

        // Barrett reduction 64 -> 32 bits.
        var t = Pclmulqdq.CarrylessMultiply(x & Mask32, PolyMu, 0x10);
        t = Pclmulqdq.CarrylessMultiply(t & Mask32, PolyMu, 0x00);
        return Sse41.Extract((t ^ x).AsUInt32(), 1);
    }

    /// <summary>
    /// Folds the <paramref name="length"/> bytes at <paramref name="at"/> in <paramref name="buffer"/> (0..EventMaxLength,
    /// with EventLookBehind readable bytes before them) from a zero register into one 512-bit block for
    /// <see cref="Finish4"/>. The input is aligned to its end in 64-byte blocks: the first block starts up to 63 bytes
    /// early and those bytes are masked to zero, which a raw CRC from zero ignores. So a short event costs one to a
    /// few 512-bit steps, with no byte loop and no branch on its tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> FoldEvent(ref byte buffer, nuint at, nuint length)
    {
        nuint blocks = Math.Max((length + 63) >> 6, 1);
        nuint first = at + length - (blocks << 6);
        var keep = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(KeepLast), length - ((blocks - 1) << 6));
        var x = (Vector512.LoadUnsafe(ref buffer, first) & keep).AsUInt64();
        for (nuint i = 64; i < blocks << 6; i += 64)
        {
            x = Fold(x, Fold512x4) ^ Vector512.LoadUnsafe(ref buffer, first + i).AsUInt64();
        }

        return x;
    }

    /// <summary>
    /// Four zlib CRC-32s at once from four <see cref="FoldEvent"/> results and their input lengths. The four blocks
    /// are transposed so that one 128-bit lane holds one input: each block's first three lanes fold onto its last in
    /// three 512-bit steps for all four inputs, then the same 128 -> 64 -> 32 bit reduction as <see cref="Update"/>
    /// runs once for all four.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Finish4(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> c, Vector512<ulong> d, Vector128<uint> lengths)
    {
        var ab01 = Avx512F.Shuffle4x128(a, b, 0x44);
        var ab23 = Avx512F.Shuffle4x128(a, b, 0xEE);
        var cd01 = Avx512F.Shuffle4x128(c, d, 0x44);
        var cd23 = Avx512F.Shuffle4x128(c, d, 0xEE);
        var x = Fold(Avx512F.Shuffle4x128(ab01, cd01, 0x88), Fold384x4) ^ Fold(Avx512F.Shuffle4x128(ab01, cd01, 0xDD), Fold256x4)
            ^ Fold(Avx512F.Shuffle4x128(ab23, cd23, 0x88), Fold128x4) ^ Avx512F.Shuffle4x128(ab23, cd23, 0xDD);
        x = Pclmulqdq.V512.CarrylessMultiply(Fold128x4, x, 0x01) ^ Avx512BW.ShiftRightLogical128BitLane(x.AsByte(), 8).AsUInt64();
        x = Pclmulqdq.V512.CarrylessMultiply(x & Mask32x4, Fold64x4, 0x00) ^ Avx512BW.ShiftRightLogical128BitLane(x.AsByte(), 4).AsUInt64();
        var t = Pclmulqdq.V512.CarrylessMultiply(x & Mask32x4, PolyMux4, 0x10);
        t = Pclmulqdq.V512.CarrylessMultiply(t & Mask32x4, PolyMux4, 0x00);
        var raw = Vector512.Shuffle((t ^ x).AsUInt32(), Vector512.Create(1u, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).GetLower().GetLower();
        ref uint ones = ref MemoryMarshal.GetArrayDataReference(OnesOverZeros);
        var init = Vector128.Create(
            Unsafe.Add(ref ones, lengths.GetElement(0)), Unsafe.Add(ref ones, lengths.GetElement(1)),
            Unsafe.Add(ref ones, lengths.GetElement(2)), Unsafe.Add(ref ones, lengths.GetElement(3)));
        return ~(raw ^ init);
    }

    // Four 128-bit accumulators, 64 bytes per step, reduced to one.
    private static Vector128<ulong> FoldFour(ref byte p, nuint length, uint crc, out nuint i)
    {
        var x1 = Vector128.LoadUnsafe(ref p, 0).AsUInt64() ^ Vector128.CreateScalar((ulong)crc);
        var x2 = Vector128.LoadUnsafe(ref p, 16).AsUInt64();
        var x3 = Vector128.LoadUnsafe(ref p, 32).AsUInt64();
        var x4 = Vector128.LoadUnsafe(ref p, 48).AsUInt64();
        for (i = 64; length - i >= 64; i += 64)
        {
            x1 = Fold(x1, Fold512) ^ Vector128.LoadUnsafe(ref p, i).AsUInt64();
            x2 = Fold(x2, Fold512) ^ Vector128.LoadUnsafe(ref p, i + 16).AsUInt64();
            x3 = Fold(x3, Fold512) ^ Vector128.LoadUnsafe(ref p, i + 32).AsUInt64();
            x4 = Fold(x4, Fold512) ^ Vector128.LoadUnsafe(ref p, i + 48).AsUInt64();
        }

        x1 = Fold(x1, Fold128) ^ x2;
        x1 = Fold(x1, Fold128) ^ x3;
        return Fold(x1, Fold128) ^ x4;
    }

    // Four 512-bit accumulators, 256 bytes per step, reduced to one 512-bit and then one 128-bit lane.
    private static Vector128<ulong> FoldWide(ref byte p, nuint length, uint crc, out nuint i)
    {
        var k2048 = Broadcast(Fold2048);
        var k512 = Broadcast(Fold512);
        var y1 = Vector512.LoadUnsafe(ref p, 0).AsUInt64() ^ Vector512.CreateScalar((ulong)crc);
        var y2 = Vector512.LoadUnsafe(ref p, 64).AsUInt64();
        var y3 = Vector512.LoadUnsafe(ref p, 128).AsUInt64();
        var y4 = Vector512.LoadUnsafe(ref p, 192).AsUInt64();
        for (i = 256; length - i >= 256; i += 256)
        {
            y1 = Fold(y1, k2048) ^ Vector512.LoadUnsafe(ref p, i).AsUInt64();
            y2 = Fold(y2, k2048) ^ Vector512.LoadUnsafe(ref p, i + 64).AsUInt64();
            y3 = Fold(y3, k2048) ^ Vector512.LoadUnsafe(ref p, i + 128).AsUInt64();
            y4 = Fold(y4, k2048) ^ Vector512.LoadUnsafe(ref p, i + 192).AsUInt64();
        }

        y1 = Fold(y1, k512) ^ y2;
        y1 = Fold(y1, k512) ^ y3;
        y1 = Fold(y1, k512) ^ y4;
        for (; length - i >= 64; i += 64)
        {
            y1 = Fold(y1, k512) ^ Vector512.LoadUnsafe(ref p, i).AsUInt64();
        }

        var low = y1.GetLower();
        var high = y1.GetUpper();
        return Fold(low.GetLower(), Fold384) ^ Fold(low.GetUpper(), Fold256) ^ Fold(high.GetLower(), Fold128) ^ high.GetUpper();
    }

    private static uint[] BuildOnesOverZeros()
    {
        var table = new uint[EventMaxLength + 1];
        table[0] = ~0u;
        Span<byte> zero = [0];
        for (int n = 1; n <= EventMaxLength; n++)
        {
            table[n] = Crc32SlicingBy8.Update(table[n - 1], zero);
        }

        return table;
    }

    private static Vector512<ulong> Broadcast(Vector128<ulong> k)
    {
        var half = Vector256.Create(k, k);
        return Vector512.Create(half, half);
    }

    private static Vector128<ulong> Fold(Vector128<ulong> x, Vector128<ulong> k) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11);

    private static Vector512<ulong> Fold(Vector512<ulong> x, Vector512<ulong> k) =>
        Pclmulqdq.V512.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.V512.CarrylessMultiply(x, k, 0x11);
}
