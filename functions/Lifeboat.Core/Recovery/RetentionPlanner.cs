using System.Globalization;
using System.Text.RegularExpressions;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Recovery;

/// <summary>
/// Decides what retention deletes (DESIGN §1): everything needed to restore to any second of the last N days is
/// kept, chain-aware, and the newest verified backup and the binlogs after it are never deleted.
/// </summary>
public static partial class RetentionPlanner
{
    private const string Diagnosis = "kept inside the window for diagnosis";

    /// <param name="orphans">Objects under <c>backups/&lt;cluster&gt;/&lt;backupId&gt;/</c> of backups that have no catalog entry.</param>
    public static RetentionPlan Plan(
        RetentionPolicy policy,
        IReadOnlyList<BackupCatalogEntry> backups,
        IReadOnlyList<BinlogCatalogEntry> binlogs,
        IReadOnlyList<OrphanObject>? orphans,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(backups);
        ArgumentNullException.ThrowIfNull(binlogs);
        var orphanObjects = ParseOrphans(orphans ?? [], backups);
        var cluster = SingleCluster(backups, binlogs, orphanObjects);
        var windowStart = now - TimeSpan.FromDays(policy.WindowDays);
        var ordered = CatalogOrder.Backups(backups);
        var anchorIndex = AnchorIndex(ordered, windowStart);
        var anchor = anchorIndex >= 0 ? ordered[anchorIndex] : null;

        var decisions = PlanBackups(policy, ordered, anchorIndex, windowStart)
            .Concat(PlanBinlogs(BinlogChains.Build(binlogs), ordered, anchorIndex, windowStart))
            .Concat(PlanOrphans(policy, orphanObjects, now))
            .ToList();
        var delete = decisions.Where(d => !d.Keep).Select(d => d.Item).ToList();
        return new RetentionPlan
        {
            Cluster = cluster,
            ComputedAt = now,
            Policy = policy,
            WindowStart = windowStart,
            AnchorBackupId = anchor?.BackupId,
            Keep = decisions.Where(d => d.Keep).Select(d => d.Item).ToList(),
            Delete = delete,
            // OrderBy is stable: within a phase, steps keep the items' order.
            Steps = delete
                .SelectMany(item => item.Keys.Select(key => new DeletionStep(PhaseOf(key), key, item.Name)))
                .OrderBy(step => step.Phase)
                .ToList(),
        };
    }

    /// <summary>
    /// The newest verified backup whose data is as of the window's start or earlier: replay from it reaches every
    /// second of the window. When every verified backup is younger than the window, the oldest one: nothing before
    /// it can be restored to anyway. Failed backups never anchor anything.
    /// </summary>
    private static int AnchorIndex(IReadOnlyList<BackupCatalogEntry> ordered, DateTimeOffset windowStart)
    {
        var usable = Enumerable.Range(0, ordered.Count).Where(i => ordered[i].IsVerified && ordered[i].ConsistentAt is not null).ToList();
        return usable.Count == 0 ? -1 : usable.LastOrDefault(i => ordered[i].ConsistentAt <= windowStart, usable[0]);
    }

    private static IEnumerable<(RetentionItem Item, bool Keep)> PlanBackups(
        RetentionPolicy policy, IReadOnlyList<BackupCatalogEntry> ordered, int anchorIndex, DateTimeOffset windowStart)
    {
        var newest = ordered.LastOrDefault(b => b.IsVerified);
        var tiers = Tiers(policy, ordered.Where(b => b.IsVerified).ToList(), windowStart);
        for (var i = 0; i < ordered.Count; i++)
        {
            var backup = ordered[i];
            var time = CatalogOrder.BackupTime(backup);
            var reasons = new List<string>();
            string deleteReason;
            if (backup.IsVerified)
            {
                if (i == anchorIndex)
                {
                    reasons.Add("window anchor");
                }
                else if (i > anchorIndex)
                {
                    reasons.Add(anchorIndex < 0 ? "no verified backup with a consistent moment anchors the window yet"
                        : time >= windowStart ? "inside window"
                        : "newer than the window anchor");
                }
                if (ReferenceEquals(backup, newest))
                {
                    reasons.Add("newest verified backup");
                }
                reasons.AddRange(tiers.TryGetValue(backup.BackupId, out var tier) ? tier : []);
                deleteReason = anchorIndex < 0 ? "" : $"older than the window anchor {ordered[anchorIndex].BackupId}";
            }
            else
            {
                var status = backup.Status == CatalogStatus.Failed ? "failed verification" : $"not verified (status {backup.Status})";
                if (time >= windowStart)
                {
                    reasons.Add($"{status}; {Diagnosis}");
                }
                deleteReason = $"{status}; older than the window";
            }
            var item = new RetentionItem
            {
                Kind = RetentionItemKind.Backup,
                Name = backup.BackupId,
                Time = time,
                Keys =
                [
                    S3Layout.BackupStream(backup.Cluster, backup.BackupId),
                    S3Layout.BackupManifest(backup.Cluster, backup.BackupId),
                    S3Layout.BackupCatalogEntry(backup.Cluster, backup.BackupId),
                ],
                Reason = reasons.Count > 0 ? string.Join("; ", reasons) : deleteReason,
            };
            yield return (item, reasons.Count > 0);
        }
    }

    /// <summary>
    /// Backup objects only (never binlogs): the newest verified backup of each of the last W ISO weeks and M
    /// calendar months (UTC), counting back from the periods holding the window's start. A period's newest backup
    /// is fixed once the period is over, so a tier backup is kept from the day it leaves the window.
    /// </summary>
    private static Dictionary<string, List<string>> Tiers(RetentionPolicy policy, IReadOnlyList<BackupCatalogEntry> verified, DateTimeOffset windowStart)
    {
        var tiers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var start = windowStart.UtcDateTime;
        for (var k = 0; k < policy.WeeklyTiers; k++)
        {
            var day = start.AddDays(-7 * k);
            var week = (Year: ISOWeek.GetYear(day), Week: ISOWeek.GetWeekOfYear(day));
            Pick(verified.LastOrDefault(b => IsoWeek(b) == week), FormattableString.Invariant($"weekly tier {week.Year}-W{week.Week:00}"));
        }
        for (var k = 0; k < policy.MonthlyTiers; k++)
        {
            var day = start.AddMonths(-k);
            Pick(verified.LastOrDefault(b => Month(b) == (day.Year, day.Month)), FormattableString.Invariant($"monthly tier {day.Year}-{day.Month:00}"));
        }
        return tiers;

        void Pick(BackupCatalogEntry? backup, string reason)
        {
            if (backup is not null)
            {
                tiers.TryAdd(backup.BackupId, []);
                tiers[backup.BackupId].Add(reason);
            }
        }

        static (int, int) IsoWeek(BackupCatalogEntry b)
        {
            var time = CatalogOrder.BackupTime(b).UtcDateTime;
            return (ISOWeek.GetYear(time), ISOWeek.GetWeekOfYear(time));
        }

        static (int, int) Month(BackupCatalogEntry b)
        {
            var time = CatalogOrder.BackupTime(b).UtcDateTime;
            return (time.Year, time.Month);
        }
    }

    /// <summary>
    /// Per chain, everything from the earliest of: the file that replay from a backup kept for the window starts
    /// with (the anchor and every verified backup after it, on every chain that covers them); the first file with
    /// events after the anchor (chains no kept backup sits on, such as a new primary's); the first file inside the
    /// window. What is kept of a chain is always its tail, so retention never opens a gap. Files no chain can use
    /// follow the failed-entry rule: kept inside the window for diagnosis, deleted once older.
    /// </summary>
    private static IEnumerable<(RetentionItem Item, bool Keep)> PlanBinlogs(
        BinlogChains chains, IReadOnlyList<BackupCatalogEntry> ordered, int anchorIndex, DateTimeOffset windowStart)
    {
        var decisions = new List<(RetentionItem Item, bool Keep)>();
        if (anchorIndex < 0)
        {
            decisions.AddRange(chains.Chains.SelectMany(c => c.Files).Select(f =>
                (Binlog(f.Entry, "no verified backup with a consistent moment anchors the window yet"), true)));
        }
        else
        {
            var anchorTime = ordered[anchorIndex].ConsistentAt!.Value;
            var starts = ordered.Skip(anchorIndex)
                .Where(b => b.IsVerified)
                .SelectMany(b => RestorableWindow.Coverings(b, chains.Chains).Select(c => new ReplayNeed(b, c)))
                .ToList();
            foreach (var chain in chains.Chains)
            {
                var files = chain.Files;
                var needed = starts.Where(s => s.Covering.Chain == chain).OrderBy(s => s.Covering.StartIndex).FirstOrDefault();
                var neededFrom = needed?.Covering.StartIndex ?? files.Count;
                var afterAnchorFrom = FirstIndex(files, f => CatalogOrder.BinlogTime(f.Entry) >= anchorTime);
                var windowFrom = FirstIndex(files, f => CatalogOrder.BinlogTime(f.Entry) >= windowStart);
                var keepFrom = Math.Min(neededFrom, Math.Min(afterAnchorFrom, windowFrom));
                for (var i = 0; i < files.Count; i++)
                {
                    var reason = i >= neededFrom ? $"replay from backup {needed!.Backup.BackupId}"
                        : i >= afterAnchorFrom ? "after the window anchor"
                        : i >= windowFrom ? "inside window"
                        : "older than the window and before any kept backup's replay start";
                    decisions.Add((Binlog(files[i].Entry, reason), i >= keepFrom));
                }
            }
        }
        foreach (var unusable in chains.Unusable)
        {
            var young = CatalogOrder.BinlogTime(unusable.Entry) >= windowStart;
            decisions.Add((Binlog(unusable.Entry, $"{unusable.Problem}; {(young ? Diagnosis : "older than the window")}"), young));
        }
        return decisions
            .OrderBy(d => d.Item.ServerUuid, StringComparer.Ordinal)
            .ThenBy(d => d.Item.Sequence)
            .ThenBy(d => d.Item.Name, StringComparer.Ordinal);
    }

    private sealed record ReplayNeed(BackupCatalogEntry Backup, Covering Covering);

    private static int FirstIndex(IReadOnlyList<ChainFile> files, Func<ChainFile, bool> predicate)
    {
        for (var i = 0; i < files.Count; i++)
        {
            if (predicate(files[i]))
            {
                return i;
            }
        }
        return files.Count;
    }

    private static RetentionItem Binlog(BinlogCatalogEntry entry, string reason) => new()
    {
        Kind = RetentionItemKind.Binlog,
        Name = entry.File,
        ServerUuid = entry.ServerUuid,
        Sequence = entry.Sequence,
        Time = CatalogOrder.BinlogTime(entry),
        Keys =
        [
            S3Layout.Binlog(entry.Cluster, entry.ServerUuid, entry.File),
            S3Layout.BinlogCatalogEntry(entry.Cluster, entry.ServerUuid, entry.File),
        ],
        Reason = reason,
    };

    /// <summary>An orphan object; <see cref="Folder"/> is null for a key that is not in a backup folder at all.</summary>
    private sealed record ParsedOrphan(string? Cluster, string? Folder, string Key, bool IsManifest, DateTimeOffset LastModified);

    private static List<ParsedOrphan> ParseOrphans(IReadOnlyList<OrphanObject> orphans, IReadOnlyList<BackupCatalogEntry> backups)
    {
        var cataloged = backups.Select(b => S3Layout.BackupFolder(b.Cluster, b.BackupId)).ToHashSet(StringComparer.Ordinal);
        var parsed = new List<ParsedOrphan>();
        foreach (var orphan in orphans)
        {
            var match = BackupObjectKey().Match(orphan.Key);
            if (!match.Success)
            {
                parsed.Add(new ParsedOrphan(null, null, orphan.Key, false, orphan.LastModified));
                continue;
            }
            var folder = S3Layout.BackupFolder(match.Groups["cluster"].Value, match.Groups["id"].Value);
            // Deleting a cataloged backup's objects as an orphan would bypass every rule above.
            if (cataloged.Contains(folder))
            {
                throw new ArgumentException($"'{orphan.Key}' belongs to a cataloged backup: orphans are objects of backups without a catalog entry", nameof(orphans));
            }
            parsed.Add(new ParsedOrphan(match.Groups["cluster"].Value, folder, orphan.Key, match.Groups["name"].Value == S3Layout.ManifestFileName, orphan.LastModified));
        }
        return parsed;
    }

    /// <summary>
    /// A folder is one item: a manifest written minutes after its stream means the backup may be in verification,
    /// so the folder's age is its newest object's. A key outside any backup folder is never deleted: retention only
    /// removes what it can account for.
    /// </summary>
    private static IEnumerable<(RetentionItem Item, bool Keep)> PlanOrphans(RetentionPolicy policy, IReadOnlyList<ParsedOrphan> orphans, DateTimeOffset now)
    {
        var grace = RecoveryText.Span(policy.OrphanGrace);
        foreach (var folder in orphans.Where(o => o.Folder is not null).GroupBy(o => o.Folder!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var newest = folder.Max(o => o.LastModified);
            var keep = now - newest <= policy.OrphanGrace;
            yield return (new RetentionItem
            {
                Kind = RetentionItemKind.Orphan,
                Name = folder.Key,
                Time = newest,
                Keys = folder.OrderBy(o => o.IsManifest).ThenBy(o => o.Key, StringComparer.Ordinal).Select(o => o.Key).Distinct().ToList(),
                Reason = keep
                    ? $"no catalog entry yet, written within the last {grace}: the backup may still be uploading or in verification"
                    : $"no catalog entry, nothing written for over {grace}: the backup failed before it was cataloged",
            }, keep);
        }
        foreach (var stray in orphans.Where(o => o.Folder is null).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            yield return (new RetentionItem
            {
                Kind = RetentionItemKind.Orphan,
                Name = stray.Key,
                Time = stray.LastModified,
                Keys = [stray.Key],
                Reason = "not in a backup folder (backups/<cluster>/<backupId>/<name>): left alone",
            }, true);
        }
    }

    private static string? SingleCluster(IReadOnlyList<BackupCatalogEntry> backups, IReadOnlyList<BinlogCatalogEntry> binlogs, IReadOnlyList<ParsedOrphan> orphans)
    {
        var clusters = backups.Select(b => b.Cluster)
            .Concat(binlogs.Select(b => b.Cluster))
            .Concat(orphans.Select(o => o.Cluster).OfType<string>())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return clusters.Count <= 1
            ? clusters.SingleOrDefault()
            : throw new ArgumentException($"one plan covers one cluster, but the entries name {string.Join(", ", clusters)}", nameof(backups));
    }

    private static DeletionPhase PhaseOf(string key) =>
        key.StartsWith(S3Layout.CatalogPrefix, StringComparison.Ordinal) ? DeletionPhase.Catalog
        : key.EndsWith("/" + S3Layout.ManifestFileName, StringComparison.Ordinal) ? DeletionPhase.Manifest
        : DeletionPhase.Data;

    [GeneratedRegex("^" + S3Layout.BackupsPrefix + "(?<cluster>" + Names.Cluster + ")/(?<id>" + Names.BackupId + ")/(?<name>[^/]+)\\z")]
    private static partial Regex BackupObjectKey();
}
