using System.Text.Json;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Json;
using Lifeboat.Core.Replication;
using Lifeboat.Core.Restore;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Monitoring;

public sealed record WatchdogRequest
{
    public string? Cluster { get; init; }

    /// <summary>The cluster's lag threshold from config/clusters.json; absent means the function's MaxLagSeconds.</summary>
    public long? MaxLagSeconds { get; init; }
}

/// <summary>What the watchdog measured; every figure is also emitted as a metric, and an absent one is what the alarms call missing.</summary>
public sealed record WatchdogReport
{
    public required string Cluster { get; init; }
    public DateTimeOffset CheckedAt { get; init; }
    public double? BackupAgeSeconds { get; init; }
    public double? BinlogShippingLagSeconds { get; init; }
    public double? RestorableWindowSeconds { get; init; }
    public double? DrillAgeSeconds { get; init; }
    public bool ReplicationHealthy { get; init; }
    public long? ReplicaLagSeconds { get; init; }
    public IReadOnlyList<string> Problems { get => field ?? []; init; } = [];
}

/// <summary>
/// Runs on a schedule so that silence is detected: ages grow when nothing runs, and the alarms on them fire. Also checks
/// each replica's replication, because a replica that silently stopped replicating is how the outages behind Lifeboat began.
/// </summary>
public sealed class Watchdog(IObjectStore store, IRemoteCommands commands, ReplicaProber prober, ReplicaPolicy policy, TimeProvider clock, IProgressLog log)
{
    public async Task<WatchdogReport> CheckAsync(string cluster, long? maxLagSeconds, CancellationToken cancellationToken)
    {
        Names.RequireCluster(cluster);
        if (maxLagSeconds is < 0 or > 86_400)
        {
            throw new InvalidInputException($"maxLagSeconds {maxLagSeconds} is out of range: use 0 to 86400 seconds.");
        }
        var clusterPolicy = maxLagSeconds is { } lagLimit ? policy with { MaxLagSeconds = lagLimit } : policy;
        var now = clock.GetUtcNow();
        var reader = new CatalogReader(store);
        var binlogs = await reader.BinlogsAsync(cluster, cancellationToken);
        var window = Recovery.RestorableWindow.Compute(cluster, await reader.BackupsAsync(cluster, cancellationToken), binlogs, now);
        var problems = new List<string>();

        var newest = window.NewestVerifiedBackup?.ConsistentAt;
        var shipping = await ShippingStatus.ReadAsync(store, cluster, cancellationToken);
        var lag = ShippingLag(window.LastEventTime, shipping, binlogs, now);
        var drillAge = await LastPassedDrillAgeAsync(cluster, now, cancellationToken);
        var earliest = window.Ranges.Count > 0 ? window.Ranges.Min(r => r.From) : (DateTimeOffset?)null;
        problems.AddRange(window.Gaps.Select(g => $"binlog gap: {g.Reason}"));

        var replicas = (await commands.FindInstancesAsync(
            new Dictionary<string, string> { ["lifeboat:cluster"] = cluster, ["lifeboat:role"] = "replica" }, cancellationToken))
            .Where(i => i.Online).Select(i => i.InstanceId).ToList();
        var verdicts = replicas.Count == 0 ? [] : (await prober.ProbeAsync(replicas, cancellationToken)).Select(new ReplicaSelector(clusterPolicy).Judge).ToList();
        if (replicas.Count == 0)
        {
            problems.Add($"no online replica is tagged lifeboat:cluster={cluster}, lifeboat:role=replica");
        }
        problems.AddRange(verdicts.Where(v => !v.Healthy).Select(v => $"replica {v.InstanceId}: {string.Join("; ", v.Failures)}"));

        var report = new WatchdogReport
        {
            Cluster = cluster,
            CheckedAt = now,
            BackupAgeSeconds = newest is { } at ? Math.Round((now - at).TotalSeconds) : null,
            BinlogShippingLagSeconds = lag,
            RestorableWindowSeconds = earliest is { } from ? Math.Round((now - from).TotalSeconds) : null,
            DrillAgeSeconds = drillAge,
            ReplicationHealthy = verdicts.Count > 0 && verdicts.All(v => v.Healthy),
            ReplicaLagSeconds = verdicts.Select(v => v.Status?.SecondsBehindMaster).Max(),
            Problems = problems,
        };
        log.Metric(Metrics.Emf(cluster, now, Figures(report)));
        foreach (var problem in problems)
        {
            log.Info($"watchdog {cluster}: {problem}");
        }
        return report;
    }

    /// <summary>
    /// How far behind shipping is. When the catalog has verified everything up to where the binlog source was at the last
    /// shipping run, nothing was behind at that run (an idle server is not behind); otherwise the last cataloged event's
    /// age is the lag.
    /// </summary>
    private static double? ShippingLag(DateTimeOffset? lastEvent, ShippingStatus? shipping, IReadOnlyList<BinlogCatalogEntry> binlogs, DateTimeOffset now)
    {
        var newest = shipping is null ? null : binlogs.Where(b => b.ServerUuid == shipping.ServerUuid && b.IsVerified).MaxBy(b => b.Sequence);
        if (shipping is not null && newest is not null
            && GtidPosition.TryParse(shipping.Position, out var at) && GtidPosition.TryParse(newest.EndPosition, out var end)
            && at.BehindIn(end).Count == 0 && end.BehindIn(at).Count == 0)
        {
            return Math.Round((now - shipping.RanAt).TotalSeconds);
        }
        return lastEvent is { } time ? Math.Round((now - time).TotalSeconds) : null;
    }

    private async Task<double?> LastPassedDrillAgeAsync(string cluster, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset? newest = null;
        await foreach (var item in store.ListAsync(S3Layout.DrillCatalogFolder(cluster), cancellationToken))
        {
            var bytes = await store.GetBytesAsync(item.Key, cancellationToken);
            var record = bytes is null ? null : JsonSerializer.Deserialize(bytes, LifeboatJson.Default.DrillRecord);
            if (record is { Kind: "drill", Status: "passed" } && (newest is null || record.FinishedAt > newest))
            {
                newest = record.FinishedAt;
            }
        }
        return newest is { } at ? Math.Round((now - at).TotalSeconds) : null;
    }

    private static Dictionary<string, (double, string)> Figures(WatchdogReport report)
    {
        var figures = new Dictionary<string, (double, string)>
        {
            ["ReplicationHealthy"] = (report.ReplicationHealthy ? 1 : 0, "Count"),
        };
        void Add(string name, double? value, string unit)
        {
            if (value is { } v)
            {
                figures[name] = (v, unit);
            }
        }
        Add("BackupAgeSeconds", report.BackupAgeSeconds, "Seconds");
        Add("BinlogShippingLagSeconds", report.BinlogShippingLagSeconds, "Seconds");
        Add("RestorableWindowSeconds", report.RestorableWindowSeconds, "Seconds");
        Add("DrillAgeSeconds", report.DrillAgeSeconds, "Seconds");
        Add("ReplicaLagSeconds", report.ReplicaLagSeconds, "Seconds");
        return figures;
    }
}
