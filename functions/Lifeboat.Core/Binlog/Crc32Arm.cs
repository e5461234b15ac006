using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ArmCrc = System.Runtime.Intrinsics.Arm.Crc32;

namespace Lifeboat.Core.Binlog;

/// <summary>
/// The ARMv8 CRC32X/CRC32B instructions: the reflected IEEE polynomial over the raw register,
/// like zlib's inner loop, so the caller inverts. Present on every Graviton.
/// </summary>
internal static class Crc32Arm
{
    public static bool IsSupported => ArmCrc.Arm64.IsSupported;

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;
        for (; length - i >= 8; i += 8)
        {
            crc = ArmCrc.Arm64.ComputeCrc32(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
        }

        for (; i < length; i++)
        {
            crc = ArmCrc.ComputeCrc32(crc, Unsafe.Add(ref p, i));
        }

        return crc;
    }
}
