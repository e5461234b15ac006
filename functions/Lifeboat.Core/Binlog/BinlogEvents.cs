namespace Lifeboat.Core.Binlog;

/// <summary>A QUERY_EVENT's statement. Decoded as UTF-8: the bytes are in the client's character set.</summary>
/// <param name="Schema">The default database (<c>USE</c>) in force, empty when none.</param>
/// <param name="Compressed">MariaDB's QUERY_COMPRESSED_EVENT (log_bin_compress).</param>
public sealed record BinlogQuery(string Schema, string Statement, uint ThreadId, uint ExecutionSeconds, ushort ErrorCode, bool Compressed);

/// <summary>A ROTATE_EVENT: the server continues in <see cref="NextFileName"/> at <see cref="NextPosition"/>.</summary>
public sealed record BinlogRotate(string NextFileName, ulong NextPosition);

/// <summary>A TABLE_MAP_EVENT: the rows events that follow name the table by <see cref="TableId"/>.</summary>
public sealed record BinlogTableMap(ulong TableId, string Schema, string Table);

/// <summary>The fixed part of a rows event (write/update/delete, v1, v2 or MariaDB compressed).</summary>
/// <param name="EndOfStatement">STMT_END_F: the last rows event of its statement.</param>
public readonly record struct BinlogRowsEvent(BinlogRowsKind Kind, ulong TableId, ushort Flags, bool Compressed)
{
    public bool EndOfStatement => (Flags & 0x1) != 0;
}
