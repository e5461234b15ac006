using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Lifeboat.Core.Binlog;

/// <summary>A MariaDB GTID, written <c>domain-server-seqno</c> (e.g. <c>0-1-42</c>).</summary>
public readonly record struct MariaDbGtid(uint DomainId, uint ServerId, ulong SequenceNumber)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{DomainId}-{ServerId}-{SequenceNumber}");

    public static MariaDbGtid Parse(string text) =>
        TryParse(text, out var gtid) ? gtid : throw new FormatException($"'{text}' is not a MariaDB GTID (domain-server-seqno).");

    public static bool TryParse([NotNullWhen(true)] string? text, out MariaDbGtid gtid)
    {
        gtid = default;
        if (text is null)
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        int first = span.IndexOf('-');
        int last = span.LastIndexOf('-');
        if (first <= 0 || last <= first
            || !uint.TryParse(span[..first], NumberStyles.None, CultureInfo.InvariantCulture, out var domain)
            || !uint.TryParse(span[(first + 1)..last], NumberStyles.None, CultureInfo.InvariantCulture, out var server)
            || !ulong.TryParse(span[(last + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }

        gtid = new MariaDbGtid(domain, server, seq);
        return true;
    }
}

/// <summary>Flags of a MariaDB GTID_EVENT (flags2).</summary>
[Flags]
public enum MariaDbGtidFlags : byte
{
    None = 0,

    /// <summary>The event group is not a transaction that can be rolled back: DDL or a non-transactional statement.</summary>
    Standalone = 0x01,
    GroupCommitId = 0x02,
    Transactional = 0x04,
    AllowParallel = 0x08,
    Waited = 0x10,
    Ddl = 0x20,
    PreparedXa = 0x40,
    CompletedXa = 0x80,
}

/// <summary>A MariaDB GTID_EVENT: starts every event group. The server id comes from the event header.</summary>
public readonly record struct MariaDbGtidEvent(MariaDbGtid Gtid, MariaDbGtidFlags Flags, ulong CommitId);

/// <summary>The GTIDs one (domain, server) pair wrote in a file.</summary>
/// <param name="Contiguous">Every seq_no between <paramref name="FirstSeqNo"/> and <paramref name="LastSeqNo"/> is present, each once.</param>
public sealed record MariaDbGtidRange(uint DomainId, uint ServerId, ulong FirstSeqNo, ulong LastSeqNo, long Count, bool Contiguous)
{
    public MariaDbGtid First => new(DomainId, ServerId, FirstSeqNo);

    public MariaDbGtid Last => new(DomainId, ServerId, LastSeqNo);
}

/// <summary>
/// The GTIDs of one replication domain in a file. seq_no counts per domain, whichever server wrote
/// the transaction, so gaps are judged here: each GTID must be the previous one's seq_no + 1.
/// </summary>
/// <param name="FirstGap">The GTID after which the sequence broke, when it did.</param>
public sealed record MariaDbDomainRange(uint DomainId, MariaDbGtid First, MariaDbGtid Last, long Count, bool Contiguous, MariaDbGtid? FirstGap);
