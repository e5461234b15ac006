using Lifeboat.Core;
using Lifeboat.Core.Binlogs;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;

namespace Lifeboat.Functions;

/// <summary>S3 event on <c>binlogs/…</c>: parse the binlog, check it and its continuity, catalog the verdict once.</summary>
public sealed class VerifyBinlogFunction
{
    private readonly BinlogVerification _verification;
    private readonly IProgressLog _log;

    public VerifyBinlogFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public VerifyBinlogFunction(FunctionSettings settings)
    {
        _log = new ConsoleProgressLog(settings.Deployment);
        _verification = new BinlogVerification(Adapters.Bucket(settings), TimeProvider.System, _log);
    }

    public async Task<Stream> Handle(Stream input)
    {
        var notification = await LambdaIO.ReadAsync(input, LifeboatJson.Default.S3EventNotification);
        var entries = new List<BinlogCatalogEntry>();
        foreach (var key in notification.CreatedKeys)
        {
            var parsed = S3Layout.ParseBinlogKey(key);
            if (parsed is null)
            {
                _log.Info($"ignoring {key}: not a binlog key");
                continue;
            }
            var (cluster, serverUuid, file) = parsed.Value;
            if (await _verification.VerifyAsync(cluster, serverUuid, file, CancellationToken.None) is { } entry)
            {
                entries.Add(entry);
            }
        }
        return LambdaIO.Write<IReadOnlyList<BinlogCatalogEntry>>(entries, LifeboatJson.Default.IReadOnlyListBinlogCatalogEntry);
    }
}
