using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Restore;

/// <param name="OffsiteBucket">The off-site copy's bucket (template parameter OffsiteBucketName); null when there is none.</param>
/// <param name="OffsiteRegion">Its region, passed to the restore target's documents; null for the deployment's own.</param>
public sealed record RestoreSettings(string Bucket, string DefaultInstanceType, string? OffsiteBucket = null, string? OffsiteRegion = null);

/// <summary>The Plan step's input: the execution's own input and name (reports and drill records are keyed by it).</summary>
public sealed record PlanRestoreInput
{
    public required RestoreRequest Request { get; init; }
    public required string ExecutionName { get; init; }
}

/// <summary>
/// The restore workflow's first step: validate, choose from the catalog, size the instance, estimate. With
/// <c>"source": "offsite"</c> the catalog, manifest, backup and binlogs come from the off-site copy (<paramref name="offsite"/>);
/// reports, assertions and drill records stay in the deployment's bucket.
/// </summary>
public sealed partial class RestorePlanning(IObjectStore store, RestoreSettings settings, TimeProvider clock, IObjectStore? offsite = null)
{
    private const long GiB = 1L << 30;
    // Rates used until drills have measured this cluster's own.
    private const double DefaultRestoreBytesPerSecond = 150e6;
    private const double DefaultReplayBytesPerSecond = 20e6;
    private const double LaunchSeconds = 120;
    private const int RecentDrills = 5;
    // gp3's largest volume.
    private const int MaxDiskGiB = 16_384;

    public async Task<RestorePlan> PlanAsync(PlanRestoreInput input, CancellationToken cancellationToken)
    {
        var request = input.Request;
        RestorePlanner.Validate(request);
        var instanceType = request.InstanceType ?? settings.DefaultInstanceType;
        if (!InstanceTypeRegex().IsMatch(instanceType))
        {
            throw new InvalidInputException($"instanceType '{Names.Shorten(instanceType)}' is not an EC2 instance type: use a name like r6i.2xlarge, or leave it out for {settings.DefaultInstanceType}.");
        }
        if (request.DiskGiB is < 1 or > MaxDiskGiB)
        {
            throw new InvalidInputException($"diskGiB {request.DiskGiB} is not a volume size: use 1 to {MaxDiskGiB} (GiB), or leave it out for the planned size.");
        }
        if (!ExecutionNameRegex().IsMatch(input.ExecutionName))
        {
            throw new InvalidInputException($"execution name '{Names.Shorten(input.ExecutionName)}' cannot name a report: use letters, digits, '-', '_', '.' and ':'.");
        }
        var fromOffsite = request.Source == RestoreSources.Offsite;
        if (fromOffsite && (offsite is null || settings.OffsiteBucket is null))
        {
            throw new InvalidInputException("source \"offsite\" needs an off-site copy, and this deployment has none: deploy with OffsiteBucketName, OffsiteRegion and OffsiteKmsKeyArn (README, \"The off-site copy\"), or leave source out.");
        }
        var source = fromOffsite ? offsite! : store;
        var sourceBucket = fromOffsite ? settings.OffsiteBucket! : settings.Bucket;
        var sourceRegion = fromOffsite ? settings.OffsiteRegion ?? "" : "";
        var cluster = request.Cluster!;
        var reader = new CatalogReader(source);
        var choice = RestorePlanner.Choose(request, await reader.BackupsAsync(cluster, cancellationToken), await reader.BinlogsAsync(cluster, cancellationToken), clock.GetUtcNow());
        var backup = choice.Backup;
        var manifestBytes = await source.GetBytesAsync(backup.ManifestKey, cancellationToken)
            ?? throw new TargetNotRestorableException($"backup {backup.BackupId} is cataloged but its manifest {backup.ManifestKey} is gone (nothing was launched).");
        var manifest = JsonSerializer.Deserialize(manifestBytes, LifeboatJson.Default.BackupManifest)!;
        var reportKey = $"{S3Layout.ReportsPrefix}{cluster}/{input.ExecutionName}/validation.json";
        var replay = choice.Replay;

        return new RestorePlan
        {
            Cluster = cluster,
            Mode = request.Mode!,
            KeepInstance = request.KeepInstance,
            InstanceType = instanceType,
            Source = fromOffsite ? RestoreSources.Offsite : RestoreSources.Primary,
            SourceBucket = sourceBucket,
            DiskGiB = request.DiskGiB ?? DiskGiB(manifest, replay),
            Backup = new RestoreSource
            {
                Id = backup.BackupId,
                Sha256 = backup.Sha256!,
                RawBytes = backup.RawBytes,
                CompressedBytes = backup.CompressedBytes,
                ConsistentAt = backup.ConsistentAt!.Value,
                GtidPosition = backup.GtidSlavePos!,
            },
            Target = choice.Target,
            Replay = replay,
            EtaSeconds = await EtaSecondsAsync(cluster, manifest.Sizes.RawBytes, replay.Bytes, cancellationToken),
            RestoreParameters = new Dictionary<string, string>
            {
                ["Cluster"] = cluster,
                ["Bucket"] = sourceBucket,
                ["Region"] = sourceRegion,
                ["BackupId"] = backup.BackupId,
                ["Sha256"] = backup.Sha256!,
                ["RawBytes"] = manifest.Sizes.RawBytes.ToString(CultureInfo.InvariantCulture),
                ["SqlMode"] = manifest.Settings?.SqlMode ?? "",
                ["CharacterSetServer"] = manifest.Settings?.CharacterSetServer ?? "utf8mb4",
                ["CollationServer"] = manifest.Settings?.CollationServer ?? "utf8mb4_general_ci",
                ["LowerCaseTableNames"] = (manifest.Settings?.LowerCaseTableNames ?? 0).ToString(CultureInfo.InvariantCulture),
            },
            ReplayParameters = replay.Needed
                ? new Dictionary<string, string>
                {
                    ["Cluster"] = cluster,
                    ["Bucket"] = sourceBucket,
                    ["Region"] = sourceRegion,
                    ["ServerUuid"] = replay.ServerUuid!,
                    ["Files"] = string.Join(',', replay.Files),
                    ["StartPosition"] = backup.GtidSlavePos!,
                    ["StopDatetime"] = choice.Target.Time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                    ["StopBeforeGtid"] = choice.Target.BeforeGtid ?? "",
                }
                : null,
            ValidateParameters = new Dictionary<string, string>
            {
                ["Cluster"] = cluster,
                ["Bucket"] = settings.Bucket,
                ["ReportKey"] = reportKey,
                ["CheckTables"] = "all",
                ["AssertionsKey"] = await store.HeadAsync(S3Layout.ClusterAssertions(cluster), cancellationToken) is null ? "" : S3Layout.ClusterAssertions(cluster),
            },
            ReportKey = reportKey,
        };
    }

    /// <summary>From the rates recent passed drills and restores achieved on this cluster; defaults until there are some.</summary>
    private async Task<double> EtaSecondsAsync(string cluster, long rawBytes, long replayBytes, CancellationToken cancellationToken)
    {
        var recent = new List<StoredObject>();
        await foreach (var item in store.ListAsync(S3Layout.DrillCatalogFolder(cluster), cancellationToken))
        {
            recent.Add(item);
        }
        var restoreRates = new List<double>();
        var replayRates = new List<double>();
        foreach (var item in recent.OrderByDescending(i => i.LastModified).Take(RecentDrills))
        {
            var bytes = await store.GetBytesAsync(item.Key, cancellationToken);
            var record = bytes is null ? null : JsonSerializer.Deserialize(bytes, LifeboatJson.Default.DrillRecord);
            if (record?.Status != "passed")
            {
                continue;
            }
            var restoreSeconds = new[] { "download", "prepare", "start" }.Sum(p => record.Phases.GetValueOrDefault(p));
            if (restoreSeconds > 0 && record.RawBytes > 0)
            {
                restoreRates.Add(record.RawBytes / restoreSeconds);
            }
            if (record.Phases.GetValueOrDefault("replay") is > 0 and var replaySeconds && record.ReplayBytes > 0)
            {
                replayRates.Add(record.ReplayBytes / replaySeconds);
            }
        }
        var restoreRate = restoreRates.Count > 0 ? restoreRates.Average() : DefaultRestoreBytesPerSecond;
        var replayRate = replayRates.Count > 0 ? replayRates.Average() : DefaultReplayBytesPerSecond;
        return Math.Round(LaunchSeconds + (rawBytes / restoreRate) + (replayBytes / replayRate));
    }

    /// <summary>Room for the restored datadir, the downloaded binlogs and working space, with headroom.</summary>
    private static int DiskGiB(BackupManifest manifest, RestoreReplay replay)
    {
        // The restore extracts the stream while it downloads it, with at most six parts of 16 MiB on this disk at a
        // time (ssm/restore.yaml): the working space holds them, the compressed stream needs no room of its own.
        var bytes = (manifest.Sizes.RawBytes * 1.3) + (replay.Bytes * 2.0) + (10 * GiB);
        return (int)Math.Max(20, Math.Ceiling(bytes / GiB));
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,15}\.[a-z0-9]{1,16}\z")]
    private static partial Regex InstanceTypeRegex();

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,80}\z")]
    private static partial Regex ExecutionNameRegex();
}
