using System.Reflection;
using System.Runtime.InteropServices;

namespace Lifeboat.Core.Binlog;

/// <summary>The system zlib's <c>crc32</c>; <see cref="IsAvailable"/> is false where no zlib can be loaded.</summary>
internal static class ZlibCrc32
{
    private const string Library = "libz.so.1";

    // Short calls skip the GC transition; long ones keep it so a big buffer cannot stall a collection.
    private const int SuppressTransitionBelow = 4096;

    private static readonly string[] Candidates = ["libz.so.1", "libz.so", "libz.1.dylib", "libz.dylib", "zlib1.dll"];

    public static bool IsAvailable { get; } = Probe();

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return crc;
        }

        ref byte p = ref MemoryMarshal.GetReference(data);
        var result = data.Length < SuppressTransitionBelow
            ? Crc32Fast(new CULong(crc), ref p, (uint)data.Length)
            : Crc32(new CULong(crc), ref p, (uint)data.Length);
        return (uint)result.Value;
    }

    [DllImport(Library, EntryPoint = "crc32", ExactSpelling = true)]
    private static extern CULong Crc32(CULong crc, ref byte buffer, uint length);

    [DllImport(Library, EntryPoint = "crc32", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern CULong Crc32Fast(CULong crc, ref byte buffer, uint length);

    private static bool Probe()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ZlibCrc32).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Another part of this assembly installed a resolver first; plain probing still finds libz.so.1.
        }

        try
        {
            byte probe = (byte)'a';
            return Crc32(new CULong(0), ref probe, 1).Value == 0xE8B7BE43;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Library)
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }
}
