namespace Lifeboat.Core.Recovery;

public enum GapKind
{
    /// <summary>Sequence numbers are missing: files were never shipped or were deleted.</summary>
    MissingFiles,
    /// <summary>Files failed verification, or are verified but their GTID positions cannot be read.</summary>
    FailedFiles,
    /// <summary>Consecutive files whose positions do not follow on (the next starts where the previous did not end).</summary>
    PositionMismatch,
}

/// <summary>
/// Where one server's binlog chain breaks. Replay cannot cross it: the window ends at <see cref="AfterFile"/>'s last
/// event and resumes only at a backup taken after <see cref="BeforeFile"/> started.
/// </summary>
public sealed record BinlogGap
{
    public required string ServerUuid { get; init; }
    /// <summary>The last usable file before the gap; null when nothing usable precedes it.</summary>
    public string? AfterFile { get; init; }
    /// <summary>The first usable file after the gap; null when nothing usable follows it (yet).</summary>
    public string? BeforeFile { get; init; }
    public required GapKind Kind { get; init; }
    /// <summary>What is wrong, file by file: <c>mysql-bin.000057 missing between 000056 and 000058</c>.</summary>
    public required string Reason { get; init; }
    /// <summary>The last event of <see cref="AfterFile"/>: replay across this server's files stops there.</summary>
    public DateTimeOffset? WindowEndsAt { get; init; }
}
