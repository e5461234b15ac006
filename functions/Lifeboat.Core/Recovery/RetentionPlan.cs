namespace Lifeboat.Core.Recovery;

public enum RetentionItemKind
{
    Backup,
    Binlog,
    /// <summary>A backup folder with objects but no catalog entry (the backup failed before its manifest, or is in progress).</summary>
    Orphan,
}

/// <summary>One S3 object under <c>backups/</c> that has no catalog entry, as listed.</summary>
public sealed record OrphanObject(string Key, DateTimeOffset LastModified);

/// <summary>A backup, a binlog or an orphaned backup folder, with every key it owns and why it is kept or deleted.</summary>
public sealed record RetentionItem
{
    public required RetentionItemKind Kind { get; init; }
    /// <summary>The backup id, the binlog file name, or the orphan's folder key.</summary>
    public required string Name { get; init; }
    /// <summary>The binlog's server; null for backups and orphans.</summary>
    public string? ServerUuid { get; init; }
    /// <summary>The binlog's sequence number; 0 for backups and orphans.</summary>
    public long Sequence { get; init; }
    /// <summary>When its data is as of (backups), its last event (binlogs), or its newest object's time (orphans).</summary>
    public required DateTimeOffset Time { get; init; }
    /// <summary>Data objects first, then the manifest, then the catalog entry: the order they are deleted in.</summary>
    public required IReadOnlyList<string> Keys { get; init; }
    public required string Reason { get; init; }
}

public enum DeletionPhase
{
    Data,
    Manifest,
    Catalog,
}

/// <summary>One object to delete. Steps are ordered by phase across the whole plan.</summary>
public sealed record DeletionStep(DeletionPhase Phase, string Key, string Item);

/// <summary>
/// What retention keeps and deletes. The steps delete every data object before any manifest and every manifest before
/// any catalog entry, so a run that stops part-way leaves catalog entries behind, and the next run finds them and
/// finishes the job: nothing is ever left in the bucket that the catalog no longer mentions.
/// </summary>
public sealed record RetentionPlan
{
    /// <summary>The cluster the entries belong to; null when there were none.</summary>
    public string? Cluster { get; init; }
    public required DateTimeOffset ComputedAt { get; init; }
    public required RetentionPolicy Policy { get; init; }
    /// <summary>Every second from here to now stays restorable (as far as it was restorable before).</summary>
    public required DateTimeOffset WindowStart { get; init; }
    /// <summary>The verified backup the window's replay starts from; null when there is no verified backup to anchor it.</summary>
    public string? AnchorBackupId { get; init; }
    public required IReadOnlyList<RetentionItem> Keep { get; init; }
    public required IReadOnlyList<RetentionItem> Delete { get; init; }
    public required IReadOnlyList<DeletionStep> Steps { get; init; }

    /// <summary>Lines for a dry run: consecutive binlogs with the same fate are one line.</summary>
    public IReadOnlyList<string> Describe()
    {
        var anchor = AnchorBackupId is null ? "no verified backup anchors it" : $"anchor {AnchorBackupId}";
        var tiers = Policy.WeeklyTiers + Policy.MonthlyTiers == 0
            ? "no tiers"
            : $"{RecoveryText.Count(Policy.WeeklyTiers, "weekly tier")}, {RecoveryText.Count(Policy.MonthlyTiers, "monthly tier")}";
        var lines = new List<string>
        {
            $"retention for {Cluster ?? "(empty catalog)"} at {RecoveryText.Time(ComputedAt)}: every second since {RecoveryText.Time(WindowStart)} " +
            $"({RecoveryText.Count(Policy.WindowDays, "day")}), {anchor}; {tiers}; orphan grace {RecoveryText.Span(Policy.OrphanGrace)}",
        };
        lines.AddRange(Lines("keep  ", Keep));
        lines.AddRange(Lines("delete", Delete));
        lines.Add(Steps.Count == 0
            ? "nothing to delete"
            : $"delete {RecoveryText.Count(Steps.Count(s => s.Phase == DeletionPhase.Data), "data object")}, then " +
              $"{RecoveryText.Count(Steps.Count(s => s.Phase == DeletionPhase.Manifest), "manifest")}, then " +
              $"{RecoveryText.Count(Steps.Count(s => s.Phase == DeletionPhase.Catalog), "catalog entry", "catalog entries")}");
        return lines;
    }

    private static IEnumerable<string> Lines(string verb, IReadOnlyList<RetentionItem> items)
    {
        for (var i = 0; i < items.Count;)
        {
            var item = items[i];
            var end = i + 1;
            while (item.Kind == RetentionItemKind.Binlog && end < items.Count && items[end].Kind == RetentionItemKind.Binlog
                   && items[end].ServerUuid == item.ServerUuid && items[end].Reason == item.Reason
                   && items[end].Sequence == items[end - 1].Sequence + 1)
            {
                end++;
            }
            yield return item.Kind switch
            {
                RetentionItemKind.Backup => $"{verb} backup {item.Name} ({RecoveryText.Time(item.Time)}): {item.Reason}",
                RetentionItemKind.Binlog when end - i == 1 => $"{verb} binlog {item.ServerUuid} {item.Name} ({RecoveryText.Time(item.Time)}): {item.Reason}",
                RetentionItemKind.Binlog => $"{verb} binlogs {item.ServerUuid} {RecoveryText.Files(item.Name, items[end - 1].Name)} " +
                                            $"({RecoveryText.Count(end - i, "file")}, to {RecoveryText.Time(items[end - 1].Time)}): {item.Reason}",
                _ => $"{verb} orphan {item.Name} ({RecoveryText.Count(item.Keys.Count, "object")}, last written {RecoveryText.Time(item.Time)}): {item.Reason}",
            };
            i = end;
        }
    }
}
