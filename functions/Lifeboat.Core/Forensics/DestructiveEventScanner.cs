using System.Globalization;
using Lifeboat.Core.Binlog;

namespace Lifeboat.Core.Forensics;

/// <summary>
/// Walks one binlog and reports every destructive statement with the GTID of its transaction. Statements come from
/// QUERY events (DDL, and DML in statement format, compressed or not) and from the ANNOTATE_ROWS / ROWS_QUERY text
/// that precedes row events: in row format that text is the only trace of a DELETE without WHERE, and the TABLE_MAP
/// after it supplies the schema. MySQL writes ROWS_QUERY only with binlog_rows_query_log_events on.
/// </summary>
public static class DestructiveEventScanner
{
    /// <summary>Statements longer than this are cut for display; <see cref="DestructiveEvent.StatementLength"/> keeps the length.</summary>
    public const int MaxStatementLength = 500;

    /// <exception cref="InvalidDataException">
    /// The binlog is corrupt or encrypted: what follows cannot be read, so a destructive statement there would go unseen.
    /// </exception>
    public static IReadOnlyList<DestructiveEvent> Scan(Stream binlog, string file, string serverUuid)
    {
        ArgumentNullException.ThrowIfNull(binlog);
        using var reader = new BinlogReader(binlog, leaveOpen: true);
        var found = new List<DestructiveEvent>();
        string? gtid = null;
        long? transactionOffset = null;
        (BinlogEventHeader Header, string Statement)? annotated = null;
        while (reader.Read())
        {
            var e = reader.Current;

            // The row statement's schema is in the TABLE_MAP right after it; without one, report it without.
            if (annotated is { } pending && e.Type != BinlogEventType.TableMap)
            {
                Report(pending.Header, pending.Statement, "");
                annotated = null;
            }

            switch (e.Type)
            {
                case BinlogEventType.MariaDbGtid when reader.TryGetMariaDbGtid(out var mariaDb):
                    gtid = mariaDb.Gtid.ToString();
                    transactionOffset = e.Offset;
                    break;
                case BinlogEventType.MySqlGtid or BinlogEventType.MySqlAnonymousGtid when reader.TryGetMySqlGtid(out var mySql):
                    gtid = mySql.Anonymous ? null : mySql.Gtid.ToString();
                    transactionOffset = e.Offset;
                    break;
                case BinlogEventType.Query or BinlogEventType.QueryCompressed when reader.TryReadQuery(out var query):
                    Report(e, query.Statement, query.Schema);
                    break;
                case BinlogEventType.AnnotateRows or BinlogEventType.RowsQuery when reader.TryReadRowsStatement(out var statement):
                    annotated = (e, statement);
                    break;
                case BinlogEventType.TableMap when annotated is { } rows && reader.TryReadTableMap(out var table):
                    Report(rows.Header, rows.Statement, table.Schema);
                    annotated = null;
                    break;
            }
        }

        if (annotated is { } last)
        {
            Report(last.Header, last.Statement, "");
        }

        if (reader.Corruption is { } corruption)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"binlog {file} of {serverUuid} is corrupt at byte {corruption.Offset} ({corruption.Reason}): statements after it cannot be searched; verify the file again"));
        }

        if (reader.Encrypted)
        {
            throw new InvalidDataException(
                $"binlog {file} of {serverUuid} is encrypted (START_ENCRYPTION): its statements cannot be searched here; decrypt it on a host with the server's key");
        }

        return found;

        void Report(BinlogEventHeader header, string statement, string schema)
        {
            if (!DestructiveStatementClassifier.TryClassify(statement, schema, out var destructive))
            {
                return;
            }

            found.Add(new DestructiveEvent(header.Time, gtid, serverUuid, file, header.Offset, transactionOffset ?? header.Offset,
                schema, Shorten(statement), statement.Length, destructive.Kind, destructive.Objects));
        }
    }

    private static string Shorten(string statement)
    {
        if (statement.Length <= MaxStatementLength)
        {
            return statement;
        }

        // Never split a surrogate pair: half an emoji is not valid UTF-16 to print.
        int cut = char.IsHighSurrogate(statement[MaxStatementLength - 1]) ? MaxStatementLength - 1 : MaxStatementLength;
        return string.Concat(statement.AsSpan(0, cut), "…");
    }
}
