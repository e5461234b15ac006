using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Lifeboat.Core.Binlog;

/// <summary>
/// Forward-only, event-by-event reader of a MySQL/MariaDB binlog (format v4) from any
/// <see cref="Stream"/>, seekable or not. It checks the magic, the format description
/// event, each event's length, CRC-32 and next position, and stops at the first corruption,
/// which <see cref="Corruption"/> then names with its byte offset.
/// <para>
/// <see cref="Read"/> allocates nothing per event: the header is a value type and event bytes
/// are a span into a pooled buffer, valid until the next <see cref="Read"/>. The <c>TryRead*</c>
/// accessors that return strings (statements, file names) allocate; call them only for the
/// events you need.
/// </para>
/// <para>
/// Most events are checked ahead in runs: once the buffer holds whole events, one pass checks
/// the lengths, next positions and CRC-32s of up to <see cref="RunLength"/> of them (each CRC
/// against its own event; four small ones share one reduction, see <see cref="Crc32Pclmul"/>),
/// and <see cref="Read"/> then only hands them out. Whatever the run cannot vouch for (the first
/// bad event, a format description, rotate or START_ENCRYPTION event, an event not yet whole in
/// the buffer) takes the event-by-event path, which reports problems exactly as it always has.
/// </para>
/// </summary>
public sealed class BinlogReader : IDisposable
{
    private static readonly byte[] Magic = [0xFE, (byte)'b', (byte)'i', (byte)'n'];

    // Events per run checked ahead: enough to amortize the pass, few enough (about 30 KB of OLTP events)
    // that the run is still in the L1 cache when the caller looks at its events.
    private const int RunLength = 256;

    private readonly Stream stream;
    private readonly bool leaveOpen;
    private readonly BinlogReaderOptions options;
    private readonly Crc32Implementation? crcImplementation;
    private byte[] buffer;
    private int pos;
    private int end;
    private bool endOfStream;

    // Events checked ahead by CheckRun start at runStarts[runNext..runCount) in the buffer; runBufferOffset is
    // the file offset of buffer[0] and runEventCount the events returned before the run.
    private int[] runStarts;
    private int runNext;
    private int runCount;
    private long runBufferOffset;
    private long runEventCount;

    // File offset of buffer[pos] between events.
    private long position;
    private BinlogEventHeader current;
    private int eventStart = -1;
    private bool started;
    private bool done;
    private bool stopAfterCurrent;
    private bool previousWasRotate;
    private List<BinlogIssue>? notices;
    private long eventCount;

    // The fixed part of a rows event that streamed past unheld, for TryGetRowsEvent.
    private readonly byte[] rowsPrefix = new byte[16];
    private int rowsPrefixLength;

    public BinlogReader(Stream stream, BinlogReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        this.stream = stream;
        this.leaveOpen = leaveOpen;
        this.options = options ?? BinlogReaderOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.BufferSize, 1024, nameof(options));
        crcImplementation = this.options.Crc32Implementation;
        buffer = ArrayPool<byte>.Shared.Rent(this.options.BufferSize);
        runStarts = ArrayPool<int>.Shared.Rent(RunLength);
    }

    /// <summary>The event <see cref="Read"/> last returned.</summary>
    public BinlogEventHeader Current => runNext > 0 ? HeaderAt(runStarts[runNext - 1]) : current;

    /// <summary>From the format description event; null before it has been read.</summary>
    public BinlogFormat? Format { get; private set; }

    /// <summary>The first corruption found; reading stops there.</summary>
    public BinlogIssue? Corruption { get; private set; }

    /// <summary>Informational findings that did not stop the reader.</summary>
    public IReadOnlyList<BinlogIssue> Notices => notices is null ? [] : notices;

    /// <summary>A MariaDB START_ENCRYPTION event was read: the rest is encrypted and cannot be checked here.</summary>
    public bool Encrypted { get; private set; }

    /// <summary>Events returned so far.</summary>
    public long EventCount => runNext > 0 ? runEventCount + runNext : eventCount;

    /// <summary>Offset just past the last event read: the size of the good part of the file.</summary>
    public long Position => runNext > 0 ? runBufferOffset + RunEventEnd(runNext - 1) : position;

    /// <summary>Whether <see cref="CurrentEvent"/> holds the current event; very large events stream past unheld.</summary>
    public bool IsCurrentBuffered => CurrentStart >= 0;

    /// <summary>The current event's bytes from its header up to, not including, the checksum; empty when not buffered.</summary>
    public ReadOnlySpan<byte> CurrentEvent =>
        CurrentStart is var start and >= 0 ? buffer.AsSpan(start, (int)LengthAt(start) - ChecksumLength) : default;

    // Where the current event starts in the buffer; -1 when it streamed past unheld or there is none.
    private int CurrentStart => runNext > 0 ? runStarts[runNext - 1] : eventStart;

    private BinlogEventType CurrentType => runNext > 0 ? (BinlogEventType)buffer[runStarts[runNext - 1] + 4] : current.Type;

    // From the format description event; cached because every event needs them.
    private int ChecksumLength { get; set; }

    private int HeaderLength { get; set; } = BinlogEventHeader.Size;

    /// <summary>Advances to the next event. False at the end of the stream, at corruption, or after START_ENCRYPTION.</summary>
    public bool Read()
    {
        // An event of a checked run only moves the index: Current and the rest are worked out when asked.
        int next = runNext;
        if (next < runCount)
        {
            runNext = next + 1;
            return true;
        }

        return ReadAfterRun();
    }

    private bool ReadAfterRun()
    {
        SettleRun();
        if (CheckRun())
        {
            runNext = 1;
            return true;
        }

        return ReadOne();
    }

    // Turns the run's last handed-out event into the fields the event-by-event path keeps, and ends the run.
    private void SettleRun()
    {
        if (runNext > 0)
        {
            int at = runStarts[runNext - 1];
            current = HeaderAt(at);
            eventStart = at;
            pos = RunEventEnd(runNext - 1);
            position = runBufferOffset + pos;
            eventCount = runEventCount + runNext;
        }

        runNext = 0;
        runCount = 0;
    }

    private uint LengthAt(int at) => BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at + 9));

    private int RunEventEnd(int index) => runStarts[index] + (int)LengthAt(runStarts[index]);

    private BinlogEventHeader HeaderAt(int at) => ParseHeader(buffer.AsSpan(at, BinlogEventHeader.Size), runBufferOffset + at);

    // The event-by-event path: everything CheckRun does not vouch for, and every problem report.
    private bool ReadOne()
    {
        eventStart = -1;
        if (done)
        {
            return false;
        }

        if (stopAfterCurrent)
        {
            done = true;
            return false;
        }

        if (!started && !ReadMagic())
        {
            return false;
        }

        int available = end - pos;
        if (available < BinlogEventHeader.Size)
        {
            available = Fill(BinlogEventHeader.Size);
        }

        if (available == 0)
        {
            done = true;
            if (Format is null)
            {
                Fail(position, BinlogIssueKind.MissingFormatDescription, "the file ends right after the magic bytes");
            }

            return false;
        }

        long offset = position;
        if (available < BinlogEventHeader.Size)
        {
            return Fail(offset, BinlogIssueKind.TruncatedEvent,
                $"the file ends {available} bytes into an event header (a header is {BinlogEventHeader.Size} bytes): the file was cut");
        }

        var header = ParseHeader(buffer.AsSpan(pos, BinlogEventHeader.Size), offset);
        current = header;
        if (Format is null && header.Type != BinlogEventType.FormatDescription)
        {
            return Fail(offset, BinlogIssueKind.MissingFormatDescription,
                $"the first event is type {(byte)header.Type}, not FORMAT_DESCRIPTION_EVENT (15)");
        }

        long minimum = HeaderLength + ChecksumLength;
        if (header.Length < minimum || header.Length > options.MaxEventSize)
        {
            return Fail(offset, BinlogIssueKind.EventLengthOutOfRange,
                $"event type {(byte)header.Type} declares {header.Length} bytes; allowed {minimum}..{options.MaxEventSize}");
        }

        int length = (int)Math.Min(header.Length, int.MaxValue);
        bool hold = length <= buffer.Length || (IsInspected(header.Type) && length <= options.MaxBufferedEventSize);
        if (hold)
        {
            if (!ReadWholeEvent(header, length))
            {
                return false;
            }
        }
        else if (!StreamEvent(header))
        {
            return false;
        }

        if (header.NextPosition != (uint)(offset + header.Length))
        {
            eventStart = -1;
            return Fail(offset, BinlogIssueKind.NextPositionMismatch,
                $"event type {(byte)header.Type} of {header.Length} bytes at {offset} says the next event is at {header.NextPosition}, expected {(uint)(offset + header.Length)}");
        }

        if (previousWasRotate)
        {
            (notices ??= []).Add(new BinlogIssue(offset, BinlogIssueKind.EventAfterRotate,
                $"event type {(byte)header.Type} follows a ROTATE, which should end the file"));
        }

        previousWasRotate = header.Type == BinlogEventType.Rotate;
        if (header.Type == BinlogEventType.StartEncryption)
        {
            Encrypted = true;
            stopAfterCurrent = true;
        }

        eventCount++;
        return true;
    }

    public bool TryGetMariaDbGtid(out MariaDbGtidEvent gtid)
    {
        gtid = default;
        if (CurrentType != BinlogEventType.MariaDbGtid || !TryGetBody(out var body) || body.Length < 13)
        {
            return false;
        }

        var flags = (MariaDbGtidFlags)body[12];
        ulong commitId = (flags & MariaDbGtidFlags.GroupCommitId) != 0 && body.Length >= 21
            ? BinaryPrimitives.ReadUInt64LittleEndian(body[13..])
            : 0;
        var id = new MariaDbGtid(BinaryPrimitives.ReadUInt32LittleEndian(body[8..]), Current.ServerId, BinaryPrimitives.ReadUInt64LittleEndian(body));
        gtid = new MariaDbGtidEvent(id, flags, commitId);
        return true;
    }

    public bool TryGetMySqlGtid(out MySqlGtidEvent gtid)
    {
        gtid = default;
        bool anonymous = CurrentType == BinlogEventType.MySqlAnonymousGtid;
        if ((CurrentType != BinlogEventType.MySqlGtid && !anonymous) || !TryGetBody(out var body) || body.Length < 25)
        {
            return false;
        }

        var sid = new Guid(body.Slice(1, 16), bigEndian: true);
        gtid = new MySqlGtidEvent(new MySqlGtid(sid, BinaryPrimitives.ReadInt64LittleEndian(body[17..])), anonymous, body[0]);
        return true;
    }

    /// <summary>A MariaDB GTID_LIST_EVENT: the last GTID of each (domain, server) before this file.</summary>
    public bool TryReadMariaDbGtidList(out IReadOnlyList<MariaDbGtid> gtids)
    {
        gtids = [];
        if (CurrentType != BinlogEventType.MariaDbGtidList || !TryGetBody(out var body) || body.Length < 4)
        {
            return false;
        }

        int count = (int)(BinaryPrimitives.ReadUInt32LittleEndian(body) & 0x0FFFFFFF);
        if (body.Length < 4 + ((long)count * 16))
        {
            return false;
        }

        var list = new MariaDbGtid[count];
        for (int i = 0; i < count; i++)
        {
            var entry = body.Slice(4 + (i * 16), 16);
            list[i] = new MariaDbGtid(
                BinaryPrimitives.ReadUInt32LittleEndian(entry),
                BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]));
        }

        gtids = list;
        return true;
    }

    /// <summary>A MySQL PREVIOUS_GTIDS_LOG_EVENT: the GTID set executed before this file.</summary>
    public bool TryReadMySqlPreviousGtids(out IReadOnlyList<MySqlGtidInterval> intervals)
    {
        intervals = [];
        if (CurrentType != BinlogEventType.MySqlPreviousGtids || !TryGetBody(out var body) || body.Length < 8)
        {
            return false;
        }

        ulong sids = BinaryPrimitives.ReadUInt64LittleEndian(body);
        var list = new List<MySqlGtidInterval>();
        int at = 8;
        for (ulong s = 0; s < sids; s++)
        {
            if (body.Length - at < 24)
            {
                return false;
            }

            var sid = new Guid(body.Slice(at, 16), bigEndian: true);
            ulong count = BinaryPrimitives.ReadUInt64LittleEndian(body[(at + 16)..]);
            at += 24;
            if ((ulong)(body.Length - at) < count * 16)
            {
                return false;
            }

            for (ulong i = 0; i < count; i++, at += 16)
            {
                // Stored half-open: [start, end).
                list.Add(new MySqlGtidInterval(sid,
                    BinaryPrimitives.ReadInt64LittleEndian(body[at..]),
                    BinaryPrimitives.ReadInt64LittleEndian(body[(at + 8)..]) - 1));
            }
        }

        intervals = list;
        return true;
    }

    public bool TryReadRotate([NotNullWhen(true)] out BinlogRotate? rotate)
    {
        rotate = null;
        if (CurrentType != BinlogEventType.Rotate || !TryGetPostHeader(8, out var post, out var rest))
        {
            return false;
        }

        rotate = new BinlogRotate(Encoding.UTF8.GetString(rest), BinaryPrimitives.ReadUInt64LittleEndian(post));
        return true;
    }

    /// <summary>MariaDB BINLOG_CHECKPOINT_EVENT: the oldest binlog still needed for crash recovery.</summary>
    public bool TryReadBinlogCheckpoint(out string fileName)
    {
        fileName = "";
        if (CurrentType != BinlogEventType.BinlogCheckpoint || !TryGetPostHeader(4, out var post, out var rest))
        {
            return false;
        }

        int nameLength = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(post), (uint)rest.Length);
        fileName = Encoding.UTF8.GetString(rest[..nameLength]);
        return true;
    }

    /// <summary>QUERY_EVENT or MariaDB's QUERY_COMPRESSED_EVENT: statement text and default schema.</summary>
    public bool TryReadQuery([NotNullWhen(true)] out BinlogQuery? query)
    {
        query = null;
        bool compressed = CurrentType == BinlogEventType.QueryCompressed;
        if ((CurrentType != BinlogEventType.Query && !compressed) || !TryGetPostHeader(13, out var post, out var rest))
        {
            return false;
        }

        int schemaLength = post[8];
        int statusLength = BinaryPrimitives.ReadUInt16LittleEndian(post[11..]);
        if (rest.Length < statusLength + schemaLength + 1)
        {
            return false;
        }

        var schema = Encoding.UTF8.GetString(rest.Slice(statusLength, schemaLength));
        var text = rest[(statusLength + schemaLength + 1)..];
        string statement;
        if (compressed)
        {
            if (!TryDecompress(text, out var bytes))
            {
                return false;
            }

            statement = Encoding.UTF8.GetString(bytes);
        }
        else
        {
            statement = Encoding.UTF8.GetString(text);
        }

        query = new BinlogQuery(schema, statement,
            BinaryPrimitives.ReadUInt32LittleEndian(post), BinaryPrimitives.ReadUInt32LittleEndian(post[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(post[9..]), compressed);
        return true;
    }

    /// <summary>The statement behind the next rows events: MariaDB ANNOTATE_ROWS_EVENT or MySQL ROWS_QUERY_LOG_EVENT.</summary>
    public bool TryReadRowsStatement(out string statement)
    {
        statement = "";
        if (CurrentType == BinlogEventType.AnnotateRows && TryGetPostHeader(0, out _, out var text))
        {
            statement = Encoding.UTF8.GetString(text);
            return true;
        }

        // MySQL prefixes a one-byte length that overflows for long statements; the event end is authoritative.
        if (CurrentType == BinlogEventType.RowsQuery && TryGetPostHeader(0, out _, out var body) && body.Length >= 1)
        {
            statement = Encoding.UTF8.GetString(body[1..]);
            return true;
        }

        return false;
    }

    public bool TryReadTableMap([NotNullWhen(true)] out BinlogTableMap? tableMap)
    {
        tableMap = null;
        if (CurrentType != BinlogEventType.TableMap || !TryGetPostHeader(8, out var post, out var rest)
            || !TryReadTableId(post, out ulong tableId) || rest.Length < 1)
        {
            return false;
        }

        int schemaLength = rest[0];
        if (rest.Length < schemaLength + 3)
        {
            return false;
        }

        int tableAt = schemaLength + 2;
        int tableLength = rest[tableAt];
        if (rest.Length < tableAt + 1 + tableLength)
        {
            return false;
        }

        tableMap = new BinlogTableMap(tableId,
            Encoding.UTF8.GetString(rest.Slice(1, schemaLength)),
            Encoding.UTF8.GetString(rest.Slice(tableAt + 1, tableLength)));
        return true;
    }

    public bool TryGetRowsEvent(out BinlogRowsEvent rows)
    {
        rows = default;
        var type = CurrentType;
        (BinlogRowsKind kind, bool compressed) = type switch
        {
            BinlogEventType.WriteRowsV1 or BinlogEventType.WriteRowsV2 => (BinlogRowsKind.Write, false),
            BinlogEventType.UpdateRowsV1 or BinlogEventType.UpdateRowsV2 or BinlogEventType.PartialUpdateRows => (BinlogRowsKind.Update, false),
            BinlogEventType.DeleteRowsV1 or BinlogEventType.DeleteRowsV2 => (BinlogRowsKind.Delete, false),
            BinlogEventType.WriteRowsCompressedV1 or BinlogEventType.WriteRowsCompressed => (BinlogRowsKind.Write, true),
            BinlogEventType.UpdateRowsCompressedV1 or BinlogEventType.UpdateRowsCompressed => (BinlogRowsKind.Update, true),
            BinlogEventType.DeleteRowsCompressedV1 or BinlogEventType.DeleteRowsCompressed => (BinlogRowsKind.Delete, true),
            _ => ((BinlogRowsKind)(-1), false),
        };

        if ((int)kind < 0)
        {
            return false;
        }

        // The fixed part is at the start, so it is readable even when the event streamed past unheld.
        var fixedPart = CurrentStart is var start and >= 0 ? buffer.AsSpan(start + HeaderLength) : rowsPrefix.AsSpan(0, rowsPrefixLength);
        int postLength = Format!.GetPostHeaderLength(type);
        if (postLength < 6 || fixedPart.Length < postLength || !TryReadTableId(fixedPart[..postLength], out ulong tableId))
        {
            return false;
        }

        // Flags follow the table id (4 or 6 bytes); v2 events then carry an extra-data length.
        int flagsAt = postLength == 6 ? 4 : 6;
        rows = new BinlogRowsEvent(kind, tableId, BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[flagsAt..]), compressed);
        return true;
    }

    public void Dispose()
    {
        SettleRun();
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<int>.Shared.Return(runStarts);
            buffer = [];
            runStarts = [];
        }

        done = true;
        if (!leaveOpen)
        {
            stream.Dispose();
        }
    }

    private static BinlogEventHeader ParseHeader(ReadOnlySpan<byte> h, long offset) => new(
        offset,
        BinaryPrimitives.ReadUInt32LittleEndian(h),
        (BinlogEventType)h[4],
        BinaryPrimitives.ReadUInt32LittleEndian(h[5..]),
        BinaryPrimitives.ReadUInt32LittleEndian(h[9..]),
        BinaryPrimitives.ReadUInt32LittleEndian(h[13..]),
        BinaryPrimitives.ReadUInt16LittleEndian(h[17..]));

    // Events whose contents the accessors read: held whole even when larger than the buffer.
    private static bool IsInspected(BinlogEventType type) => type is BinlogEventType.FormatDescription
        or BinlogEventType.Query or BinlogEventType.QueryCompressed or BinlogEventType.Rotate
        or BinlogEventType.AnnotateRows or BinlogEventType.RowsQuery or BinlogEventType.TableMap
        or BinlogEventType.MariaDbGtid or BinlogEventType.MariaDbGtidList or BinlogEventType.BinlogCheckpoint
        or BinlogEventType.MySqlGtid or BinlogEventType.MySqlAnonymousGtid or BinlogEventType.MySqlPreviousGtids
        or BinlogEventType.StartEncryption;

    private static bool TryReadTableId(ReadOnlySpan<byte> post, out ulong tableId)
    {
        // 6-byte table ids since MySQL 5.1.4 (post-header 8); 4 bytes before (post-header 6).
        tableId = post.Length >= 8
            ? BinaryPrimitives.ReadUInt32LittleEndian(post) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(post[4..]) << 32)
            : post.Length >= 6 ? BinaryPrimitives.ReadUInt32LittleEndian(post) : 0;
        return post.Length >= 6;
    }

    // MariaDB's compressed payload: a byte 0x80 | algorithm << 4 | n, then the uncompressed
    // length big-endian in n bytes, then a zlib stream (algorithm 0, the only one defined).
    private static bool TryDecompress(ReadOnlySpan<byte> data, out byte[] result)
    {
        result = [];
        if (data.Length < 2 || (data[0] & 0x80) == 0 || (data[0] & 0x70) != 0)
        {
            return false;
        }

        int lengthBytes = data[0] & 0x07;
        if (lengthBytes is 0 or > 4 || data.Length < 1 + lengthBytes)
        {
            return false;
        }

        uint length = 0;
        for (int i = 1; i <= lengthBytes; i++)
        {
            length = (length << 8) | data[i];
        }

        if (length > int.MaxValue)
        {
            return false;
        }

        var output = new byte[length];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(data[(1 + lengthBytes)..].ToArray()), CompressionMode.Decompress);
            zlib.ReadExactly(output);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            return false;
        }

        result = output;
        return true;
    }

    private bool TryGetBody(out ReadOnlySpan<byte> body)
    {
        if (CurrentStart < 0)
        {
            body = default;
            return false;
        }

        body = CurrentEvent[HeaderLength..];
        return true;
    }

    // Splits the body into the post-header (as long as this server writes it) and the rest.
    private bool TryGetPostHeader(int minimum, out ReadOnlySpan<byte> postHeader, out ReadOnlySpan<byte> rest)
    {
        postHeader = rest = default;
        if (!TryGetBody(out var body))
        {
            return false;
        }

        int length = Format!.GetPostHeaderLength(CurrentType);
        if (length < minimum || body.Length < length)
        {
            return false;
        }

        postHeader = body[..length];
        rest = body[length..];
        return true;
    }

    /// <summary>
    /// Checks a run of whole events from <see cref="pos"/> ahead of <see cref="Read"/>: each length in range and
    /// inside the buffer, each next position right, each CRC-32 against the event's own stored checksum. The run
    /// ends before the first event that fails any check or that the event-by-event path must see (a format
    /// description, rotate or START_ENCRYPTION event, or any event while a notice or stop is pending), and the
    /// event-by-event path then reports it. True when the run holds at least one event.
    /// </summary>
    private bool CheckRun()
    {
        // The run reads little-endian fields in place; the event-by-event path works everywhere.
        if (done || stopAfterCurrent || previousWasRotate || Format is null || !BitConverter.IsLittleEndian)
        {
            return false;
        }

        bool verify = ChecksumLength > 0 && options.VerifyChecksums;
        bool four = verify && Crc32.EventPathEnabled && (crcImplementation ?? Crc32.Default) == Crc32Implementation.Pclmul;
        var limits = new RunLimits(end, (uint)(HeaderLength + ChecksumLength), (ulong)Math.Min(options.MaxEventSize, uint.MaxValue));
        ref byte b = ref MemoryMarshal.GetArrayDataReference(buffer);
        var starts = runStarts.AsSpan(0, RunLength);
        int at = pos;
        long offset = position;
        int count = 0;
        while (count < starts.Length)
        {
            if (four && starts.Length - count >= 4)
            {
                int good = CheckFour(ref b, ref at, ref offset, limits, starts[count..]);
                if (good == 4)
                {
                    count += 4;
                    continue;
                }

                if (good >= 0)
                {
                    count += good;
                    break;
                }
            }

            if (!IsWholeAndInPlace(ref b, at, offset, limits, out uint length)
                || (verify && Crc(0, buffer.AsSpan(at, (int)length - 4)) != Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, at + (int)length - 4))))
            {
                break;
            }

            starts[count++] = at;
            at += (int)length;
            offset += length;
        }

        runCount = count;
        runBufferOffset = position - pos;
        runEventCount = eventCount;
        return count > 0;
    }

    /// <summary>
    /// The next four events together, when all four are whole, in place and short enough for
    /// <see cref="Crc32Pclmul.FoldEvent"/>: their four CRCs come out of one shared reduction. Returns 4 and moves
    /// past them when all match, the index of the first mismatch (0..3) otherwise, or -1 when the four cannot be
    /// checked together and one event should be checked on its own.
    /// </summary>
    private static int CheckFour(ref byte b, ref int at, ref long offset, RunLimits limits, Span<int> starts)
    {
        int a0 = at;
        if (a0 < Crc32Pclmul.EventLookBehind || !IsWholeAndInPlace(ref b, a0, offset, limits, out uint l0))
        {
            return -1;
        }

        int a1 = a0 + (int)l0;
        if (!IsWholeAndInPlace(ref b, a1, offset + l0, limits, out uint l1))
        {
            return -1;
        }

        int a2 = a1 + (int)l1;
        if (!IsWholeAndInPlace(ref b, a2, offset + l0 + l1, limits, out uint l2))
        {
            return -1;
        }

        int a3 = a2 + (int)l2;
        if (!IsWholeAndInPlace(ref b, a3, offset + l0 + l1 + l2, limits, out uint l3)
            || Math.Max(Math.Max(l0, l1), Math.Max(l2, l3)) - 4 > Crc32Pclmul.EventMaxLength)
        {
            return -1;
        }

        var computed = Crc32Pclmul.Finish4(
            Crc32Pclmul.FoldEvent(ref b, (nuint)a0, l0 - 4), Crc32Pclmul.FoldEvent(ref b, (nuint)a1, l1 - 4),
            Crc32Pclmul.FoldEvent(ref b, (nuint)a2, l2 - 4), Crc32Pclmul.FoldEvent(ref b, (nuint)a3, l3 - 4),
            Vector128.Create(l0, l1, l2, l3) - Vector128.Create(4u));
        var stored = Vector128.Create(StoredCrc(ref b, a0, l0), StoredCrc(ref b, a1, l1), StoredCrc(ref b, a2, l2), StoredCrc(ref b, a3, l3));
        starts[0] = a0;
        starts[1] = a1;
        starts[2] = a2;
        starts[3] = a3;
        if (computed != stored)
        {
            int lane = 0;
            while (computed.GetElement(lane) == stored.GetElement(lane))
            {
                lane++;
            }

            return lane;
        }

        at = a3 + (int)l3;
        offset += (long)l0 + l1 + l2 + l3;
        return 4;
    }

    // What the event-by-event path checks before the CRC, for the event at `at` (file offset `offset`): its
    // header and body are in the buffer, its length is in range and its next position is right. Also false for
    // the events that path must see itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsWholeAndInPlace(ref byte b, int at, long offset, RunLimits limits, out uint length)
    {
        length = 0;
        if (limits.End - at < BinlogEventHeader.Size)
        {
            return false;
        }

        ref byte h = ref Unsafe.Add(ref b, at);
        length = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref h, 9));
        var type = (BinlogEventType)Unsafe.Add(ref h, 4);
        return length >= limits.Minimum && length <= limits.Maximum && length <= (uint)(limits.End - at)
            && type is not (BinlogEventType.FormatDescription or BinlogEventType.Rotate or BinlogEventType.StartEncryption)
            && Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref h, 13)) == (uint)(offset + length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint StoredCrc(ref byte b, int at, uint length) => Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, at + (int)length - 4));

    private readonly record struct RunLimits(int End, uint Minimum, ulong Maximum);

    private bool ReadMagic()
    {
        started = true;
        int available = Fill(Magic.Length);
        if (available < Magic.Length || !buffer.AsSpan(pos, Magic.Length).SequenceEqual(Magic))
        {
            return Fail(0, BinlogIssueKind.BadMagic, available == 0
                ? "the file is empty"
                : $"the file starts with {Convert.ToHexString(buffer, pos, available < Magic.Length ? available : Magic.Length)}, not the binlog magic FE62696E");
        }

        pos += Magic.Length;
        position = Magic.Length;
        return true;
    }

    private bool ReadWholeEvent(BinlogEventHeader header, int length)
    {
        if (length > buffer.Length)
        {
            Grow(length);
        }

        int available = end - pos;
        if (available < length && (available = Fill(length)) < length)
        {
            return Fail(header.Offset, BinlogIssueKind.TruncatedEvent,
                $"event type {(byte)header.Type} declares {header.Length} bytes but the file ends after {available}: the file was cut");
        }

        var bytes = buffer.AsSpan(pos, length);
        if (header.Type == BinlogEventType.FormatDescription)
        {
            if (!ReadFormatDescription(header, bytes))
            {
                return false;
            }
        }
        else if (ChecksumLength > 0 && options.VerifyChecksums)
        {
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
            uint computed = Crc(0, bytes[..^4]);
            if (stored != computed)
            {
                return ChecksumMismatch(header, stored, computed);
            }
        }

        eventStart = pos;
        pos += length;
        position += length;
        return true;
    }

    // An event larger than the buffer that nobody reads: checksum it chunk by chunk.
    private bool StreamEvent(BinlogEventHeader header)
    {
        long remaining = header.Length - ChecksumLength;
        bool verify = ChecksumLength > 0 && options.VerifyChecksums;
        uint computed = 0;
        rowsPrefixLength = Math.Min(rowsPrefix.Length, Math.Max(0, end - pos - HeaderLength));
        buffer.AsSpan(pos + HeaderLength, rowsPrefixLength).CopyTo(rowsPrefix);
        while (remaining > 0)
        {
            int available = end - pos;
            if (available == 0 && (available = Fill(1)) == 0)
            {
                return Fail(header.Offset, BinlogIssueKind.TruncatedEvent,
                    $"event type {(byte)header.Type} declares {header.Length} bytes but the file ends after {header.Length - ChecksumLength - remaining}: the file was cut");
            }

            int take = (int)Math.Min(available, remaining);
            if (verify)
            {
                computed = Crc(computed, buffer.AsSpan(pos, take));
            }

            pos += take;
            remaining -= take;
        }

        if (ChecksumLength > 0)
        {
            int available = Fill(ChecksumLength);
            if (available < ChecksumLength)
            {
                return Fail(header.Offset, BinlogIssueKind.TruncatedEvent,
                    $"event type {(byte)header.Type} declares {header.Length} bytes but the file ends {ChecksumLength - available} bytes short: the file was cut");
            }

            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(pos));
            pos += ChecksumLength;
            if (verify && stored != computed)
            {
                return ChecksumMismatch(header, stored, computed);
            }
        }

        position += header.Length;
        return true;
    }

    private bool ReadFormatDescription(BinlogEventHeader header, ReadOnlySpan<byte> bytes)
    {
        // binlog_version 2, server_version 50, create_timestamp 4, header_length 1, then one post-header length per type.
        const int FixedPart = 2 + 50 + 4 + 1;
        var body = bytes[BinlogEventHeader.Size..];
        if (body.Length < FixedPart)
        {
            return Fail(header.Offset, BinlogIssueKind.MalformedEvent, $"format description event of {header.Length} bytes is too short");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(body);
        if (version != 4)
        {
            return Fail(header.Offset, BinlogIssueKind.UnsupportedBinlogVersion, $"binlog format version {version}; only version 4 (MySQL 5.0+, MariaDB) is supported");
        }

        var versionBytes = body.Slice(2, 50);
        int nul = versionBytes.IndexOf((byte)0);
        string serverVersion = Encoding.ASCII.GetString(nul < 0 ? versionBytes : versionBytes[..nul]);
        byte headerLength = body[56];
        if (headerLength < BinlogEventHeader.Size)
        {
            return Fail(header.Offset, BinlogIssueKind.MalformedEvent, $"format description event declares a {headerLength}-byte event header");
        }

        // Checksum-aware servers end the event with the algorithm byte and a 4-byte checksum.
        var algorithm = BinlogChecksumAlgorithm.Undefined;
        int tail = 0;
        if (HasChecksumAlgorithm(serverVersion))
        {
            tail = 5;
            if (body.Length < FixedPart + tail)
            {
                return Fail(header.Offset, BinlogIssueKind.MalformedEvent, $"format description event of {header.Length} bytes is too short");
            }

            byte alg = bytes[^5];
            if (alg is not (byte)BinlogChecksumAlgorithm.Off and not (byte)BinlogChecksumAlgorithm.Crc32)
            {
                return Fail(header.Offset, BinlogIssueKind.UnknownChecksumAlgorithm, $"format description event names checksum algorithm {alg}; known: 0 (NONE), 1 (CRC32)");
            }

            algorithm = (BinlogChecksumAlgorithm)alg;
        }

        if (algorithm == BinlogChecksumAlgorithm.Crc32 && options.VerifyChecksums)
        {
            // The server clears the in-use flag in place when it closes the file without
            // rewriting the checksum, so the checksum is always of the flag-cleared event.
            Span<byte> flags = [(byte)(bytes[17] & ~BinlogEventHeader.BinlogInUseFlag)];
            uint computed = Crc(Crc(Crc(0, bytes[..17]), flags), bytes[18..^4]);
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
            if (stored != computed)
            {
                return ChecksumMismatch(header, stored, computed);
            }
        }

        Format = new BinlogFormat(version, serverVersion, BinaryPrimitives.ReadUInt32LittleEndian(body[52..]), headerLength,
            body[FixedPart..^tail].ToArray(), algorithm, (header.Flags & BinlogEventHeader.BinlogInUseFlag) != 0);
        HeaderLength = Format.HeaderLength;
        ChecksumLength = Format.ChecksumLength;
        return true;
    }

    // Checksums arrived in MySQL 5.6.1 and MariaDB 5.3; older FDEs have no algorithm byte.
    private static bool HasChecksumAlgorithm(string serverVersion)
    {
        var parts = serverVersion.Split('.', '-');
        if (parts.Length < 3 || !int.TryParse(parts[0], out int major) || !int.TryParse(parts[1], out int minor))
        {
            return true;
        }

        int patch = int.TryParse(new string(parts[2].TakeWhile(char.IsAsciiDigit).ToArray()), out int p) ? p : 0;
        var required = serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? (5, 3, 0) : (5, 6, 1);
        return (major, minor, patch).CompareTo(required) >= 0;
    }

    private uint Crc(uint running, ReadOnlySpan<byte> data) =>
        crcImplementation is { } implementation ? Crc32.Append(running, data, implementation) : Crc32.Append(running, data);

    private bool ChecksumMismatch(BinlogEventHeader header, uint stored, uint computed) =>
        Fail(header.Offset, BinlogIssueKind.ChecksumMismatch,
            $"event type {(byte)header.Type} of {header.Length} bytes has CRC32 0x{stored:x8} but its bytes give 0x{computed:x8}");

    private bool Fail(long offset, BinlogIssueKind kind, string reason)
    {
        Corruption ??= new BinlogIssue(offset, kind, reason);
        done = true;
        eventStart = -1;
        return false;
    }

    // Makes at least `needed` bytes available from pos unless the stream ends; returns how many are.
    private int Fill(int needed)
    {
        int available = end - pos;
        if (available >= needed || endOfStream)
        {
            return available;
        }

        if (buffer.Length - pos < needed)
        {
            buffer.AsSpan(pos, available).CopyTo(buffer);
            pos = 0;
            end = available;
        }

        while (end - pos < needed)
        {
            int read = stream.Read(buffer, end, buffer.Length - end);
            if (read <= 0)
            {
                endOfStream = true;
                break;
            }

            end += read;
        }

        return end - pos;
    }

    private void Grow(int length)
    {
        int size = (int)Math.Min(Array.MaxLength, Math.Max((long)buffer.Length * 2, length));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(pos, end - pos).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
        end -= pos;
        pos = 0;
    }
}
