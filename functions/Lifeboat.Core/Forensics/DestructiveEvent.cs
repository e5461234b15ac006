namespace Lifeboat.Core.Forensics;

/// <summary>
/// A destructive statement found in a shipped binlog: what an operator needs to restore to just before it.
/// </summary>
/// <param name="Time">When the statement ran on the server that first wrote it (UTC, whole seconds).</param>
/// <param name="Gtid">
/// The transaction's GTID (<c>0-1-42</c>, or MySQL's <c>uuid:n</c>): pass it as <c>beforeGtid</c>. Null when the
/// binlog has no GTIDs.
/// </param>
/// <param name="Offset">Where the event holding the statement starts in <paramref name="File"/>.</param>
/// <param name="TransactionOffset">
/// Where the statement's transaction starts (its GTID event): a <c>--stop-position</c> there replays everything before
/// the transaction and nothing of it. Equals <paramref name="Offset"/> when no GTID event preceded the statement.
/// </param>
/// <param name="Schema">
/// The default schema the statement ran in; for a row-format DELETE or UPDATE (known only from its ANNOTATE_ROWS
/// text), the schema of the first table its rows touched. Empty when unknown.
/// </param>
/// <param name="Statement">The statement, cut to <see cref="DestructiveEventScanner.MaxStatementLength"/> characters for display.</param>
/// <param name="StatementLength">The whole statement's length in characters.</param>
public sealed record DestructiveEvent(
    DateTimeOffset Time,
    string? Gtid,
    string ServerUuid,
    string File,
    long Offset,
    long TransactionOffset,
    string Schema,
    string Statement,
    int StatementLength,
    DestructiveKind Kind,
    IReadOnlyList<string> Objects);
