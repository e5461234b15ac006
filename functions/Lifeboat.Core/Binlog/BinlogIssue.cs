namespace Lifeboat.Core.Binlog;

public enum BinlogIssueKind
{
    BadMagic,
    MissingFormatDescription,
    UnsupportedBinlogVersion,
    UnknownChecksumAlgorithm,
    EventLengthOutOfRange,
    TruncatedEvent,
    ChecksumMismatch,
    NextPositionMismatch,
    MalformedEvent,

    /// <summary>Informational: a ROTATE should be a file's last event.</summary>
    EventAfterRotate,
}

/// <summary>A problem found at a byte offset of the file; <see cref="Offset"/> is where the offending event starts.</summary>
public sealed record BinlogIssue(long Offset, BinlogIssueKind Kind, string Reason)
{
    public override string ToString() => $"{Kind} at offset {Offset}: {Reason}";
}
