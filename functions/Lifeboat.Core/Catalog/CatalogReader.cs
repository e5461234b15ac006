using System.Collections.Concurrent;
using System.Text.Json;
using Lifeboat.Core.Json;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Catalog;

/// <summary>Everything cataloged for a cluster, and the answers built on it (what can I restore to?).</summary>
public sealed class CatalogReader(IObjectStore store)
{
    /// <summary>Entries are small; reading many at once is what makes a month of per-minute binlogs quick to load.</summary>
    private const int Parallelism = 16;

    public Task<IReadOnlyList<BackupCatalogEntry>> BackupsAsync(string cluster, CancellationToken cancellationToken) =>
        new BackupCatalog(store).ListAsync(cluster, cancellationToken);

    public async Task<IReadOnlyList<BinlogCatalogEntry>> BinlogsAsync(string cluster, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var item in store.ListAsync(S3Layout.BinlogCatalogFolder(cluster), cancellationToken))
        {
            if (item.Key.EndsWith(".json", StringComparison.Ordinal))
            {
                keys.Add(item.Key);
            }
        }
        var entries = new ConcurrentBag<BinlogCatalogEntry>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            if (await store.GetBytesAsync(key, ct) is { } bytes)
            {
                entries.Add(JsonSerializer.Deserialize(bytes, LifeboatJson.Default.BinlogCatalogEntry)
                    ?? throw new InvalidDataException($"catalog entry {key} is empty"));
            }
        });
        return entries.OrderBy(e => e.ServerUuid, StringComparer.Ordinal).ThenBy(e => e.Sequence).ToList();
    }

    public async Task<RecoveryWindow> WindowAsync(string cluster, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Names.RequireCluster(cluster);
        var backups = await BackupsAsync(cluster, cancellationToken);
        var binlogs = await BinlogsAsync(cluster, cancellationToken);
        return RestorableWindow.Compute(cluster, backups, binlogs, now);
    }
}
