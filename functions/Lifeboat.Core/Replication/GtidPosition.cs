using System.Globalization;

namespace Lifeboat.Core.Replication;

/// <summary>One MariaDB GTID: domain, originating server, sequence number (<c>0-1-42</c>).</summary>
public readonly record struct Gtid(uint Domain, uint Server, ulong Sequence)
{
    public override string ToString() => $"{Domain}-{Server}-{Sequence}";

    public static bool TryParse(string text, out Gtid gtid)
    {
        gtid = default;
        var parts = text.Trim().Split('-');
        if (parts.Length != 3
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain)
            || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var server)
            || !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }
        gtid = new Gtid(domain, server, sequence);
        return true;
    }
}

/// <summary>
/// A MariaDB GTID position (<c>gtid_slave_pos</c>, <c>gtid_binlog_pos</c>): the last GTID applied per replication
/// domain. Positions are compared per domain, which is what "not behind" means under gtid_strict_mode.
/// </summary>
public sealed class GtidPosition
{
    private readonly SortedDictionary<uint, Gtid> _byDomain;

    private GtidPosition(SortedDictionary<uint, Gtid> byDomain) => _byDomain = byDomain;

    public static GtidPosition Empty { get; } = new(new SortedDictionary<uint, Gtid>());

    public IReadOnlyCollection<Gtid> Gtids => _byDomain.Values;

    public bool IsEmpty => _byDomain.Count == 0;

    public static GtidPosition Parse(string? text)
    {
        var byDomain = new SortedDictionary<uint, Gtid>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new GtidPosition(byDomain);
        }
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Gtid.TryParse(item, out var gtid))
            {
                throw new FormatException($"'{item}' is not a MariaDB GTID (domain-server-sequence, e.g. 0-1-42).");
            }
            if (!byDomain.TryAdd(gtid.Domain, gtid))
            {
                throw new FormatException($"GTID position '{text}' names domain {gtid.Domain} twice.");
            }
        }
        return new GtidPosition(byDomain);
    }

    public static bool TryParse(string? text, out GtidPosition position)
    {
        try
        {
            position = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            position = Empty;
            return false;
        }
    }

    public Gtid? ForDomain(uint domain) => _byDomain.TryGetValue(domain, out var gtid) ? gtid : null;

    /// <summary>The domains in which this position is behind <paramref name="other"/>; empty when it is not behind.</summary>
    public IReadOnlyList<string> BehindIn(GtidPosition other)
    {
        var behind = new List<string>();
        foreach (var theirs in other._byDomain.Values)
        {
            var mine = ForDomain(theirs.Domain);
            if (mine is null)
            {
                behind.Add($"domain {theirs.Domain}: missing, previous had {theirs}");
            }
            else if (mine.Value.Sequence < theirs.Sequence)
            {
                behind.Add($"domain {theirs.Domain}: {mine} is behind {theirs}");
            }
        }
        return behind;
    }

    public override string ToString() => string.Join(",", _byDomain.Values);
}
