using System.Text.Json;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Replication;

namespace Lifeboat.Core.Restore;

/// <summary>What ssm/validate-restore.yaml reports about the restored server (built as JSON on the server).</summary>
public sealed record ValidationReport
{
    public ReportedServer? Server { get; init; }
    public IReadOnlyList<ReportedTable> Tables { get => field ?? []; init; } = [];
    public IReadOnlyList<ReportedAssertion> Assertions { get => field ?? []; init; } = [];
}

/// <summary>One of the cluster's own assertion queries, run on the restored server: it passes when it returns 1.</summary>
public sealed record ReportedAssertion
{
    public required string Name { get; init; }
    public bool Passed { get; init; }
    public string? Result { get; init; }
    public string? Error { get; init; }
}

/// <summary>The restored server's identity and position.</summary>
public sealed record ReportedServer
{
    public string? Version { get; init; }
    public string? GtidSlavePos { get; init; }
    public string? SqlMode { get; init; }
    public string? CharacterSetServer { get; init; }
    public string? CollationServer { get; init; }
    public int? LowerCaseTableNames { get; init; }
    public long? InnodbPageSize { get; init; }

    public ServerSettings Settings => new()
    {
        Version = Version, SqlMode = SqlMode, CharacterSetServer = CharacterSetServer, CollationServer = CollationServer,
        LowerCaseTableNames = LowerCaseTableNames, InnodbPageSize = InnodbPageSize,
    };
}

/// <summary>One table: its exact row count and CHECK TABLE's verdict (<c>check</c> is the status, e.g. "OK").</summary>
public sealed record ReportedTable
{
    public required string Schema { get; init; }
    public required string Table { get; init; }
    /// <summary>Null when the table could not be counted (then <see cref="CountError"/> says why).</summary>
    public long? Rows { get; init; }
    public string? CountError { get; init; }
    public bool Checked { get; init; }
    public string? Check { get; init; }
    public bool CheckFailed { get; init; }
}

public sealed record JudgeRestoreInput
{
    public required RestorePlan Plan { get; init; }
    /// <summary>The replay document's result; empty when nothing was replayed.</summary>
    public JsonElement? Replay { get; init; }
}

public sealed record RestoreVerdict
{
    public bool Passed { get; init; }
    public IReadOnlyList<string> Failures { get => field ?? []; init; } = [];
    public required string Summary { get; init; }
    public int Tables { get; init; }
    public long Rows { get; init; }
    public int ChecksPassed { get; init; }
    public string? GtidSlavePos { get; init; }
}

/// <summary>
/// The verdict on a restored server: every check that fails is named. A drill proves the backup row for row; a replay
/// proves the server reached the planned position; every restore proves the tables are sound and the server matches the
/// source's version and key settings.
/// </summary>
public static class RestoreJudge
{
    /// <param name="replay">The replay document's result (stoppedBy, position), when binlogs were replayed.</param>
    public static RestoreVerdict Judge(RestorePlan plan, BackupManifest manifest, ValidationReport report, JsonElement? replay = null)
    {
        var failures = new List<string>();
        if (plan.Target.Kind == "backup")
        {
            CompareRowCounts(manifest, report, failures);
        }
        else
        {
            var missing = manifest.Tables.Where(t => !report.Tables.Any(r => r.Schema == t.Schema && r.Table == t.Table)).ToList();
            if (plan.Target.Kind == "latest" && missing.Count > 0)
            {
                failures.Add($"tables in the backup but not on the restored server: {string.Join(", ", missing.Select(t => $"{t.Schema}.{t.Table}"))}");
            }
        }
        if (plan.Target.Kind != "backup")
        {
            foreach (var table in report.Tables.Where(t => t.Rows is null))
            {
                failures.Add($"{table.Schema}.{table.Table} could not be counted: {table.CountError ?? "unknown error"}");
            }
        }
        foreach (var table in report.Tables.Where(t => t.CheckFailed))
        {
            failures.Add($"CHECK TABLE {table.Schema}.{table.Table}: {table.Check ?? "error"}");
        }
        foreach (var assertion in report.Assertions.Where(a => !a.Passed))
        {
            failures.Add(string.IsNullOrWhiteSpace(assertion.Error)
                ? $"assertion '{assertion.Name}' returned '{assertion.Result}', not 1"
                : $"assertion '{assertion.Name}' failed: {assertion.Error.Trim()}");
        }
        CompareSettings(manifest.Settings, report.Server?.Settings, failures);
        ComparePosition(plan, report.Server?.GtidSlavePos, replay, failures);

        var passed = failures.Count == 0;
        var summary = passed
            ? $"restore of {plan.Backup.Id} to {plan.Target.Description} passed: {report.Tables.Count} tables, {report.Tables.Sum(t => t.Rows ?? 0)} rows, {report.Tables.Count(t => t.Checked)} CHECK TABLE OK"
            : $"restore of {plan.Backup.Id} to {plan.Target.Description} failed {failures.Count} check(s): {string.Join("; ", failures)}";
        return new RestoreVerdict
        {
            Passed = passed,
            Failures = failures,
            Summary = summary,
            Tables = report.Tables.Count,
            Rows = report.Tables.Sum(t => t.Rows ?? 0),
            ChecksPassed = report.Tables.Count(t => t.Checked && !t.CheckFailed),
            GtidSlavePos = report.Server?.GtidSlavePos,
        };
    }

    private static void CompareRowCounts(BackupManifest manifest, ValidationReport report, List<string> failures)
    {
        foreach (var table in manifest.Tables)
        {
            var restored = report.Tables.FirstOrDefault(r => r.Schema == table.Schema && r.Table == table.Table);
            if (restored is null)
            {
                failures.Add($"{table.Schema}.{table.Table} is missing (the manifest has {table.Rows} rows)");
            }
            else if (restored.Rows is null)
            {
                failures.Add($"{table.Schema}.{table.Table} could not be counted: {restored.CountError ?? "unknown error"}");
            }
            else if (restored.Rows != table.Rows)
            {
                failures.Add($"{table.Schema}.{table.Table} has {restored.Rows} rows; the manifest counted {table.Rows}");
            }
        }
        foreach (var extra in report.Tables.Where(r => !manifest.Tables.Any(t => t.Schema == r.Schema && t.Table == r.Table)))
        {
            failures.Add($"{extra.Schema}.{extra.Table} is on the restored server but not in the manifest");
        }
    }

    private static void CompareSettings(ServerSettings? source, ServerSettings? restored, List<string> failures)
    {
        if (source is null || restored is null)
        {
            failures.Add("server settings are missing from the manifest or the report: the restore host cannot be compared with the source");
            return;
        }
        void Same<T>(string name, T expected, T actual)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                failures.Add($"{name} is {actual} on the restore host but {expected} on the source");
            }
        }
        Same("server version", VersionNumber(source.Version), VersionNumber(restored.Version));
        Same("sql_mode", source.SqlMode, restored.SqlMode);
        Same("character_set_server", source.CharacterSetServer, restored.CharacterSetServer);
        Same("collation_server", source.CollationServer, restored.CollationServer);
        Same("lower_case_table_names", source.LowerCaseTableNames, restored.LowerCaseTableNames);
        Same("innodb_page_size", source.InnodbPageSize, restored.InnodbPageSize);
    }

    private static void ComparePosition(RestorePlan plan, string? reported, JsonElement? replay, List<string> failures)
    {
        if (!GtidPosition.TryParse(reported, out var actual))
        {
            failures.Add($"the restored server's gtid_slave_pos '{reported}' is not a GTID position");
            return;
        }
        switch (plan.Target.Kind)
        {
            case "backup" or "latest" when plan.Target.ExpectedPosition is { } expected:
                var wanted = GtidPosition.Parse(expected);
                var behind = actual.BehindIn(wanted).Concat(wanted.BehindIn(actual)).ToList();
                if (behind.Count > 0)
                {
                    failures.Add($"the server's GTID position is {actual}, not the planned {wanted}");
                }
                break;
            case "gtid" when Gtid.TryParse(plan.Target.BeforeGtid!, out var stop):
                var reached = actual.ForDomain(stop.Domain)?.Sequence ?? 0;
                if (ReplayText(replay, "stoppedBy") is { } stoppedBy)
                {
                    // Sequence numbers may skip, so the replay's own account says whether it stopped at the GTID.
                    if (stoppedBy != "gtid")
                    {
                        failures.Add($"replay ended ({stoppedBy}) without reaching GTID {stop}");
                    }
                    if (reached >= stop.Sequence)
                    {
                        failures.Add($"the server reached sequence {reached} of domain {stop.Domain}: {stop} itself was applied");
                    }
                    if (ReplayText(replay, "position") is { } position && GtidPosition.TryParse(position, out var replayed)
                        && (actual.BehindIn(replayed).Count > 0 || replayed.BehindIn(actual).Count > 0))
                    {
                        failures.Add($"the server's GTID position is {actual}, but the replay reported {replayed}");
                    }
                }
                else if (reached != stop.Sequence - 1)
                {
                    failures.Add($"replay stopped at sequence {reached} of domain {stop.Domain}, not just before {stop} (expected {stop.Sequence - 1})");
                }
                break;
            case "time":
                if (actual.BehindIn(GtidPosition.Parse(plan.Backup.GtidPosition)).Count > 0)
                {
                    failures.Add($"the server's GTID position {actual} is behind the backup's {plan.Backup.GtidPosition}");
                }
                break;
        }
    }

    private static string? ReplayText(JsonElement? replay, string name) =>
        replay is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>10.11.19-MariaDB-0+deb12u1-log → 10.11.19: the suffixes differ with logging options, the server does not.</summary>
    private static string? VersionNumber(string? version) => version?.Split('-')[0];
}
