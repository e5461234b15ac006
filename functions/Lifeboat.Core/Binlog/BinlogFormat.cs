namespace Lifeboat.Core.Binlog;

/// <summary>What a binlog's format description event (the first event) says about the file.</summary>
public sealed class BinlogFormat
{
    private readonly byte[] postHeaderLengths;

    internal BinlogFormat(ushort binlogVersion, string serverVersion, uint createTimestamp, byte headerLength,
        byte[] postHeaderLengths, BinlogChecksumAlgorithm checksumAlgorithm, bool markedInUse)
    {
        BinlogVersion = binlogVersion;
        ServerVersion = serverVersion;
        CreateTimestamp = createTimestamp;
        HeaderLength = headerLength;
        this.postHeaderLengths = postHeaderLengths;
        ChecksumAlgorithm = checksumAlgorithm;
        MarkedInUse = markedInUse;
    }

    public ushort BinlogVersion { get; }

    /// <summary>e.g. <c>10.11.19-MariaDB-0+deb12u1-log</c>.</summary>
    public string ServerVersion { get; }

    /// <summary>0 unless the file was the first one after server start.</summary>
    public uint CreateTimestamp { get; }

    public byte HeaderLength { get; }

    public BinlogChecksumAlgorithm ChecksumAlgorithm { get; }

    /// <summary>The in-use flag: the server had the file open when it was copied, or crashed before closing it.</summary>
    public bool MarkedInUse { get; }

    public bool IsMariaDb => ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    internal int ChecksumLength => ChecksumAlgorithm == BinlogChecksumAlgorithm.Crc32 ? 4 : 0;

    /// <summary>Length of the fixed part after the common header for <paramref name="type"/>, as this server writes it.</summary>
    public int GetPostHeaderLength(BinlogEventType type)
    {
        int index = (int)type - 1;
        return index >= 0 && index < postHeaderLengths.Length ? postHeaderLengths[index] : 0;
    }
}
