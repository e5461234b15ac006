using Lifeboat.Core.Replication;

namespace Lifeboat.Core.Recovery;

/// <summary>
/// The order of MariaDB GTID positions, domain by domain. Under gtid_strict_mode a domain's sequence numbers only
/// grow, so a domain's sequence number is its position; a domain that a position does not name counts as sequence 0
/// (nothing applied there yet). Positions are never compared as strings: <c>0-1-9,1-2-3</c> is <c>1-2-3,0-1-9</c>.
/// </summary>
internal static class GtidOrder
{
    /// <summary>True when <paramref name="a"/> is at or before <paramref name="b"/> in every domain either names.</summary>
    /// <remarks>Only <paramref name="a"/>'s domains can fail: where it names none, it is at 0, before anything.</remarks>
    public static bool AtOrBefore(GtidPosition a, GtidPosition b) =>
        a.Gtids.All(mine => mine.Sequence <= (b.ForDomain(mine.Domain)?.Sequence ?? 0));

    public static bool Same(GtidPosition a, GtidPosition b) => AtOrBefore(a, b) && AtOrBefore(b, a);
}
