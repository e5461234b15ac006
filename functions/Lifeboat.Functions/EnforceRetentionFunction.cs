using System.Text.Json;
using Lifeboat.Core;
using Lifeboat.Core.Json;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Storage;

namespace Lifeboat.Functions;

/// <summary>
/// Daily, and on each backup catalog entry: enforce retention. Input is the schedule's
/// <c>{ "cluster": "…", "dryRun": false }</c> or an S3 event on <c>catalog/</c>; binlog entries do not trigger a run.
/// </summary>
public sealed class EnforceRetentionFunction
{
    private readonly RetentionEnforcement _enforcement;
    private readonly string _cluster;
    private readonly IProgressLog _log;

    public EnforceRetentionFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public EnforceRetentionFunction(FunctionSettings settings)
    {
        _log = new ConsoleProgressLog(settings.Deployment);
        _cluster = settings.Required("CLUSTER_NAME");
        var policy = new RetentionPolicy
        {
            WindowDays = (int)settings.Long("RETENTION_DAYS", 30),
            WeeklyTiers = (int)settings.Long("WEEKLY_TIERS", 0),
            MonthlyTiers = (int)settings.Long("MONTHLY_TIERS", 0),
        };
        _enforcement = new RetentionEnforcement(Adapters.Bucket(settings), policy, TimeProvider.System, _log);
    }

    public async Task<Stream> Handle(Stream input)
    {
        using var document = await JsonDocument.ParseAsync(input);
        var results = new List<RetentionResult>();
        if (document.RootElement.TryGetProperty("Records", out _))
        {
            var notification = document.RootElement.Deserialize(LifeboatJson.Default.S3EventNotification)!;
            var clusters = notification.CreatedKeys
                .Select(S3Layout.ParseBackupCatalogKey)
                .OfType<string>()
                .Distinct();
            foreach (var cluster in clusters)
            {
                results.Add(await _enforcement.EnforceAsync(cluster, dryRun: false, CancellationToken.None));
            }
            if (results.Count == 0)
            {
                _log.Info("no backup catalog entry in this event; retention runs on backups and on its schedule");
            }
        }
        else
        {
            var request = document.RootElement.Deserialize(LifeboatJson.Default.RetentionRequest)
                ?? throw new InvalidInputException("the input is empty: expected { \"cluster\": \"…\", \"dryRun\": true|false }");
            results.Add(await _enforcement.EnforceAsync(request.Cluster ?? _cluster, request.DryRun, CancellationToken.None));
        }
        return LambdaIO.Write<IReadOnlyList<RetentionResult>>(results, LifeboatJson.Default.IReadOnlyListRetentionResult);
    }
}
