using System.Text.Json;
using Lifeboat.Core;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;

namespace Lifeboat.Sandbox;

/// <summary><c>./run sandbox catalog</c>: what is cataloged, for a person or as JSON.</summary>
public static class CatalogView
{
    public static async Task<IReadOnlyList<BackupCatalogEntry>> BackupsAsync(IObjectStore bucket, string cluster) =>
        await new BackupCatalog(bucket).ListAsync(cluster, CancellationToken.None);

    public static string Json(IReadOnlyList<BackupCatalogEntry> backups) =>
        JsonSerializer.Serialize(backups, LifeboatJson.Default.IReadOnlyListBackupCatalogEntry);

    public static IEnumerable<string> Lines(string cluster, IReadOnlyList<BackupCatalogEntry> backups)
    {
        yield return $"cluster {cluster}: {backups.Count} backup(s), {backups.Count(b => b.IsVerified)} verified";
        foreach (var b in backups)
        {
            yield return $"  {b.BackupId}  {b.Status,-8}  consistent at {b.ConsistentAt:yyyy-MM-dd HH:mm:ss}Z  gtid {b.GtidSlavePos}  " +
                         $"{TransferProgress.Format(b.CompressedBytes)} ({TransferProgress.Format(b.RawBytes)} raw)  {b.TableCount} tables, {b.TotalRows} rows  from {b.SourceInstanceId}";
            foreach (var reason in b.Reasons)
            {
                yield return $"      ✗ {reason}";
            }
        }
    }
}
