using System.Text.Json;
using System.Text.Json.Nodes;
using Lifeboat.Core;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Storage;

namespace Lifeboat.Sandbox;

/// <summary><c>./run sandbox catalog</c>: what can be restored to, and what is cataloged, for a person or as JSON.</summary>
public sealed record CatalogView(RecoveryWindow Window, IReadOnlyList<BackupCatalogEntry> Backups, IReadOnlyList<BinlogCatalogEntry> Binlogs, SizeAudit? Size)
{
    public static async Task<CatalogView> LoadAsync(IObjectStore bucket, string cluster)
    {
        var reader = new CatalogReader(bucket);
        var backups = await reader.BackupsAsync(cluster, CancellationToken.None);
        var binlogs = await reader.BinlogsAsync(cluster, CancellationToken.None);
        return new CatalogView(RestorableWindow.Compute(cluster, backups, binlogs, DateTimeOffset.UtcNow), backups, binlogs, await SizeAsync(bucket, backups));
    }

    /// <summary>Growth from the oldest to the newest verified backup in the catalog (the window's span), from their manifests.</summary>
    private static async Task<SizeAudit?> SizeAsync(IObjectStore bucket, IReadOnlyList<BackupCatalogEntry> backups)
    {
        var verified = backups.Where(b => b.IsVerified).OrderBy(b => b.ConsistentAt).ToList();
        if (verified.Count == 0)
        {
            return null;
        }
        async Task<Core.Backup.BackupManifest?> Manifest(BackupCatalogEntry entry) =>
            await bucket.GetBytesAsync(entry.ManifestKey, CancellationToken.None) is { } bytes
                ? JsonSerializer.Deserialize(bytes, LifeboatJson.Default.BackupManifest)
                : null;
        var first = await Manifest(verified[0]);
        var last = await Manifest(verified[^1]);
        return first is null || last is null ? null : SizeAudit.Compute(first, last);
    }

    public string Json() => new JsonObject
    {
        ["window"] = JsonSerializer.SerializeToNode(Window, LifeboatJson.Default.RecoveryWindow),
        ["backups"] = JsonSerializer.SerializeToNode(Backups, LifeboatJson.Default.IReadOnlyListBackupCatalogEntry),
        ["binlogs"] = JsonSerializer.SerializeToNode(Binlogs, LifeboatJson.Default.IReadOnlyListBinlogCatalogEntry),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public IEnumerable<string> Lines()
    {
        foreach (var line in Window.Describe())
        {
            yield return line;
        }
        yield return $"backups: {Backups.Count}, {Backups.Count(b => b.IsVerified)} verified";
        if (Size is not null)
        {
            yield return Size.Describe();
        }
        foreach (var b in Backups)
        {
            yield return $"  {b.BackupId}  {b.Status,-8}  consistent at {b.ConsistentAt:yyyy-MM-dd HH:mm:ss}Z  gtid {b.GtidSlavePos}  " +
                         $"{TransferProgress.Format(b.CompressedBytes)} ({TransferProgress.Format(b.RawBytes)} raw)  {b.TableCount} tables, {b.TotalRows} rows  from {b.SourceInstanceId}";
            foreach (var reason in b.Reasons)
            {
                yield return $"      ✗ {reason}";
            }
        }
        foreach (var server in Binlogs.GroupBy(b => b.ServerUuid))
        {
            var files = server.ToList();
            yield return $"binlogs of {server.Key}: {files.Count} files ({files[0].File} … {files[^1].File}), {files.Count(f => f.IsVerified)} verified, " +
                         $"{TransferProgress.Format(files.Sum(f => f.Size))}, last event {files[^1].LastEventTime:yyyy-MM-dd HH:mm:ss}Z";
            foreach (var failed in files.Where(f => !f.IsVerified))
            {
                yield return $"      ✗ {failed.File}: {string.Join("; ", failed.Reasons)}";
            }
        }
    }
}
