using System.Diagnostics.CodeAnalysis;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Replication;

namespace Lifeboat.Core.Recovery;

/// <summary>A verified binlog file with its positions read.</summary>
internal sealed record ChainFile(BinlogCatalogEntry Entry, GtidPosition Start, GtidPosition End);

/// <summary>A binlog file that no chain can use, and why.</summary>
internal sealed record UnusableBinlog(BinlogCatalogEntry Entry, string Problem);

/// <summary>
/// A maximal run of one server's verified files with consecutive sequence numbers, each starting where the previous
/// ended. Replay from any position between its start and its end can go on to its last event.
/// </summary>
internal sealed class BinlogChain(string serverUuid, IReadOnlyList<ChainFile> files)
{
    public string ServerUuid => serverUuid;

    public IReadOnlyList<ChainFile> Files => files;

    public GtidPosition Start => files[0].Start;

    public GtidPosition End => files[^1].End;

    public DateTimeOffset? EndTime { get; } = files.Max(f => f.Entry.LastEventTime);

    /// <summary>
    /// The index of the file that replay from <paramref name="position"/> starts with; null when the chain does not
    /// contain the position (it starts after it, or ends before it, in some domain). The chain contains every
    /// transaction after its start, so a position at or after the start and at or before the end in every domain
    /// can be replayed forward even when its domains fall in different files (parallel replication applies domains
    /// out of order). Replay starts at the first file that holds a transaction past the position: a position exactly
    /// at a file boundary starts with the next file, and a position at the chain's very end with its last file.
    /// </summary>
    public int? ReplayStart(GtidPosition position)
    {
        if (!GtidOrder.AtOrBefore(Start, position) || !GtidOrder.AtOrBefore(position, End))
        {
            return null;
        }
        // Ends only grow along a chain, so "ends past the position" is false, then true: binary search for the turn
        // (a month of per-minute files is tens of thousands).
        var (low, high) = (0, files.Count - 1);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (GtidOrder.AtOrBefore(files[middle].End, position))
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}

/// <summary>Every server's chains, the files no chain can use, and the gaps between.</summary>
internal sealed record BinlogChains(IReadOnlyList<BinlogChain> Chains, IReadOnlyList<UnusableBinlog> Unusable, IReadOnlyList<BinlogGap> Gaps)
{
    public static BinlogChains Build(IReadOnlyList<BinlogCatalogEntry> binlogs)
    {
        var chains = new List<BinlogChain>();
        var unusable = new List<UnusableBinlog>();
        var gaps = new List<BinlogGap>();
        foreach (var server in binlogs.GroupBy(b => b.ServerUuid, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var current = new List<ChainFile>();
            var skipped = new List<UnusableBinlog>();
            ChainFile? previous = null;
            foreach (var entry in server.OrderBy(b => b.Sequence).ThenBy(b => b.File, StringComparer.Ordinal))
            {
                if (!TryRead(entry, out var file, out var problem))
                {
                    skipped.Add(new UnusableBinlog(entry, problem));
                    continue;
                }
                if (skipped.Count > 0 || (previous is not null && !Follows(previous, file)))
                {
                    gaps.Add(Gap(server.Key, previous, file, skipped));
                    if (current.Count > 0)
                    {
                        chains.Add(new BinlogChain(server.Key, current));
                        current = [];
                    }
                }
                unusable.AddRange(skipped);
                skipped.Clear();
                current.Add(file);
                previous = file;
            }
            if (skipped.Count > 0)
            {
                gaps.Add(Gap(server.Key, previous, null, skipped));
                unusable.AddRange(skipped);
            }
            if (current.Count > 0)
            {
                chains.Add(new BinlogChain(server.Key, current));
            }
        }
        return new BinlogChains(chains, unusable, gaps);
    }

    /// <summary>The file with its positions read, or why no chain can use it.</summary>
    private static bool TryRead(BinlogCatalogEntry entry, [NotNullWhen(true)] out ChainFile? file, [NotNullWhen(false)] out string? problem)
    {
        file = null;
        problem = null;
        if (!entry.IsVerified)
        {
            var why = entry.Reasons.Count > 0 ? $" ({string.Join("; ", entry.Reasons)})" : "";
            problem = entry.Status == CatalogStatus.Failed ? $"failed verification{why}" : $"is {entry.Status}, not verified{why}";
        }
        else if (!GtidPosition.TryParse(entry.StartPosition, out var start) || !GtidPosition.TryParse(entry.EndPosition, out var end))
        {
            problem = $"has an unreadable GTID position (start '{entry.StartPosition}', end '{entry.EndPosition}')";
        }
        else if (!GtidOrder.AtOrBefore(start, end))
        {
            problem = $"ends at {end}, before its start {start}";
        }
        else
        {
            file = new ChainFile(entry, start, end);
        }
        return file is not null;
    }

    private static bool Follows(ChainFile previous, ChainFile next) =>
        next.Entry.Sequence == previous.Entry.Sequence + 1 && GtidOrder.Same(previous.End, next.Start);

    private static BinlogGap Gap(string serverUuid, ChainFile? previous, ChainFile? next, IReadOnlyList<UnusableBinlog> skipped)
    {
        var parts = skipped.Select(s => $"{s.Entry.File} {s.Problem}").ToList();
        var missing = Missing(previous?.Entry, next?.Entry, skipped);
        parts.AddRange(missing);
        var kind = skipped.Count > 0 ? GapKind.FailedFiles : missing.Count > 0 ? GapKind.MissingFiles : GapKind.PositionMismatch;
        string reason;
        if (kind == GapKind.PositionMismatch)
        {
            // Both neighbours exist: a mismatch is only ever found between two usable files.
            reason = next!.Entry.Sequence <= previous!.Entry.Sequence
                ? $"{next.Entry.File} does not follow {previous.Entry.File} in sequence"
                : $"{next.Entry.File} starts at {Show(next.Start)} but {previous.Entry.File} ends at {Show(previous.End)}";
        }
        else
        {
            var where = (previous, next) switch
            {
                ({ } p, { } n) => $" between {RecoveryText.Suffix(p.Entry.File)} and {RecoveryText.Suffix(n.Entry.File)}",
                ({ } p, null) => $" after {p.Entry.File}",
                (null, { } n) => $" before {n.Entry.File}",
                _ => "",
            };
            reason = string.Join(", ", parts) + where;
        }
        return new BinlogGap
        {
            ServerUuid = serverUuid,
            AfterFile = previous?.Entry.File,
            BeforeFile = next?.Entry.File,
            Kind = kind,
            Reason = reason,
            WindowEndsAt = previous?.Entry.LastEventTime,
        };
    }

    /// <summary>Runs of sequence numbers between the neighbours that no cataloged file has.</summary>
    private static List<string> Missing(BinlogCatalogEntry? previous, BinlogCatalogEntry? next, IReadOnlyList<UnusableBinlog> skipped)
    {
        var present = skipped.Select(s => s.Entry.Sequence).Distinct().Order().ToList();
        var first = previous is not null ? previous.Sequence + 1 : present.FirstOrDefault();
        var last = next is not null ? next.Sequence - 1 : present.LastOrDefault();
        var sibling = (previous ?? next ?? skipped[0].Entry).File;
        var runs = new List<string>();
        var from = first;
        foreach (var sequence in present.Where(s => s >= first && s <= last).Append(last + 1))
        {
            if (sequence > from)
            {
                var to = sequence - 1;
                runs.Add(from == to
                    ? $"{RecoveryText.Sibling(sibling, from)} missing"
                    : $"{RecoveryText.Sibling(sibling, from)}..{RecoveryText.Suffix(RecoveryText.Sibling(sibling, to))} missing ({RecoveryText.Count(to - from + 1, "file")})");
            }
            from = sequence + 1;
        }
        return runs;
    }

    private static string Show(GtidPosition position) => position.IsEmpty ? "(empty position)" : position.ToString();
}
