using System.Globalization;
using System.Text.Json;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Binlogs;

/// <summary>
/// Where a cluster's binlogs come from (a fixed instance, or the one tagged as the cluster's primary), and the cadence
/// of a scheduled run: <paramref name="Passes"/> flush-and-upload passes, each begun <paramref name="PassIntervalSeconds"/>
/// after the one before (the BinlogShippingPasses and BinlogShippingPassIntervalSeconds parameters).
/// </summary>
public sealed record BinlogShippingSettings(string Cluster, string Bucket, string Document, string? SourceInstanceId, int Passes = 1, int PassIntervalSeconds = 30)
{
    public const int MaxPasses = 4;
    public const int MinPassIntervalSeconds = 10;
    public const int MaxPassIntervalSeconds = 60;
}

public sealed record ShipBinlogsRequest
{
    public string? Cluster { get; init; }

    /// <summary>"by-tag" or an instance id, from config/clusters.json; absent means the function's BinlogSourceInstanceId.</summary>
    public string? BinlogSource { get; init; }

    /// <summary>1 to 4 passes for this run; absent means the deployment's BinlogShippingPasses. 1 ships once, now.</summary>
    public int? Passes { get; init; }
}

public sealed record ShipBinlogsResult
{
    public required string Cluster { get; init; }
    public required string InstanceId { get; init; }
    public required string CommandId { get; init; }
    /// <summary>The document's own result: serverUuid, flushed, shipped, bytes, files, position (the newest pass's), and each pass's.</summary>
    public JsonElement? Result { get; init; }
}

/// <summary>
/// One shipping run: find the binlog source, run the shipping document there (one command, however many passes), report
/// what it shipped. A failure in any pass fails the run.
/// </summary>
public sealed class BinlogShipper(IRemoteCommands commands, IObjectStore store, BinlogShippingSettings settings, TimeProvider clock, IProgressLog log)
{
    /// <summary>The whole run, waits between passes included; the longest cadence (3 waits of 60 s) leaves 7 minutes to upload.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public async Task<ShipBinlogsResult> ShipAsync(ShipBinlogsRequest request, CancellationToken cancellationToken)
    {
        var cluster = request.Cluster ?? settings.Cluster;
        Names.RequireCluster(cluster);
        if (settings.Passes is < 1 or > BinlogShippingSettings.MaxPasses
            || settings.PassIntervalSeconds is < BinlogShippingSettings.MinPassIntervalSeconds or > BinlogShippingSettings.MaxPassIntervalSeconds)
        {
            throw new InvalidOperationException(
                $"the function's shipping cadence ({settings.Passes} passes, {settings.PassIntervalSeconds} s apart) is out of range: the template's " +
                $"BinlogShippingPasses allows 1 to {BinlogShippingSettings.MaxPasses} and BinlogShippingPassIntervalSeconds " +
                $"{BinlogShippingSettings.MinPassIntervalSeconds} to {BinlogShippingSettings.MaxPassIntervalSeconds}.");
        }
        if (request.Passes is < 1 or > BinlogShippingSettings.MaxPasses)
        {
            throw new InvalidInputException(
                $"passes {request.Passes} is out of range: use 1 to {BinlogShippingSettings.MaxPasses} (1 ships once, now), or leave it out for the deployment's {settings.Passes}.");
        }
        var passes = request.Passes ?? settings.Passes;
        var named = request.BinlogSource switch
        {
            null => settings.SourceInstanceId,
            Clusters.ClusterConfiguration.ByTag => null,
            var id => id,
        };
        if (named is not null)
        {
            Names.RequireInstanceId(named);
            await Clusters.ClusterMembership.RequireAsync(commands, cluster, named, "binlog source", cancellationToken);
        }
        var instanceId = named ?? await FindPrimaryAsync(cluster, cancellationToken);

        var result = await new CommandRunner(commands, clock).RunAsync(
            new RemoteCommand(instanceId, settings.Document,
                new Dictionary<string, string>
                {
                    ["Cluster"] = cluster,
                    ["Bucket"] = settings.Bucket,
                    ["Passes"] = passes.ToString(CultureInfo.InvariantCulture),
                    ["PassIntervalSeconds"] = settings.PassIntervalSeconds.ToString(CultureInfo.InvariantCulture),
                },
                Timeout, $"Lifeboat binlog shipping {cluster}"),
            Timeout,
            cancellationToken);
        var output = CommandFollower.LastJsonLine(result.Stdout);
        if (result.Status != CommandStates.Success)
        {
            var reason = output is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("error", out var e) ? e.GetString() : result.Stderr.Trim();
            throw new BinlogShippingFailedException($"binlog shipping on {instanceId} for cluster '{cluster}' ended {result.Status}: {reason}");
        }
        log.Info($"binlog shipping {cluster} on {instanceId}: {output}");
        // The document's position is its newest pass's: everything up to it was in closed, shipped files when this returned.
        if (output is { ValueKind: JsonValueKind.Object } shipped && shipped.TryGetProperty("serverUuid", out var uuid) && shipped.TryGetProperty("position", out var position))
        {
            await new Monitoring.ShippingStatus { ServerUuid = uuid.GetString()!, RanAt = clock.GetUtcNow(), Position = position.GetString() }
                .WriteAsync(store, cluster, cancellationToken);
        }
        return new ShipBinlogsResult { Cluster = cluster, InstanceId = instanceId, CommandId = result.CommandId, Result = output };
    }

    private async Task<string> FindPrimaryAsync(string cluster, CancellationToken cancellationToken)
    {
        var primaries = (await commands.FindInstancesAsync(
            new Dictionary<string, string> { ["lifeboat:cluster"] = cluster, ["lifeboat:role"] = "primary" },
            cancellationToken)).Where(i => i.Online).ToList();
        return primaries.Count switch
        {
            1 => primaries[0].InstanceId,
            0 => throw new BinlogShippingFailedException(
                $"cluster '{cluster}' has no online instance tagged lifeboat:role=primary: tag the binlog source, or name it as the cluster's binlogSource in config/clusters.json (the BinlogSourceInstanceId parameter for the template's one cluster)."),
            _ => throw new BinlogShippingFailedException(
                $"cluster '{cluster}' has {primaries.Count} instances tagged lifeboat:role=primary ({string.Join(", ", primaries.Select(p => p.InstanceId))}): exactly one may be the binlog source."),
        };
    }
}

public sealed class BinlogShippingFailedException(string message) : Exception(message);
