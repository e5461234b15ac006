using System.Buffers.Binary;
using System.Text;
using Lifeboat.Core.Binlog;

namespace Lifeboat.Tests.Binlog;

/// <summary>Builds binlogs event by event with correct positions and checksums, for cases no server here produces.</summary>
internal sealed class SyntheticBinlog
{
    private readonly MemoryStream bytes = new();
    private readonly bool checksums;

    private SyntheticBinlog(bool checksums)
    {
        this.checksums = checksums;
        bytes.Write([0xFE, (byte)'b', (byte)'i', (byte)'n']);
    }

    public List<long> Offsets { get; } = [];

    /// <summary>A MySQL 8.0 file: post-header lengths as 8.0 writes them for types 1..41.</summary>
    public static SyntheticBinlog MySql(uint serverId = 1, bool checksums = true)
    {
        var postHeaders = new byte[41];
        postHeaders[(int)BinlogEventType.Query - 1] = 13;
        postHeaders[(int)BinlogEventType.Rotate - 1] = 8;
        postHeaders[(int)BinlogEventType.FormatDescription - 1] = 98;
        postHeaders[(int)BinlogEventType.TableMap - 1] = 8;
        postHeaders[(int)BinlogEventType.WriteRowsV2 - 1] = 10;
        postHeaders[(int)BinlogEventType.UpdateRowsV2 - 1] = 10;
        postHeaders[(int)BinlogEventType.DeleteRowsV2 - 1] = 10;
        postHeaders[(int)BinlogEventType.MySqlGtid - 1] = 42;
        postHeaders[(int)BinlogEventType.MySqlAnonymousGtid - 1] = 42;
        var binlog = new SyntheticBinlog(checksums);
        binlog.Add(BinlogEventType.FormatDescription, FormatDescriptionBody("8.0.36", postHeaders, checksums), serverId: serverId);
        return binlog;
    }

    /// <summary>Starts from a real file's magic and format description event.</summary>
    public static SyntheticBinlog From(byte[] realBinlog)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(realBinlog.AsSpan(4 + 9));
        bool checksums = realBinlog[4 + length - 5] == 1;
        var binlog = new SyntheticBinlog(checksums);
        binlog.Offsets.Add(4);
        binlog.bytes.Write(realBinlog, 4, length);
        return binlog;
    }

    public long Length => bytes.Length;

    public SyntheticBinlog Add(BinlogEventType type, ReadOnlySpan<byte> body, uint timestamp = 1_700_000_000, uint serverId = 1, ushort flags = 0)
    {
        long offset = bytes.Length;
        int length = BinlogEventHeader.Size + body.Length + (checksums ? 4 : 0);
        var ev = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(ev, timestamp);
        ev[4] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(ev.AsSpan(5), serverId);
        BinaryPrimitives.WriteUInt32LittleEndian(ev.AsSpan(9), (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(ev.AsSpan(13), (uint)(offset + length));
        BinaryPrimitives.WriteUInt16LittleEndian(ev.AsSpan(17), flags);
        body.CopyTo(ev.AsSpan(BinlogEventHeader.Size));
        if (checksums)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(ev.AsSpan(length - 4), ReferenceCrc32.Compute(ev.AsSpan(0, length - 4)));
        }

        Offsets.Add(offset);
        bytes.Write(ev);
        return this;
    }

    public SyntheticBinlog AddRaw(ReadOnlySpan<byte> raw)
    {
        bytes.Write(raw);
        return this;
    }

    public byte[] ToArray() => bytes.ToArray();

    public static byte[] QueryBody(string schema, string statement)
    {
        var schemaBytes = Encoding.UTF8.GetBytes(schema);
        var statementBytes = Encoding.UTF8.GetBytes(statement);
        var body = new byte[13 + schemaBytes.Length + 1 + statementBytes.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(body, 42);
        body[8] = (byte)schemaBytes.Length;
        schemaBytes.CopyTo(body, 13);
        statementBytes.CopyTo(body, 13 + schemaBytes.Length + 1);
        return body;
    }

    public static byte[] RotateBody(string nextFile)
    {
        var name = Encoding.UTF8.GetBytes(nextFile);
        var body = new byte[8 + name.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(body, 4);
        name.CopyTo(body, 8);
        return body;
    }

    public static byte[] MySqlGtidBody(Guid source, long transactionId)
    {
        var body = new byte[42];
        body[0] = 1;
        source.TryWriteBytes(body.AsSpan(1, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(17), transactionId);
        return body;
    }

    public static byte[] MySqlPreviousGtidsBody(params (Guid Source, long Start, long EndExclusive)[] intervals)
    {
        var groups = intervals.GroupBy(i => i.Source).ToArray();
        var body = new MemoryStream();
        Span<byte> eight = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(eight, (ulong)groups.Length);
        body.Write(eight);
        foreach (var group in groups)
        {
            body.Write(group.Key.ToByteArray(bigEndian: true));
            BinaryPrimitives.WriteUInt64LittleEndian(eight, (ulong)group.Count());
            body.Write(eight);
            foreach (var interval in group)
            {
                BinaryPrimitives.WriteInt64LittleEndian(eight, interval.Start);
                body.Write(eight);
                BinaryPrimitives.WriteInt64LittleEndian(eight, interval.EndExclusive);
                body.Write(eight);
            }
        }

        return body.ToArray();
    }

    /// <summary>A rows v2 event for table 1 with an opaque payload of <paramref name="payloadLength"/> bytes.</summary>
    public static byte[] RowsV2Body(int payloadLength, byte fill = 0xAB)
    {
        var body = new byte[10 + payloadLength];
        body[0] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(6), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(8), 2);
        body.AsSpan(10).Fill(fill);
        return body;
    }

    private static byte[] FormatDescriptionBody(string serverVersion, byte[] postHeaders, bool checksums)
    {
        // Checksum-aware servers always end the FDE with the algorithm byte and 4 checksum bytes;
        // Add appends a real checksum only when the file has them, so leave room otherwise.
        var body = new byte[2 + 50 + 4 + 1 + postHeaders.Length + 1 + (checksums ? 0 : 4)];
        BinaryPrimitives.WriteUInt16LittleEndian(body, 4);
        Encoding.ASCII.GetBytes(serverVersion).CopyTo(body, 2);
        body[56] = BinlogEventHeader.Size;
        postHeaders.CopyTo(body, 57);
        body[57 + postHeaders.Length] = checksums ? (byte)1 : (byte)0;
        return body;
    }
}

/// <summary>Bit-at-a-time CRC-32 straight from the definition, to judge the fast ones against.</summary>
internal static class ReferenceCrc32
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
