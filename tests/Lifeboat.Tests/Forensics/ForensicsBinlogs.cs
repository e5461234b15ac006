using System.Buffers.Binary;
using System.Text;
using Lifeboat.Core.Binlog;
using Lifeboat.Tests.Binlog;

namespace Lifeboat.Tests.Forensics;

/// <summary>Synthetic MariaDB binlogs for what the real fixtures do not contain: chosen times, GTIDs and statements.</summary>
internal static class ForensicsBinlogs
{
    public const uint ServerId = 1;

    /// <summary>Starts from the real fixture's format description, so post-header lengths are MariaDB's own.</summary>
    public static SyntheticBinlog MariaDb() => SyntheticBinlog.From(BinlogFixtures.Bytes("mysql-bin.000001"));

    /// <summary>A transaction of one statement in a QUERY event, as DDL and statement-format DML are written.</summary>
    public static SyntheticBinlog Statement(this SyntheticBinlog binlog, ulong seq, DateTimeOffset time, string schema, string statement) => binlog
        .Add(BinlogEventType.MariaDbGtid, GtidBody(seq), Timestamp(time), ServerId)
        .Add(BinlogEventType.Query, SyntheticBinlog.QueryBody(schema, statement), Timestamp(time), ServerId);

    public static SyntheticBinlog Gtid(this SyntheticBinlog binlog, ulong seq, DateTimeOffset time) =>
        binlog.Add(BinlogEventType.MariaDbGtid, GtidBody(seq), Timestamp(time), ServerId);

    public static SyntheticBinlog Annotate(this SyntheticBinlog binlog, DateTimeOffset time, string statement) =>
        binlog.Add(BinlogEventType.AnnotateRows, Encoding.UTF8.GetBytes(statement), Timestamp(time), ServerId);

    public static SyntheticBinlog TableMap(this SyntheticBinlog binlog, DateTimeOffset time, string schema, string table) =>
        binlog.Add(BinlogEventType.TableMap, TableMapBody(schema, table), Timestamp(time), ServerId);

    public static SyntheticBinlog Xid(this SyntheticBinlog binlog, DateTimeOffset time) =>
        binlog.Add(BinlogEventType.Xid, new byte[8], Timestamp(time), ServerId);

    public static byte[] Rotated(this SyntheticBinlog binlog, string nextFile) =>
        binlog.Add(BinlogEventType.Rotate, SyntheticBinlog.RotateBody(nextFile), serverId: ServerId).ToArray();

    private static uint Timestamp(DateTimeOffset time) => (uint)time.ToUnixTimeSeconds();

    private static byte[] GtidBody(ulong seq)
    {
        var body = new byte[19];
        BinaryPrimitives.WriteUInt64LittleEndian(body, seq);
        body[12] = (byte)MariaDbGtidFlags.Transactional;
        return body;
    }

    // Table id and flags, then the schema and table names (length-prefixed, NUL-terminated); no columns.
    private static byte[] TableMapBody(string schema, string table)
    {
        var s = Encoding.UTF8.GetBytes(schema);
        var t = Encoding.UTF8.GetBytes(table);
        var body = new byte[8 + 1 + s.Length + 1 + 1 + t.Length + 1 + 1];
        body[0] = 1;
        body[8] = (byte)s.Length;
        s.CopyTo(body, 9);
        body[9 + s.Length + 1] = (byte)t.Length;
        t.CopyTo(body, 9 + s.Length + 2);
        return body;
    }
}
