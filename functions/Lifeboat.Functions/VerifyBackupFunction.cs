using Lifeboat.Core;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;

namespace Lifeboat.Functions;

/// <summary>S3 event on <c>backups/…/manifest.json</c>: verify the backup and catalog the verdict once.</summary>
public sealed class VerifyBackupFunction
{
    private readonly BackupVerification _verification;
    private readonly IProgressLog _log;

    public VerifyBackupFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public VerifyBackupFunction(FunctionSettings settings)
    {
        _log = new ConsoleProgressLog(settings.Deployment);
        _verification = new BackupVerification(Adapters.Bucket(settings), TimeProvider.System, _log);
    }

    public async Task<Stream> Handle(Stream input)
    {
        var notification = await LambdaIO.ReadAsync(input, LifeboatJson.Default.S3EventNotification);
        var entries = new List<BackupCatalogEntry>();
        foreach (var key in notification.CreatedKeys)
        {
            var parsed = S3Layout.ParseManifestKey(key);
            if (parsed is null)
            {
                _log.Info($"ignoring {key}: not a backup manifest key");
                continue;
            }
            var (cluster, backupId) = parsed.Value;
            var entry = await _verification.VerifyAsync(cluster, backupId, CancellationToken.None);
            _log.Info($"backup {cluster}/{backupId}: {entry.Status}{(entry.Reasons.Count > 0 ? " — " + string.Join("; ", entry.Reasons) : "")}");
            entries.Add(entry);
        }
        return LambdaIO.Write<IReadOnlyList<BackupCatalogEntry>>(entries, LifeboatJson.Default.IReadOnlyListBackupCatalogEntry);
    }
}
