namespace Lifeboat.Core.Binlog;

public sealed class BinlogReaderOptions
{
    public static BinlogReaderOptions Default { get; } = new();

    /// <summary>Bytes read from the stream at a time; events up to this size are parsed in place.</summary>
    public int BufferSize { get; init; } = 128 * 1024;

    /// <summary>Check every event's CRC-32 when the file has checksums.</summary>
    public bool VerifyChecksums { get; init; } = true;

    /// <summary>A declared event length above this is reported as corruption (1 GiB: max_allowed_packet's ceiling).</summary>
    public long MaxEventSize { get; init; } = 1L << 30;

    /// <summary>
    /// Events whose contents callers read (query, annotate, GTID, rotate, table map...) are held
    /// whole up to this size, growing the buffer; larger ones, and every large rows event, are
    /// checksummed as they stream past without being held.
    /// </summary>
    public int MaxBufferedEventSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Which CRC-32 to use; <see cref="Crc32.Default"/> when null.</summary>
    public Crc32Implementation? Crc32Implementation { get; init; }
}
