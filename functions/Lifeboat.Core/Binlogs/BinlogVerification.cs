using System.Security.Cryptography;
using System.Text.Json;
using Lifeboat.Core.Binlog;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Binlogs;

/// <summary>
/// VerifyBinlog's use case. The previous file is verified first when it is in S3 but not yet cataloged, so events that
/// arrive out of order give the same catalog as events in order; each entry is written once.
/// </summary>
public sealed class BinlogVerification(IObjectStore store, TimeProvider clock, IProgressLog log)
{
    /// <summary>How far back a verification walks to catalog uncataloged predecessors first.</summary>
    public const int MaxPredecessors = 200;

    /// <summary>The entry now in the catalog, or null when the object no longer exists.</summary>
    public Task<BinlogCatalogEntry?> VerifyAsync(string cluster, string serverUuid, string file, CancellationToken cancellationToken) =>
        VerifyAsync(cluster, serverUuid, file, MaxPredecessors, cancellationToken);

    private async Task<BinlogCatalogEntry?> VerifyAsync(string cluster, string serverUuid, string file, int predecessors, CancellationToken cancellationToken)
    {
        var catalogKey = S3Layout.BinlogCatalogEntry(cluster, serverUuid, file);
        if (await ReadEntryAsync(catalogKey, cancellationToken) is { } existing)
        {
            return existing;
        }
        var key = S3Layout.Binlog(cluster, serverUuid, file);
        var head = await store.HeadAsync(key, cancellationToken);
        if (head is null)
        {
            log.Info($"{key} no longer exists; nothing to verify");
            return null;
        }

        var previousFile = BinlogVerifier.PreviousFile(file);
        var previousShipped = previousFile is not null && await store.HeadAsync(S3Layout.Binlog(cluster, serverUuid, previousFile), cancellationToken) is not null;
        var previous = previousFile is null ? null
            : previousShipped && predecessors > 0 ? await VerifyAsync(cluster, serverUuid, previousFile, predecessors - 1, cancellationToken)
            : await ReadEntryAsync(S3Layout.BinlogCatalogEntry(cluster, serverUuid, previousFile), cancellationToken);
        var olderCataloged = previous is null && !previousShipped && await HasOlderEntriesAsync(cluster, serverUuid, file, cancellationToken);

        var (summary, sha256) = await ReadAsync(key, file, cancellationToken);
        var entry = BinlogVerifier.Judge(
            new BinlogFacts(cluster, serverUuid, file, head.Size, head.Metadata.GetValueOrDefault("sha256"), sha256, summary, previous, previousShipped, olderCataloged),
            clock.GetUtcNow());
        if (!await store.PutIfAbsentAsync(catalogKey, JsonSerializer.SerializeToUtf8Bytes(entry, LifeboatJson.Default.BinlogCatalogEntry), "application/json", cancellationToken))
        {
            log.Info($"binlog {file} was cataloged concurrently; keeping the first entry");
            return await ReadEntryAsync(catalogKey, cancellationToken) ?? entry;
        }
        log.Info($"binlog {cluster}/{serverUuid}/{file}: {entry.Status} ({entry.Continuity}){(entry.Reasons.Count > 0 ? " — " + string.Join("; ", entry.Reasons) : "")}");
        log.Metric(Metrics.Emf(cluster, clock.GetUtcNow(), new Dictionary<string, (double, string)>
        {
            ["VerificationFailures"] = (entry.IsVerified ? 0 : 1, "Count"),
            ["BinlogBytes"] = (entry.Size, "Bytes"),
        }));
        return entry;
    }

    /// <summary>One pass over the object: the parser reads through a hashing stream, then the rest is drained into the hash.</summary>
    private async Task<(BinlogSummary Summary, string Sha256)> ReadAsync(string key, string file, CancellationToken cancellationToken)
    {
        await using var body = await store.OpenReadAsync(key, cancellationToken);
        using var hashing = new HashingReadStream(body);
        var summary = BinlogSummary.Read(hashing, file);
        hashing.Drain();
        return (summary, hashing.Sha256());
    }

    private async Task<bool> HasOlderEntriesAsync(string cluster, string serverUuid, string file, CancellationToken cancellationToken)
    {
        var sequence = BinlogVerifier.Sequence(file);
        await foreach (var item in store.ListAsync(S3Layout.BinlogCatalogServerFolder(cluster, serverUuid), cancellationToken))
        {
            var name = item.Key[(item.Key.LastIndexOf('/') + 1)..^".json".Length];
            if (BinlogVerifier.Sequence(name) < sequence)
            {
                return true;
            }
        }
        return false;
    }

    private async Task<BinlogCatalogEntry?> ReadEntryAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await store.GetBytesAsync(key, cancellationToken);
        return bytes is null ? null : JsonSerializer.Deserialize(bytes, LifeboatJson.Default.BinlogCatalogEntry);
    }

    /// <summary>A read-only pass-through that hashes every byte read.</summary>
    private sealed class HashingReadStream(Stream inner) : ReadOnlyStream
    {
        private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            _sha.AppendData(buffer[..read]);
            return read;
        }

        public void Drain()
        {
            var buffer = new byte[1 << 16];
            while (Read(buffer) > 0)
            {
            }
        }

        public string Sha256() => Convert.ToHexStringLower(_sha.GetHashAndReset());

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _sha.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
