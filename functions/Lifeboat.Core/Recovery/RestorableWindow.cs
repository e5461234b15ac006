using Lifeboat.Core.Catalog;
using Lifeboat.Core.Replication;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Recovery;

/// <summary>A chain that contains a backup's position, and the file replay from it starts with.</summary>
internal sealed record Covering(BinlogChain Chain, int StartIndex)
{
    public ChainFile StartFile => Chain.Files[StartIndex];
}

/// <summary>
/// The catalog query behind restores, drills and retention: which moments can be restored to, from which backup and
/// which binlogs, and where the binlog chains break.
/// </summary>
public static class RestorableWindow
{
    public static RecoveryWindow Compute(
        string cluster,
        IReadOnlyList<BackupCatalogEntry> backups,
        IReadOnlyList<BinlogCatalogEntry> binlogs,
        DateTimeOffset now)
    {
        Names.RequireCluster(cluster);
        ArgumentNullException.ThrowIfNull(backups);
        ArgumentNullException.ThrowIfNull(binlogs);
        var strangers = backups.Select(b => b.Cluster).Concat(binlogs.Select(b => b.Cluster)).Where(c => c != cluster).Distinct().ToList();
        if (strangers.Count > 0)
        {
            throw new ArgumentException($"the catalog of {cluster} holds entries of {string.Join(", ", strangers)}", nameof(backups));
        }

        var chains = BinlogChains.Build(binlogs);
        var verified = CatalogOrder.Backups(backups.Where(b => b.IsVerified));
        var covered = verified.Select(b => (Backup: b, Coverings: Coverings(b, chains.Chains))).ToList();
        var coverage = covered.Select(x => Coverage(x.Backup, x.Coverings)).ToList();
        return new RecoveryWindow
        {
            Cluster = cluster,
            ComputedAt = now,
            Ranges = Ranges(covered),
            Backups = coverage,
            Gaps = chains.Gaps,
            NewestVerifiedBackup = coverage.LastOrDefault(),
            LastEventTime = chains.Chains.Max(c => c.EndTime),
        };
    }

    /// <summary>Every chain containing the backup's position, the one reaching furthest first.</summary>
    internal static IReadOnlyList<Covering> Coverings(BackupCatalogEntry backup, IReadOnlyList<BinlogChain> chains)
    {
        if (string.IsNullOrWhiteSpace(backup.GtidSlavePos) || !GtidPosition.TryParse(backup.GtidSlavePos, out var position))
        {
            return [];
        }
        return chains
            .Select(chain => chain.ReplayStart(position) is { } start ? new Covering(chain, start) : null)
            .OfType<Covering>()
            .OrderByDescending(c => c.Chain.EndTime)
            .ThenBy(c => c.Chain.ServerUuid, StringComparer.Ordinal)
            .ThenByDescending(c => c.Chain.Files[0].Entry.Sequence)
            .ToList();
    }

    private static BackupCoverage Coverage(BackupCatalogEntry backup, IReadOnlyList<Covering> coverings)
    {
        var coverage = new BackupCoverage { BackupId = backup.BackupId, ConsistentAt = backup.ConsistentAt, GtidSlavePos = backup.GtidSlavePos };
        if (backup.ConsistentAt is null)
        {
            return coverage with { Problem = "no consistentAt recorded, so it cannot be placed in time" };
        }
        if (string.IsNullOrWhiteSpace(backup.GtidSlavePos))
        {
            return coverage with { Problem = "no GTID position recorded, so replay cannot start from it" };
        }
        if (!GtidPosition.TryParse(backup.GtidSlavePos, out var position))
        {
            return coverage with { Problem = $"GTID position '{backup.GtidSlavePos}' is not a MariaDB position" };
        }
        if (coverings.Count == 0)
        {
            return coverage with { Problem = $"no verified binlog chain contains its GTID position {position}" };
        }
        var best = coverings[0];
        return coverage with
        {
            Covered = true,
            ServerUuid = best.Chain.ServerUuid,
            StartFile = best.StartFile.Entry.File,
            LastFile = best.Chain.Files[^1].Entry.File,
            ReplayableTo = Max(backup.ConsistentAt.Value, best.Chain.EndTime),
        };
    }

    /// <summary>
    /// One candidate per chain, from the oldest backup it covers to its last event, and a point for each backup no
    /// chain covers. Where candidates overlap (after a failover both servers' chains may cover the same time), the
    /// one from the newer backup serves: it has the least to replay.
    /// </summary>
    private static IReadOnlyList<RecoveryRange> Ranges(IReadOnlyList<(BackupCatalogEntry Backup, IReadOnlyList<Covering> Coverings)> verified)
    {
        var placed = verified.Where(x => x.Backup.ConsistentAt is not null).ToList();
        var candidates = placed
            .SelectMany(x => x.Coverings.Select(c => (x.Backup, Covering: c)))
            .GroupBy(x => x.Covering.Chain)
            .Select(g => g.First())
            .Select(x => new RecoveryRange
            {
                From = x.Backup.ConsistentAt!.Value,
                To = Max(x.Backup.ConsistentAt!.Value, x.Covering.Chain.EndTime),
                FromBackupId = x.Backup.BackupId,
                ServerUuid = x.Covering.Chain.ServerUuid,
                FirstFile = x.Covering.StartFile.Entry.File,
                LastFile = x.Covering.Chain.Files[^1].Entry.File,
            })
            .Concat(placed.Where(x => x.Coverings.Count == 0).Select(x => new RecoveryRange
            {
                From = x.Backup.ConsistentAt!.Value,
                To = x.Backup.ConsistentAt!.Value,
                FromBackupId = x.Backup.BackupId,
            }))
            .ToList();

        var spans = candidates.Where(c => c.From < c.To).ToList();
        var bounds = spans.SelectMany(c => new[] { c.From, c.To }).Distinct().Order().ToList();
        var ranges = new List<RecoveryRange>();
        RecoveryRange? serving = null;
        for (var i = 0; i + 1 < bounds.Count; i++)
        {
            var (from, to) = (bounds[i], bounds[i + 1]);
            var best = spans
                .Where(c => c.From <= from && to <= c.To)
                .OrderByDescending(c => c.From)
                .ThenByDescending(c => c.To)
                .ThenBy(c => c.ServerUuid, StringComparer.Ordinal)
                .FirstOrDefault();
            if (best is null)
            {
                serving = null;
                continue;
            }
            if (ReferenceEquals(best, serving))
            {
                ranges[^1] = ranges[^1] with { To = to };
            }
            else
            {
                ranges.Add(best with { From = from, To = to });
                serving = best;
            }
        }
        // Zero-length candidates (points, and backups at the very end of their chain) count where nothing else reaches.
        foreach (var point in candidates.Where(c => c.From == c.To).OrderBy(c => c.From).ThenBy(c => c.FromBackupId, StringComparer.Ordinal))
        {
            if (!ranges.Any(r => r.Contains(point.From)))
            {
                ranges.Add(point);
            }
        }
        return ranges.OrderBy(r => r.From).ThenBy(r => r.To).ToList();
    }

    private static DateTimeOffset Max(DateTimeOffset time, DateTimeOffset? other) => other is { } o && o > time ? o : time;
}
