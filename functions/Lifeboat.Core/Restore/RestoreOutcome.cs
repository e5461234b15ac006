using System.Globalization;
using System.Text.Json;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Restore;

/// <summary>The restore workflow's last steps: judge the validation report, and record the drill in the catalog.</summary>
public sealed class RestoreOutcome(IObjectStore store, TimeProvider clock, IProgressLog log)
{
    public async Task<RestoreVerdict> JudgeAsync(JudgeRestoreInput input, CancellationToken cancellationToken)
    {
        var plan = input.Plan;
        var manifestBytes = await store.GetBytesAsync(S3Layout.BackupManifest(plan.Cluster, plan.Backup.Id), cancellationToken)
            ?? throw new ObjectNotFoundException(S3Layout.BackupManifest(plan.Cluster, plan.Backup.Id));
        var reportBytes = await store.GetBytesAsync(plan.ReportKey, cancellationToken)
            ?? throw new ObjectNotFoundException(plan.ReportKey);
        var manifest = JsonSerializer.Deserialize(manifestBytes, LifeboatJson.Default.BackupManifest)!;
        var report = JsonSerializer.Deserialize(reportBytes, LifeboatJson.Default.ValidationReport)!;
        var verdict = RestoreJudge.Judge(plan, manifest, report, input.Replay);
        log.Info(verdict.Summary);
        return verdict;
    }

    public async Task<DrillRecord> RecordAsync(RecordDrillInput input, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var plan = input.Plan;
        var cluster = plan?.Cluster ?? throw new InvalidInputException("the record step needs the plan: the restore was refused before it had one");
        var phases = new Dictionary<string, double>();
        if (input.Restore?.Result is { ValueKind: JsonValueKind.Object } restored && restored.TryGetProperty("phases", out var documentPhases))
        {
            foreach (var phase in documentPhases.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number))
            {
                phases[phase.Name] = phase.Value.GetDouble();
            }
        }
        if (input.Replay is { ValueKind: JsonValueKind.Object } replay && replay.TryGetProperty("durationSeconds", out var replaySeconds) && replaySeconds.ValueKind == JsonValueKind.Number)
        {
            phases["replay"] = replaySeconds.GetDouble();
        }
        if (input.Validation?.DurationSeconds is { } validateSeconds)
        {
            phases["validate"] = validateSeconds;
        }
        var error = input.Error is { ValueKind: JsonValueKind.Object } e
            ? $"{Text(e, "Error")}: {Text(e, "Cause")}"
            : null;
        var record = new DrillRecord
        {
            Kind = plan.Mode == RestoreModes.Drill ? "drill" : "restore",
            Cluster = cluster,
            ExecutionName = input.ExecutionName,
            Mode = plan.Mode,
            Status = error is null && input.Verdict?.Passed == true ? "passed" : "failed",
            StartedAt = input.StartedAt,
            FinishedAt = now,
            TotalSeconds = Math.Round((now - input.StartedAt).TotalSeconds, 1),
            BackupId = plan.Backup.Id,
            Source = plan.Source,
            Target = plan.Target.Description,
            InstanceId = input.InstanceId,
            Phases = phases,
            RawBytes = plan.Backup.RawBytes,
            ReplayBytes = plan.Replay.Bytes,
            Summary = input.Verdict?.Summary ?? error,
            Failures = input.Verdict?.Failures ?? [],
            Error = error,
        };
        await store.PutAsync(S3Layout.DrillCatalogEntry(cluster, input.ExecutionName),
            JsonSerializer.SerializeToUtf8Bytes(record, LifeboatJson.Default.DrillRecord), "application/json", cancellationToken);
        log.Info($"{record.Kind} {input.ExecutionName} of {cluster}: {record.Status} in {record.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s — {record.Summary}");
        var metrics = new Dictionary<string, (double, string)>
        {
            [record.Kind == "drill" ? "DrillSuccess" : "RestoreSuccess"] = (record.Status == "passed" ? 1 : 0, "Count"),
            [record.Kind == "drill" ? "DrillSeconds" : "RestoreSeconds"] = (record.TotalSeconds, "Seconds"),
        };
        foreach (var (phase, seconds) in phases)
        {
            metrics[$"{(record.Kind == "drill" ? "Drill" : "Restore")}Phase{char.ToUpperInvariant(phase[0])}{phase[1..]}Seconds"] = (seconds, "Seconds");
        }
        if (phases.TryGetValue("download", out var download) && download > 0)
        {
            metrics["RestoreBytesPerSecond"] = (record.RawBytes / download, "Bytes/Second");
        }
        log.Metric(Metrics.Emf(cluster, now, metrics));
        return record;
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
