using System.Text;
using System.Text.Json;
using Lifeboat.Core;
using Lifeboat.Core.Json;
using Lifeboat.Core.Restore;
using Lifeboat.Core.Storage;
using Lifeboat.Core.Workflow;
using Lifeboat.Tests.Core;
using Lifeboat.Tests.Recovery;
using Xunit;
using static Lifeboat.Tests.Restore.RestoreFixtures;

namespace Lifeboat.Tests.Restore;

/// <summary>RestoreOutcome: the Judge step reads the manifest and the report from the bucket; the Record step writes the drill record and its metrics.</summary>
public class RestoreOutcomeTests
{
    private static readonly DateTimeOffset Finished = new(2026, 11, 22, 4, 25, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Started = Finished.AddMinutes(-25);

    private static InMemoryObjectStore StoreWithManifest()
    {
        var store = new InMemoryObjectStore();
        store.Seed(S3Layout.BackupManifest(Cluster, BackupId), CoreFixtures.Bytes("manifest-mariadb.json"), "application/json");
        return store;
    }

    private static FollowedCommand Command(string document, double seconds, string? resultLine, string status = "Success") => new()
    {
        CommandId = $"cmd-{document}",
        InstanceId = InstanceId,
        Document = document,
        SentAt = Started,
        Status = status,
        Done = true,
        Succeeded = status == "Success",
        DurationSeconds = seconds,
        Polls = 12,
        Result = resultLine is null ? null : Json(resultLine),
    };

    private static RestoreVerdict Passed() => RestoreJudge.Judge(DrillPlan(), CoreFixtures.Manifest(), Report());

    private static RecordDrillInput SuccessfulDrill() => new()
    {
        ExecutionName = ExecutionName,
        StartedAt = Started,
        Plan = DrillPlan(),
        InstanceId = InstanceId,
        Restore = Command("Lifeboat-RestoreBackup", 824.0, RestoreResultLine),
        Validation = Command("Lifeboat-ValidateRestore", 233.5, """{"reportKey":"reports/orders-db/drill-20261122T040000Z/validation.json","tables":4,"rows":6103009,"checked":4,"checkFailures":0,"countFailures":0,"reportBytes":2163,"seconds":{"check":231,"count":2,"total":233}}"""),
        Verdict = Passed(),
    };

    private static DrillRecord Stored(InMemoryObjectStore store, string executionName = ExecutionName) =>
        JsonSerializer.Deserialize(store.Peek(S3Layout.DrillCatalogEntry(Cluster, executionName))!, LifeboatJson.Default.DrillRecord)!;

    // ---- JudgeAsync --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Judge_Reads_The_Manifest_And_The_Report_From_The_Bucket_And_Logs_The_Summary()
    {
        // Arrange
        var store = StoreWithManifest();
        store.Seed(ReportKey, ReportBytes(), "application/json");
        var log = new RecordingLog();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), log);

        // Act
        var verdict = await outcome.JudgeAsync(new JudgeRestoreInput { Plan = DrillPlan() }, CancellationToken.None);

        // Assert
        Assert.True(verdict.Passed, verdict.Summary);
        Assert.Equal(6_103_009, verdict.Rows);
        Assert.Equal([verdict.Summary], log.Lines);
    }

    [Fact]
    public async Task Judge_Fails_A_Drill_Whose_Report_Has_A_Wrong_Count()
    {
        // Arrange
        var store = StoreWithManifest();
        store.Seed(ReportKey, Serialize(Report().WithTable("shop", "customers", t => t with { Rows = 88_119 })), "application/json");
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new RecordingLog());

        // Act
        var verdict = await outcome.JudgeAsync(new JudgeRestoreInput { Plan = DrillPlan() }, CancellationToken.None);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Equal(["shop.customers has 88119 rows; the manifest counted 88120"], verdict.Failures);
    }

    [Fact]
    public async Task Judge_Without_A_Report_Names_The_Missing_Key()
    {
        // Arrange
        var store = StoreWithManifest();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new RecordingLog());

        // Act
        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => outcome.JudgeAsync(new JudgeRestoreInput { Plan = DrillPlan() }, CancellationToken.None));

        // Assert
        Assert.Contains(ReportKey, error.Message);
    }

    [Fact]
    public async Task Judge_Without_The_Manifest_Names_The_Missing_Key()
    {
        // Arrange
        var store = new InMemoryObjectStore();
        store.Seed(ReportKey, ReportBytes(), "application/json");
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new RecordingLog());

        // Act
        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => outcome.JudgeAsync(new JudgeRestoreInput { Plan = DrillPlan() }, CancellationToken.None));

        // Assert
        Assert.Contains(S3Layout.BackupManifest(Cluster, BackupId), error.Message);
    }

    /// <summary>
    /// ssm/validate-restore.yaml reports a table it cannot count with <c>"rows": null</c> and its <c>countError</c>
    /// (Fixtures/Restore/validation-report-unreadable-table.json was built by the document on MariaDB 10.11 with a
    /// discarded tablespace). The verdict must name the table; deserializing null into a long must not crash the step.
    /// </summary>
    [Fact]
    public async Task Judge_Names_A_Table_The_Server_Could_Not_Count()
    {
        // Arrange
        var store = StoreWithManifest();
        store.Seed(ReportKey, ReportBytes("validation-report-unreadable-table.json"), "application/json");
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new RecordingLog());

        // Act
        var verdict = await outcome.JudgeAsync(new JudgeRestoreInput { Plan = DrillPlan() }, CancellationToken.None);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Contains("shop.order_lines could not be counted: Tablespace has been discarded for table `order_lines`", verdict.Failures);
        Assert.Contains("CHECK TABLE shop.order_lines: Tablespace has been discarded for table `order_lines`", verdict.Failures);
    }

    [Fact]
    public async Task Judge_Hands_The_Replays_Result_To_The_Verdict()
    {
        // Arrange: the server stopped short of the GTID because the replay ran out of files.
        var store = StoreWithManifest();
        store.Seed(ReportKey, Serialize(Report().WithServer(s => s with { GtidSlavePos = "0-101-48999,1-101-7" })), "application/json");
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new RecordingLog());
        var replay = Json("""{"position":"0-101-48999,1-101-7","stoppedBy":"end","durationSeconds":291}""");

        // Act
        var verdict = await outcome.JudgeAsync(new JudgeRestoreInput { Plan = GtidPlan("0-101-49000"), Replay = replay }, CancellationToken.None);

        // Assert
        Assert.Equal(["replay ended (end) without reaching GTID 0-101-49000"], verdict.Failures);
    }

    // ---- RecordAsync -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Record_Writes_The_Passed_Drill_Under_The_Clusters_Drills_With_Its_Phases()
    {
        // Arrange
        var store = new InMemoryObjectStore();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new SplitLog());

        // Act
        var record = await outcome.RecordAsync(SuccessfulDrill(), CancellationToken.None);

        // Assert
        Assert.Equal(["catalog/orders-db/drills/drill-20261122T040000Z.json"], store.Writes);
        var stored = Stored(store);
        foreach (var r in new[] { record, stored })
        {
            Assert.Equal("drill", r.Kind);
            Assert.Equal(Cluster, r.Cluster);
            Assert.Equal(ExecutionName, r.ExecutionName);
            Assert.Equal(RestoreModes.Drill, r.Mode);
            Assert.Equal("passed", r.Status);
            Assert.Equal(Started, r.StartedAt);
            Assert.Equal(Finished, r.FinishedAt);
            Assert.Equal(1500, r.TotalSeconds);
            Assert.Equal(BackupId, r.BackupId);
            Assert.Equal($"backup {BackupId} as of 2026-11-22T01:30:05Z", r.Target);
            Assert.Equal(InstanceId, r.InstanceId);
            Assert.Equal(99_857_612_800, r.RawBytes);
            Assert.Equal(0, r.ReplayBytes);
            Assert.Equal(Passed().Summary, r.Summary);
            Assert.Empty(r.Failures);
            Assert.Null(r.Error);
            Assert.Equal(new Dictionary<string, double>
            {
                ["checks"] = 2, ["download"] = 412, ["prepare"] = 388, ["chown"] = 6, ["start"] = 14, ["validate"] = 233.5,
            }, r.Phases.ToDictionary());
        }
    }

    [Fact]
    public async Task Record_Is_Stored_As_Camel_Case_Json()
    {
        // Arrange
        var store = new InMemoryObjectStore();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new SplitLog());

        // Act
        await outcome.RecordAsync(SuccessfulDrill(), CancellationToken.None);

        // Assert
        using var json = JsonDocument.Parse(store.Peek(S3Layout.DrillCatalogEntry(Cluster, ExecutionName))!);
        var root = json.RootElement;
        Assert.Equal("drill", root.GetProperty("kind").GetString());
        Assert.Equal("passed", root.GetProperty("status").GetString());
        Assert.Equal(412, root.GetProperty("phases").GetProperty("download").GetDouble());
        Assert.Equal(99_857_612_800, root.GetProperty("rawBytes").GetInt64());
        Assert.False(root.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Record_Of_A_Restore_Takes_The_Replay_Phase_From_The_Replay_Commands_Duration()
    {
        // Arrange
        var store = new InMemoryObjectStore();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new SplitLog());
        var plan = GtidPlan("0-101-49000");
        var input = SuccessfulDrill() with
        {
            ExecutionName = "restore-before-drop",
            Plan = plan,
            Replay = Json(ReplayResultLine),
            Verdict = RestoreJudge.Judge(plan, CoreFixtures.Manifest(), Report().WithServer(s => s with { GtidSlavePos = "0-101-48999,1-101-7" })),
        };

        // Act
        var record = await outcome.RecordAsync(input, CancellationToken.None);

        // Assert
        Assert.Equal("restore", record.Kind);
        Assert.Equal(RestoreModes.Restore, record.Mode);
        Assert.Equal("passed", record.Status);
        Assert.Equal(291.4, record.Phases["replay"]);
        Assert.Equal(plan.Replay.Bytes, record.ReplayBytes);
        Assert.Equal(plan.Target.Description, record.Target);
        Assert.NotNull(store.Peek(S3Layout.DrillCatalogEntry(Cluster, "restore-before-drop")));
    }

    [Fact]
    public async Task Record_Of_A_Workflow_That_Failed_On_The_Way_Is_Failed_With_The_Error_And_Cause()
    {
        // Arrange: the restore document failed; the state machine's Catch passes { Error, Cause } to Record.
        var store = new InMemoryObjectStore();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new SplitLog());
        var input = new RecordDrillInput
        {
            ExecutionName = ExecutionName,
            StartedAt = Started,
            Plan = DrillPlan(),
            InstanceId = InstanceId,
            Restore = Command("Lifeboat-RestoreBackup", 95.2, """{"error":"stream SHA-256 is 0e5751c0… but the catalog says 9f86d081…"}""", "Failed"),
            Error = Json("""{"Error":"CommandFailed","Cause":"restore on i-0a1b2c3d4e5f60718: stream SHA-256 mismatch"}"""),
        };

        // Act
        var record = await outcome.RecordAsync(input, CancellationToken.None);

        // Assert
        Assert.Equal("failed", record.Status);
        Assert.Equal("CommandFailed: restore on i-0a1b2c3d4e5f60718: stream SHA-256 mismatch", record.Error);
        Assert.Equal(record.Error, record.Summary);
        Assert.Empty(record.Failures);
        Assert.Empty(record.Phases);
        Assert.Equal("failed", Stored(store).Status);
        Assert.Equal(record.Error, Stored(store).Error);
    }

    [Fact]
    public async Task Record_Is_Failed_When_An_Error_Follows_A_Passed_Verdict()
    {
        // Arrange: e.g. terminating the instance failed after the judge passed it.
        var store = new InMemoryObjectStore();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new SplitLog());
        var input = SuccessfulDrill() with { Error = Json("""{"Error":"EC2.UnauthorizedOperation","Cause":"not allowed to terminate"}""") };

        // Act
        var record = await outcome.RecordAsync(input, CancellationToken.None);

        // Assert
        Assert.Equal("failed", record.Status);
        Assert.Equal("EC2.UnauthorizedOperation: not allowed to terminate", record.Error);
    }

    [Fact]
    public async Task Record_Of_A_Failed_Verdict_Keeps_Its_Summary_And_Failures()
    {
        // Arrange
        var store = new InMemoryObjectStore();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new SplitLog());
        var verdict = RestoreJudge.Judge(DrillPlan(), CoreFixtures.Manifest(), Report().WithTable("shop", "orders", t => t with { Rows = 1 }));
        var input = SuccessfulDrill() with { Verdict = verdict };

        // Act
        var record = await outcome.RecordAsync(input, CancellationToken.None);

        // Assert
        Assert.Equal("failed", record.Status);
        Assert.Null(record.Error);
        Assert.Equal(verdict.Summary, record.Summary);
        Assert.Equal(["shop.orders has 1 rows; the manifest counted 1204332"], record.Failures);
    }

    [Fact]
    public async Task Record_Without_A_Verdict_Or_Error_Is_Not_Passed()
    {
        // Arrange
        var store = new InMemoryObjectStore();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), new SplitLog());

        // Act
        var record = await outcome.RecordAsync(SuccessfulDrill() with { Verdict = null }, CancellationToken.None);

        // Assert
        Assert.Equal("failed", record.Status);
    }

    [Fact]
    public async Task Record_Without_A_Plan_Is_Refused_And_Writes_Nothing()
    {
        // Arrange: the Plan step itself refused the input.
        var store = new InMemoryObjectStore();
        var log = new SplitLog();
        var outcome = new RestoreOutcome(store, new ManualClock(Finished), log);
        var input = new RecordDrillInput
        {
            ExecutionName = ExecutionName,
            StartedAt = Started,
            Error = Json("""{"Error":"InvalidInputException","Cause":"mode 'dril' is not known"}"""),
        };

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => outcome.RecordAsync(input, CancellationToken.None));

        // Assert
        Assert.Contains("the record step needs the plan", error.Message);
        Assert.Empty(store.Writes);
        Assert.Empty(log.Metrics);
    }

    [Fact]
    public async Task Record_Logs_One_Line_Naming_The_Outcome()
    {
        // Arrange
        var log = new SplitLog();
        var outcome = new RestoreOutcome(new InMemoryObjectStore(), new ManualClock(Finished), log);

        // Act
        await outcome.RecordAsync(SuccessfulDrill(), CancellationToken.None);

        // Assert
        var line = Assert.Single(log.Lines);
        Assert.StartsWith($"drill {ExecutionName} of {Cluster}: passed in 1500 s — restore of {BackupId}", line);
    }

    // ---- metrics -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Record_Emits_One_Embedded_Metric_Format_Line_For_The_Cluster()
    {
        // Arrange
        var log = new SplitLog();
        var outcome = new RestoreOutcome(new InMemoryObjectStore(), new ManualClock(Finished), log);

        // Act
        await outcome.RecordAsync(SuccessfulDrill(), CancellationToken.None);

        // Assert
        var line = Assert.Single(log.Metrics);
        Assert.DoesNotContain('\n', line);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var aws = root.GetProperty("_aws");
        Assert.Equal(Finished.ToUnixTimeMilliseconds(), aws.GetProperty("Timestamp").GetInt64());
        var directive = Assert.Single(aws.GetProperty("CloudWatchMetrics").EnumerateArray().ToList());
        Assert.Equal("Lifeboat", directive.GetProperty("Namespace").GetString());
        var dimensions = directive.GetProperty("Dimensions").EnumerateArray().Select(set => set.EnumerateArray().Select(d => d.GetString()).ToList()).ToList();
        Assert.Equal("Cluster", Assert.Single(Assert.Single(dimensions)));
        Assert.Equal(Cluster, root.GetProperty("Cluster").GetString());
        var declared = directive.GetProperty("Metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("Name").GetString()!, m => m.GetProperty("Unit").GetString()!);
        Assert.Equal(new Dictionary<string, string>
        {
            ["DrillSuccess"] = "Count",
            ["DrillSeconds"] = "Seconds",
            ["DrillPhaseChecksSeconds"] = "Seconds",
            ["DrillPhaseDownloadSeconds"] = "Seconds",
            ["DrillPhasePrepareSeconds"] = "Seconds",
            ["DrillPhaseChownSeconds"] = "Seconds",
            ["DrillPhaseStartSeconds"] = "Seconds",
            ["DrillPhaseValidateSeconds"] = "Seconds",
            ["RestoreBytesPerSecond"] = "Bytes/Second",
        }, declared);
        foreach (var name in declared.Keys)
        {
            Assert.Equal(JsonValueKind.Number, root.GetProperty(name).ValueKind);
        }
        Assert.Equal(1, root.GetProperty("DrillSuccess").GetDouble());
        Assert.Equal(1500, root.GetProperty("DrillSeconds").GetDouble());
        Assert.Equal(412, root.GetProperty("DrillPhaseDownloadSeconds").GetDouble());
        Assert.Equal(99_857_612_800 / 412.0, root.GetProperty("RestoreBytesPerSecond").GetDouble(), 3);
    }

    [Fact]
    public async Task Failed_Restore_Reports_Restore_Success_Zero()
    {
        // Arrange
        var log = new SplitLog();
        var outcome = new RestoreOutcome(new InMemoryObjectStore(), new ManualClock(Finished), log);
        var input = new RecordDrillInput
        {
            ExecutionName = "restore-20261122T041000Z",
            StartedAt = Started,
            Plan = LatestPlan("0-101-49001,1-101-9"),
            Error = Json("""{"Error":"InstanceNeverOnlineException","Cause":"instance i-0a1b2c3d4e5f60718 did not register with SSM after 40 checks"}"""),
        };

        // Act
        await outcome.RecordAsync(input, CancellationToken.None);

        // Assert
        using var json = JsonDocument.Parse(Assert.Single(log.Metrics));
        var root = json.RootElement;
        Assert.Equal(0, root.GetProperty("RestoreSuccess").GetDouble());
        Assert.Equal(1500, root.GetProperty("RestoreSeconds").GetDouble());
        Assert.False(root.TryGetProperty("DrillSuccess", out _));
        Assert.False(root.TryGetProperty("RestoreBytesPerSecond", out _));
        var names = root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()).ToList();
        Assert.Equal(["RestoreSuccess", "RestoreSeconds"], names);
    }

    [Fact]
    public async Task Metric_Line_Reaches_A_Log_That_Only_Implements_Info()
    {
        // Arrange: RecordingLog keeps the interface's default Metric, which writes through Info.
        var log = new RecordingLog();
        var outcome = new RestoreOutcome(new InMemoryObjectStore(), new ManualClock(Finished), log);

        // Act
        await outcome.RecordAsync(SuccessfulDrill(), CancellationToken.None);

        // Assert
        var metric = Assert.Single(log.Lines, l => l.StartsWith("{\"_aws\":", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(metric);
        Assert.Equal(1, json.RootElement.GetProperty("DrillSuccess").GetDouble());
    }

    [Fact]
    public void Emf_Escapes_Names_And_Keeps_Values_At_Top_Level()
    {
        // Arrange
        var metrics = new Dictionary<string, (double Value, string Unit)> { ["DrillSeconds"] = (1234.5, "Seconds"), ["DrillSuccess"] = (1, "Count") };

        // Act
        var line = Metrics.Emf("orders-db", Finished, metrics);

        // Assert
        using var json = JsonDocument.Parse(Encoding.UTF8.GetBytes(line));
        var root = json.RootElement;
        Assert.Equal(["_aws", "Cluster", "DrillSeconds", "DrillSuccess"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1234.5, root.GetProperty("DrillSeconds").GetDouble());
        Assert.Equal(Metrics.Namespace, root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
    }

    // ---- the record feeds the next plan ------------------------------------------------------------------------

    [Fact]
    public async Task Recorded_Drill_Sets_The_Rate_The_Next_Plan_Estimates_With()
    {
        // Arrange: a drill of a 40 GiB backup that downloaded, prepared and started in 400 s.
        var scenario = new RestoreScenario(CatalogBuilder.Standard(), rawBytes: 40 * RestoreScenario.GiB);
        var first = await scenario.PlanAsync(new RestoreRequest { Cluster = Cluster, Mode = RestoreModes.Drill }, "drill-20261122T010000Z");
        var restored = Json("""{"phases":{"checks":1,"download":250,"prepare":120,"chown":3,"start":30}}""");
        scenario.Clock.Advance(TimeSpan.FromMinutes(20));
        await new RestoreOutcome(scenario.Store, scenario.Clock, new SplitLog()).RecordAsync(new RecordDrillInput
        {
            ExecutionName = "drill-20261122T010000Z",
            StartedAt = scenario.Clock.GetUtcNow().AddMinutes(-10),
            Plan = first,
            Restore = new FollowedCommand { CommandId = "cmd-1", InstanceId = InstanceId, Document = "Lifeboat-RestoreBackup", Result = restored },
            Verdict = new RestoreVerdict { Passed = true, Summary = "passed" },
        }, CancellationToken.None);

        // Act
        var next = await scenario.PlanAsync(new RestoreRequest { Cluster = Cluster, Mode = RestoreModes.Drill }, "drill-20261123T010000Z");

        // Assert
        Assert.Equal(Math.Round(120 + (40 * RestoreScenario.GiB / 150e6)), first.EtaSeconds);
        Assert.Equal(Math.Round(120 + 400.0), next.EtaSeconds);
    }
}
