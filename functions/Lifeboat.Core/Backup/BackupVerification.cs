using System.Security.Cryptography;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Backup;

/// <summary>VerifyBackup's use case: a manifest arrived; measure the stream, judge, catalog once.</summary>
public sealed class BackupVerification(IObjectStore store, TimeProvider clock, IProgressLog log)
{
    private readonly BackupCatalog _catalog = new(store);

    /// <summary>Returns the entry now in the catalog (the existing one when S3 delivered the event again).</summary>
    public async Task<BackupCatalogEntry> VerifyAsync(string cluster, string backupId, CancellationToken cancellationToken)
    {
        var existing = (await _catalog.ListAsync(cluster, cancellationToken)).ToList();
        var already = existing.FirstOrDefault(e => e.BackupId == backupId);
        if (already is not null)
        {
            log.Info($"backup {cluster}/{backupId} is already cataloged as {already.Status}; event ignored");
            return already;
        }

        var manifestBytes = await store.GetBytesAsync(S3Layout.BackupManifest(cluster, backupId), cancellationToken)
            ?? throw new ObjectNotFoundException(S3Layout.BackupManifest(cluster, backupId));
        var manifest = BackupVerifier.TryParse(manifestBytes, out var manifestError);
        var stream = await MeasureStreamAsync(S3Layout.BackupStream(cluster, backupId), cancellationToken);
        var previous = existing
            .Where(e => e.IsVerified && string.CompareOrdinal(e.BackupId, backupId) < 0)
            .MaxBy(e => e.BackupId, StringComparer.Ordinal);

        var entry = BackupVerifier.Judge(cluster, backupId, manifest, manifestError, stream, previous, clock.GetUtcNow());
        if (!await _catalog.AddAsync(entry, cancellationToken))
        {
            log.Info($"backup {cluster}/{backupId} was cataloged concurrently; keeping the first entry");
            return await _catalog.GetAsync(cluster, backupId, cancellationToken) ?? entry;
        }
        var seconds = entry.StartedAt is { } started && entry.FinishedAt is { } finished ? (finished - started).TotalSeconds : 0;
        var metrics = new Dictionary<string, (double, string)>
        {
            ["VerificationFailures"] = (entry.IsVerified ? 0 : 1, "Count"),
            ["BackupRawBytes"] = (entry.RawBytes, "Bytes"),
            ["BackupCompressedBytes"] = (entry.CompressedBytes, "Bytes"),
            ["BackupDurationSeconds"] = (seconds, "Seconds"),
        };
        if (seconds > 0)
        {
            metrics["BackupThroughputBytesPerSecond"] = (entry.RawBytes / seconds, "Bytes/Second");
        }
        if (manifest?.Source.ReplicaLagSeconds is { } lag)
        {
            metrics["ReplicaLagAtBackupSeconds"] = (lag, "Seconds");
        }
        log.Metric(Metrics.Emf(cluster, clock.GetUtcNow(), metrics));
        return entry;
    }

    private async Task<StreamFacts> MeasureStreamAsync(string key, CancellationToken cancellationToken)
    {
        var head = await store.HeadAsync(key, cancellationToken);
        if (head is null)
        {
            return new StreamFacts(false, 0, null);
        }
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var body = await store.OpenReadAsync(key, cancellationToken);
        var progress = new TransferProgress($"verify {key}", head.Size, log, clock);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            progress.Advance(read);
        }
        progress.Complete();
        return new StreamFacts(true, progress.Bytes, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }
}
