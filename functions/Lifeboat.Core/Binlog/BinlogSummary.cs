namespace Lifeboat.Core.Binlog;

/// <summary>What one binlog file holds and whether it is intact: the facts a catalog entry and a continuity check need.</summary>
public sealed record BinlogSummary
{
    public string? FileName { get; init; }

    /// <summary>Bytes read up to the end of the last good event (the whole file when valid).</summary>
    public long Size { get; init; }

    /// <summary>Distinct server ids in event headers, in order of first appearance; the first is the FDE's.</summary>
    public IReadOnlyList<uint> ServerIds { get; init; } = [];

    public ushort BinlogVersion { get; init; }

    public string ServerVersion { get; init; } = "";

    public BinlogChecksumAlgorithm ChecksumAlgorithm { get; init; } = BinlogChecksumAlgorithm.Undefined;

    /// <summary>File order; header timestamps have whole seconds.</summary>
    public DateTimeOffset? FirstEventTime { get; init; }

    public DateTimeOffset? LastEventTime { get; init; }

    /// <summary>Replicated events keep their source's timestamps, so time is not always monotonic in a file.</summary>
    public DateTimeOffset? MinEventTime { get; init; }

    public DateTimeOffset? MaxEventTime { get; init; }

    public long EventCount { get; init; }

    /// <summary>Event groups, counted by their GTID events (MariaDB GTID, MySQL GTID and anonymous GTID).</summary>
    public long TransactionCount { get; init; }

    /// <summary>MariaDB GTID_LIST at the start of the file: the GTID state before its first transaction.</summary>
    public IReadOnlyList<MariaDbGtid> GtidListAtStart { get; init; } = [];

    /// <summary>MariaDB GTIDs per (domain, server), ordered by domain then server.</summary>
    public IReadOnlyList<MariaDbGtidRange> MariaDbGtidRanges { get; init; } = [];

    /// <summary>MariaDB GTIDs per domain, ordered by domain; gaps are judged here.</summary>
    public IReadOnlyList<MariaDbDomainRange> MariaDbDomains { get; init; } = [];

    /// <summary>MySQL PREVIOUS_GTIDS: the GTID set before the file.</summary>
    public IReadOnlyList<MySqlGtidInterval> MySqlPreviousGtids { get; init; } = [];

    public IReadOnlyList<MySqlGtidRange> MySqlGtidRanges { get; init; } = [];

    public long MySqlAnonymousTransactionCount { get; init; }

    /// <summary>From the final ROTATE event.</summary>
    public string? NextFileName { get; init; }

    public bool EndsWithRotate { get; init; }

    /// <summary>The server shut down cleanly while this file was current.</summary>
    public bool EndsWithStop { get; init; }

    /// <summary>The format description event still carries the in-use flag: the server had the file open (or crashed).</summary>
    public bool MarkedInUse { get; init; }

    /// <summary>The file was finished: it ends with ROTATE or STOP. An active (or crashed) file just ends.</summary>
    public bool Closed => EndsWithRotate || EndsWithStop;

    /// <summary>MariaDB binlog encryption: the events after START_ENCRYPTION were not read.</summary>
    public bool Encrypted { get; init; }

    public BinlogIssue? Corruption { get; init; }

    public IReadOnlyList<BinlogIssue> Notices { get; init; } = [];

    public bool IsValid => Corruption is null && !Encrypted;

    public static BinlogSummary Read(Stream stream, string? fileName = null, BinlogReaderOptions? options = null)
    {
        using var reader = new BinlogReader(stream, options, leaveOpen: true);
        var builder = new BinlogSummaryBuilder(fileName);
        while (reader.Read())
        {
            builder.Add(reader);
        }

        return builder.Build(reader);
    }

    public static BinlogSummary ReadFile(string path, BinlogReaderOptions? options = null)
    {
        // The reader buffers, so the FileStream should not.
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        return Read(file, Path.GetFileName(path), options);
    }
}
