using System.Collections.Concurrent;
using Lifeboat.Core.Binlog;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Forensics;

/// <summary>
/// Finds the destructive statements in a cluster's verified binlogs, so an operator can pick the one to restore to
/// just before. Only files whose first-to-last event times overlap the requested range are read.
/// </summary>
public sealed class DestructiveEventSearch(IObjectStore store)
{
    /// <summary>Files are read whole from S3 and scanned on the CPU: a few at once keep both busy.</summary>
    private const int Parallelism = 8;

    /// <param name="since">Earliest statement time to report, inclusive; null for no lower bound.</param>
    /// <param name="until">Latest statement time to report, inclusive; null for no upper bound.</param>
    /// <returns>Oldest first; within a second, in GTID order.</returns>
    /// <exception cref="InvalidInputException">The cluster name is invalid, or <paramref name="since"/> is after <paramref name="until"/>.</exception>
    public async Task<IReadOnlyList<DestructiveEvent>> FindAsync(string cluster, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        Names.RequireCluster(cluster);
        if (since > until)
        {
            throw new InvalidInputException(
                $"since ({since:O}) is after until ({until:O}): no statement can be in that range; pass the earlier time as since and the later as until.");
        }

        var binlogs = await new CatalogReader(store).BinlogsAsync(cluster, cancellationToken);
        var found = new ConcurrentBag<DestructiveEvent>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(binlogs.Where(b => b.IsVerified && Overlaps(b, since, until)), options, async (binlog, ct) =>
        {
            Stream body;
            try
            {
                body = await store.OpenReadAsync(binlog.Key, ct);
            }
            catch (ObjectNotFoundException)
            {
                // Retention deletes the data before its catalog entry: a file gone since the listing is outside the window.
                return;
            }

            await using (body)
            {
                foreach (var e in DestructiveEventScanner.Scan(body, binlog.File, binlog.ServerUuid))
                {
                    if (e.Time >= since.GetValueOrDefault(DateTimeOffset.MinValue) && e.Time <= until.GetValueOrDefault(DateTimeOffset.MaxValue))
                    {
                        found.Add(e);
                    }
                }
            }
        });

        return found
            .OrderBy(e => e.Time)
            .ThenBy(e => GtidKey(e.Gtid))
            .ThenBy(e => e.Gtid, StringComparer.Ordinal)
            .ThenBy(e => e.ServerUuid, StringComparer.Ordinal)
            .ThenBy(e => e.File, StringComparer.Ordinal)
            .ThenBy(e => e.Offset)
            .ToList();
    }

    // A file without event times is scanned: it cannot be ruled out.
    private static bool Overlaps(BinlogCatalogEntry binlog, DateTimeOffset? since, DateTimeOffset? until) =>
        !(binlog.LastEventTime < since) && !(binlog.FirstEventTime > until);

    // seq_no orders a MariaDB domain's transactions whichever server wrote them; strings would put 0-1-10 before 0-1-9.
    private static (uint Domain, ulong Sequence, uint Server) GtidKey(string? gtid) =>
        MariaDbGtid.TryParse(gtid, out var parsed) ? (parsed.DomainId, parsed.SequenceNumber, parsed.ServerId) : (uint.MaxValue, ulong.MaxValue, uint.MaxValue);
}
