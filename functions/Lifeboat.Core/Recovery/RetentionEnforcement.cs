using Lifeboat.Core.Catalog;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Recovery;

public sealed record RetentionRequest
{
    public string? Cluster { get; init; }
    /// <summary>Plan and print, delete nothing.</summary>
    public bool DryRun { get; init; }
}

public sealed record RetentionResult
{
    public required string Cluster { get; init; }
    public bool DryRun { get; init; }
    public string? AnchorBackupId { get; init; }
    public int KeptItems { get; init; }
    public int DeletedItems { get; init; }
    public int DeletedObjects { get; init; }
    public IReadOnlyList<string> Plan { get; init; } = [];
}

/// <summary>
/// EnforceRetention's use case: read the catalog, plan, and delete in the plan's order (data, then manifests, then
/// catalog entries), logging every deletion with its reason.
/// </summary>
public sealed class RetentionEnforcement(IObjectStore store, RetentionPolicy policy, TimeProvider clock, IProgressLog log)
{
    public async Task<RetentionResult> EnforceAsync(string cluster, bool dryRun, CancellationToken cancellationToken)
    {
        Names.RequireCluster(cluster);
        var reader = new CatalogReader(store);
        var backups = await reader.BackupsAsync(cluster, cancellationToken);
        var binlogs = await reader.BinlogsAsync(cluster, cancellationToken);
        var orphans = await OrphansAsync(cluster, backups, cancellationToken);
        var plan = RetentionPlanner.Plan(policy, backups, binlogs, orphans, clock.GetUtcNow());
        var lines = plan.Describe();
        foreach (var line in lines)
        {
            log.Info((dryRun ? "[dry run] " : "") + line);
        }
        if (!dryRun)
        {
            var reasonOf = plan.Delete.SelectMany(item => item.Keys.Select(key => (key, item.Reason))).ToDictionary(p => p.key, p => p.Reason);
            foreach (var step in plan.Steps)
            {
                await store.DeleteAsync(step.Key, cancellationToken);
                log.Info($"deleted {step.Key} ({step.Phase.ToString().ToLowerInvariant()} of {step.Item}): {reasonOf[step.Key]}");
            }
            log.Info($"retention for {cluster}: deleted {plan.Steps.Count} objects of {plan.Delete.Count} items; kept {plan.Keep.Count} items");
        }
        return new RetentionResult
        {
            Cluster = cluster,
            DryRun = dryRun,
            AnchorBackupId = plan.AnchorBackupId,
            KeptItems = plan.Keep.Count,
            DeletedItems = plan.Delete.Count,
            DeletedObjects = dryRun ? 0 : plan.Steps.Count,
            Plan = lines,
        };
    }

    /// <summary>Objects under backups/&lt;cluster&gt;/ whose backup has no catalog entry.</summary>
    private async Task<IReadOnlyList<OrphanObject>> OrphansAsync(string cluster, IReadOnlyList<BackupCatalogEntry> backups, CancellationToken cancellationToken)
    {
        var cataloged = backups.Select(b => S3Layout.BackupFolder(cluster, b.BackupId)).ToHashSet(StringComparer.Ordinal);
        var orphans = new List<OrphanObject>();
        await foreach (var item in store.ListAsync($"{S3Layout.BackupsPrefix}{cluster}/", cancellationToken))
        {
            var folder = item.Key[..(item.Key.LastIndexOf('/') + 1)];
            if (!cataloged.Contains(folder))
            {
                orphans.Add(new OrphanObject(item.Key, item.LastModified));
            }
        }
        return orphans;
    }
}
