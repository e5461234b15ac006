using System.Globalization;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Replication;

namespace Lifeboat.Core.Restore;

/// <summary>The backup to start from and the binlogs to replay, chosen from the catalog.</summary>
public sealed record RestoreChoice(BackupCatalogEntry Backup, RestorePoint Target, RestoreReplay Replay);

/// <summary>
/// Decides what a restore needs. Bad input and targets outside the restorable window fail here, before anything is
/// launched, with a message that says what is wrong and what is possible.
/// </summary>
public static class RestorePlanner
{
    public static RestoreChoice Choose(RestoreRequest request, IReadOnlyList<BackupCatalogEntry> backups, IReadOnlyList<BinlogCatalogEntry> binlogs, DateTimeOffset now)
    {
        var cluster = request.Cluster!;
        var window = RestorableWindow.Compute(cluster, backups, binlogs, now);
        var chains = BinlogChains.Build(binlogs).Chains;
        var verified = backups.Where(b => b.IsVerified && b.ConsistentAt is not null).OrderBy(b => b.ConsistentAt).ToList();
        if (verified.Count == 0)
        {
            throw new TargetNotRestorableException($"cluster '{cluster}' has no verified backup yet: run the backup workflow first (nothing was launched).");
        }
        var target = request.Target ?? new RestoreTarget { Latest = true };
        if (request.Mode == RestoreModes.Drill)
        {
            var newest = verified[^1];
            return new RestoreChoice(newest, new RestorePoint
            {
                Kind = "backup",
                ExpectedPosition = newest.GtidSlavePos,
                Description = $"backup {newest.BackupId} as of {Time(newest.ConsistentAt!.Value)}",
            }, new RestoreReplay());
        }
        if (target.Time is { } time)
        {
            return ForTime(window, chains, verified, time.ToUniversalTime());
        }
        if (target.BeforeGtid is { } gtid)
        {
            return ForGtid(cluster, chains, verified, gtid);
        }
        return ForLatest(chains, verified);
    }

    /// <summary>Validation of the input's shape; throws <see cref="InvalidInputException"/> naming the problem and the fix.</summary>
    public static void Validate(RestoreRequest request)
    {
        Storage.Names.RequireCluster(request.Cluster);
        if (request.Mode is not (RestoreModes.Drill or RestoreModes.Restore))
        {
            throw new InvalidInputException($"mode '{Storage.Names.Shorten(request.Mode)}' is not known: use \"drill\" (the daily proof) or \"restore\" (an operator's point-in-time restore).");
        }
        var target = request.Target;
        var forms = new[] { target?.Latest == true, target?.Time is not null, target?.BeforeGtid is not null }.Count(set => set);
        if (forms > 1)
        {
            throw new InvalidInputException("target names more than one point: give exactly one of { \"latest\": true }, { \"time\": \"ISO-8601\" } or { \"beforeGtid\": \"domain-server-sequence\" }.");
        }
        if (target is not null && forms == 0)
        {
            throw new InvalidInputException("target names no point: give exactly one of { \"latest\": true }, { \"time\": \"ISO-8601\" } or { \"beforeGtid\": \"domain-server-sequence\" }, or leave target out for the latest point.");
        }
        if (request.Source is not (null or RestoreSources.Primary or RestoreSources.Offsite))
        {
            throw new InvalidInputException($"source '{Storage.Names.Shorten(request.Source)}' is not known: use \"primary\" (the deployment's bucket, the default) or \"offsite\" (its off-site copy).");
        }
        if (request.Mode == RestoreModes.Drill && (target?.Time is not null || target?.BeforeGtid is not null))
        {
            throw new InvalidInputException("a drill restores the newest verified backup to its own point; use mode \"restore\" for a time or a GTID.");
        }
        // Digits and dashes only: Gtid.TryParse forgives surrounding whitespace, which must not reach a command parameter.
        if (target?.BeforeGtid is { } gtid && (gtid.Any(c => !char.IsAsciiDigit(c) && c != '-') || !Gtid.TryParse(gtid, out _)))
        {
            throw new InvalidInputException($"beforeGtid '{Storage.Names.Shorten(gtid)}' is not a MariaDB GTID: use domain-server-sequence, e.g. 0-1-4242 (./run sandbox find-destructive lists candidates).");
        }
        if (request.Mode == RestoreModes.Drill && request.KeepInstance)
        {
            throw new InvalidInputException("keepInstance is for manual restores: a drill always terminates what it launched.");
        }
    }

    private static RestoreChoice ForLatest(IReadOnlyList<BinlogChain> chains, IReadOnlyList<BackupCatalogEntry> verified)
    {
        var newest = verified[^1];
        var covering = RestorableWindow.Coverings(newest, chains).FirstOrDefault();
        if (covering is null)
        {
            return new RestoreChoice(newest, new RestorePoint
            {
                Kind = "latest",
                ExpectedPosition = newest.GtidSlavePos,
                Description = $"backup {newest.BackupId} as of {Time(newest.ConsistentAt!.Value)} (no verified binlogs follow it)",
            }, new RestoreReplay());
        }
        var files = covering.Chain.Files.Skip(covering.StartIndex).ToList();
        return new RestoreChoice(newest, new RestorePoint
        {
            Kind = "latest",
            ExpectedPosition = covering.Chain.End.ToString(),
            Description = $"the last shipped event, {Time(covering.Chain.EndTime ?? newest.ConsistentAt!.Value)}",
        }, Replay(covering.Chain, files));
    }

    private static RestoreChoice ForTime(RecoveryWindow window, IReadOnlyList<BinlogChain> chains, IReadOnlyList<BackupCatalogEntry> verified, DateTimeOffset time)
    {
        var range = window.RangeFor(time) ?? throw new TargetNotRestorableException(OutsideWindow(window, time));
        var chain = chains.FirstOrDefault(c => c.ServerUuid == range.ServerUuid && c.Files.Any(f => f.Entry.File == range.FirstFile));
        // The newest backup at or before the time on this range's chain has the least to replay.
        var candidates = verified.Where(b => b.ConsistentAt <= time).Reverse();
        foreach (var backup in candidates)
        {
            if (chain is null)
            {
                if (backup.BackupId == range.FromBackupId)
                {
                    return new RestoreChoice(backup, new RestorePoint { Kind = "time", Time = time, ExpectedPosition = backup.GtidSlavePos, Description = $"backup {backup.BackupId} as of {Time(time)}" }, new RestoreReplay());
                }
                continue;
            }
            var covering = RestorableWindow.Coverings(backup, [chain]).FirstOrDefault();
            if (covering is null)
            {
                continue;
            }
            // Replay up to the first file whose events reach the time; its later events are cut by the stop time.
            var files = new List<ChainFile>();
            foreach (var file in chain.Files.Skip(covering.StartIndex))
            {
                files.Add(file);
                if (file.Entry.LastEventTime >= time)
                {
                    break;
                }
            }
            return new RestoreChoice(backup, new RestorePoint { Kind = "time", Time = time, Description = Time(time) }, Replay(chain, files));
        }
        throw new TargetNotRestorableException(OutsideWindow(window, time));
    }

    private static RestoreChoice ForGtid(string cluster, IReadOnlyList<BinlogChain> chains, IReadOnlyList<BackupCatalogEntry> verified, string text)
    {
        Gtid.TryParse(text, out var gtid);
        foreach (var chain in chains)
        {
            var index = chain.Files.ToList().FindIndex(f =>
                (f.Start.ForDomain(gtid.Domain)?.Sequence ?? 0) < gtid.Sequence && gtid.Sequence <= (f.End.ForDomain(gtid.Domain)?.Sequence ?? 0));
            if (index < 0)
            {
                continue;
            }
            var backup = verified.LastOrDefault(b =>
                GtidPosition.TryParse(b.GtidSlavePos, out var position)
                && (position.ForDomain(gtid.Domain)?.Sequence ?? 0) < gtid.Sequence
                && RestorableWindow.Coverings(b, [chain]).FirstOrDefault() is { } c && c.StartIndex <= index)
                ?? throw new TargetNotRestorableException(
                    $"no verified backup of cluster '{cluster}' precedes GTID {gtid} on the binlog chain that holds it ({chain.Files[index].Entry.File}); the oldest backup on that chain is too new (nothing was launched).");
            var start = RestorableWindow.Coverings(backup, [chain]).First().StartIndex;
            var files = chain.Files.Skip(start).Take(index - start + 1).ToList();
            return new RestoreChoice(backup, new RestorePoint
            {
                Kind = "gtid",
                BeforeGtid = gtid.ToString(),
                Description = $"just before GTID {gtid} (in {chain.Files[index].Entry.File}, {Time(chain.Files[index].Entry.LastEventTime ?? DateTimeOffset.MinValue)})",
            }, Replay(chain, files));
        }
        var shipped = chains.Count == 0 ? "no binlogs are cataloged" : "shipped GTIDs run " + string.Join(", ", chains.Select(c => $"{(c.Start.IsEmpty ? "(empty position)" : c.Start.ToString())}..{c.End} ({c.ServerUuid})"));
        throw new TargetNotRestorableException($"GTID {gtid} is not in any verified binlog of cluster '{cluster}': {shipped} (nothing was launched).");
    }

    private static RestoreReplay Replay(BinlogChain chain, IReadOnlyList<ChainFile> files) => new()
    {
        Needed = files.Count > 0,
        ServerUuid = chain.ServerUuid,
        Files = files.Select(f => f.Entry.File).ToList(),
        Bytes = files.Sum(f => f.Entry.Size),
    };

    private static string OutsideWindow(RecoveryWindow window, DateTimeOffset time)
    {
        var replayable = window.Ranges.Where(r => !r.PointOnly).ToList();
        if (replayable.Count == 0)
        {
            return $"{Time(time)} is not restorable: no backup has verified binlogs after it, so only backup points can be restored ({string.Join(", ", window.Ranges.Select(r => Time(r.From)))}) (nothing was launched).";
        }
        var first = replayable.Min(r => r.From);
        var last = replayable.Max(r => r.To);
        var ranges = string.Join("; ", replayable.Select(r => $"{Time(r.From)} → {Time(r.To)}"));
        return time < first
            ? $"{Time(time)} is before the restorable window, which starts at {Time(first)} (nothing was launched)."
            : time > last
                ? $"{Time(time)} is after the restorable window, which ends at {Time(last)}, the last shipped event (nothing was launched)."
                : $"{Time(time)} falls in a gap of the restorable window; restorable ranges: {ranges} (nothing was launched).";
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The target is outside what the catalog can restore; nothing was launched.</summary>
public sealed class TargetNotRestorableException(string message) : Exception(message);
