namespace Lifeboat.Core.Binlog;

/// <summary>
/// The v4 common event header plus where the event starts in the file. A value type so the
/// reader hands it out per event without allocating.
/// </summary>
/// <param name="Offset">Byte offset of the event in the file (the magic is at 0, the first event at 4).</param>
/// <param name="Timestamp">Seconds since the Unix epoch, from the server that first wrote the event.</param>
/// <param name="Length">Whole event length including header and checksum.</param>
/// <param name="NextPosition">log_pos: the offset just past this event, as the server recorded it.</param>
public readonly record struct BinlogEventHeader(
    long Offset,
    uint Timestamp,
    BinlogEventType Type,
    uint ServerId,
    uint Length,
    uint NextPosition,
    ushort Flags)
{
    /// <summary>Bytes in the v4 common header.</summary>
    public const int Size = 19;

    /// <summary>LOG_EVENT_BINLOG_IN_USE_F: set in the format description event while the server has the file open.</summary>
    public const ushort BinlogInUseFlag = 0x1;

    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeSeconds(Timestamp);
}
