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
    public static bool AtOrBefore(GtidPosition a, GtidPosition b) =>
        Domains(a, b).All(domain => Sequence(a, domain) <= Sequence(b, domain));

    public static bool Same(GtidPosition a, GtidPosition b) =>
        Domains(a, b).All(domain => Sequence(a, domain) == Sequence(b, domain));

    private static ulong Sequence(GtidPosition position, uint domain) => position.ForDomain(domain)?.Sequence ?? 0;

    private static IEnumerable<uint> Domains(GtidPosition a, GtidPosition b) =>
        a.Gtids.Select(g => g.Domain).Union(b.Gtids.Select(g => g.Domain));
}
