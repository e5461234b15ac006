using System.Text.Json;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Catalog;

/// <summary>Reads and writes backup entries under <c>catalog/&lt;cluster&gt;/backups/</c>.</summary>
public sealed class BackupCatalog(IObjectStore store)
{
    public async Task<IReadOnlyList<BackupCatalogEntry>> ListAsync(string cluster, CancellationToken cancellationToken)
    {
        var entries = new List<BackupCatalogEntry>();
        await foreach (var item in store.ListAsync(S3Layout.BackupCatalogFolder(cluster), cancellationToken))
        {
            if (!item.Key.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }
            var bytes = await store.GetBytesAsync(item.Key, cancellationToken);
            if (bytes is not null)
            {
                entries.Add(JsonSerializer.Deserialize(bytes, LifeboatJson.Default.BackupCatalogEntry)
                    ?? throw new InvalidDataException($"catalog entry {item.Key} is empty"));
            }
        }
        return entries.OrderBy(e => e.BackupId, StringComparer.Ordinal).ToList();
    }

    public async Task<BackupCatalogEntry?> GetAsync(string cluster, string backupId, CancellationToken cancellationToken)
    {
        var bytes = await store.GetBytesAsync(S3Layout.BackupCatalogEntry(cluster, backupId), cancellationToken);
        return bytes is null ? null : JsonSerializer.Deserialize(bytes, LifeboatJson.Default.BackupCatalogEntry);
    }

    public Task<bool> AddAsync(BackupCatalogEntry entry, CancellationToken cancellationToken) =>
        store.PutIfAbsentAsync(
            S3Layout.BackupCatalogEntry(entry.Cluster, entry.BackupId),
            JsonSerializer.SerializeToUtf8Bytes(entry, LifeboatJson.Default.BackupCatalogEntry),
            "application/json",
            cancellationToken);
}
