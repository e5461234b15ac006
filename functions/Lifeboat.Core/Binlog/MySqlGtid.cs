using System.Globalization;

namespace Lifeboat.Core.Binlog;

/// <summary>A MySQL GTID, written <c>source_uuid:transaction_id</c>.</summary>
public readonly record struct MySqlGtid(Guid SourceId, long TransactionId)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{SourceId:D}:{TransactionId}");
}

/// <summary>A MySQL GTID_LOG_EVENT or ANONYMOUS_GTID_LOG_EVENT (then <see cref="Gtid"/> is all zero).</summary>
public readonly record struct MySqlGtidEvent(MySqlGtid Gtid, bool Anonymous, byte Flags);

/// <summary>An interval of a MySQL GTID set, inclusive on both ends: <c>uuid:first-last</c>.</summary>
public sealed record MySqlGtidInterval(Guid SourceId, long First, long Last)
{
    public override string ToString() => First == Last
        ? string.Create(CultureInfo.InvariantCulture, $"{SourceId:D}:{First}")
        : string.Create(CultureInfo.InvariantCulture, $"{SourceId:D}:{First}-{Last}");
}

/// <summary>The GTIDs one MySQL source wrote in a file.</summary>
/// <param name="Contiguous">Transaction ids ran from first to last without a gap or repeat.</param>
public sealed record MySqlGtidRange(Guid SourceId, long First, long Last, long Count, bool Contiguous);
