using System.Text.RegularExpressions;
using Lifeboat.Core;
using Lifeboat.Core.Restore;
using Lifeboat.Tests.Core;
using Lifeboat.Tests.Recovery;
using Xunit;
using YamlDotNet.RepresentationModel;
using static Lifeboat.Tests.Recovery.CatalogBuilder;

namespace Lifeboat.Tests.Restore;

/// <summary>RestorePlanning.PlanAsync: the restore workflow's first step, against a bucket holding a realistic catalog.</summary>
public class RestorePlanningTests
{
    private const long GiB = RestoreScenario.GiB;
    private static readonly DateTimeOffset Afternoon = new(2026, 11, 21, 15, 30, 45, TimeSpan.Zero);

    private static RestoreRequest Drill() => new() { Cluster = Cluster, Mode = RestoreModes.Drill };

    private static RestoreRequest Restore(RestoreTarget target, bool keep = false, string? instanceType = null) =>
        new() { Cluster = Cluster, Mode = RestoreModes.Restore, Target = target, KeepInstance = keep, InstanceType = instanceType };

    [Fact]
    public async Task Drill_Plan_Describes_The_Newest_Backup_And_The_Restore_And_Validate_Parameters()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        var newest = scenario.Entry(scenario.Catalog.BackupAt(Day(11, 21)));
        var manifest = CoreFixtures.Manifest();

        // Act
        var plan = await scenario.PlanAsync(Drill(), "drill-20261122T040000Z");

        // Assert
        Assert.Equal(Cluster, plan.Cluster);
        Assert.Equal(RestoreModes.Drill, plan.Mode);
        Assert.False(plan.KeepInstance);
        Assert.Equal(RestoreScenario.DefaultInstanceType, plan.InstanceType);
        Assert.Equal(newest.BackupId, plan.Backup.Id);
        Assert.Equal(newest.Sha256, plan.Backup.Sha256);
        Assert.Equal(newest.RawBytes, plan.Backup.RawBytes);
        Assert.Equal(newest.CompressedBytes, plan.Backup.CompressedBytes);
        Assert.Equal(Day(11, 21), plan.Backup.ConsistentAt);
        Assert.Equal(newest.GtidSlavePos, plan.Backup.GtidPosition);
        Assert.Equal("backup", plan.Target.Kind);
        Assert.False(plan.Replay.Needed);
        Assert.Null(plan.ReplayParameters);
        Assert.Equal("reports/orders-db/drill-20261122T040000Z/validation.json", plan.ReportKey);
        Assert.Equal(new Dictionary<string, string>
        {
            ["Cluster"] = Cluster,
            ["Bucket"] = RestoreScenario.Bucket,
            ["Region"] = "",
            ["BackupId"] = newest.BackupId,
            ["Sha256"] = newest.Sha256!,
            ["RawBytes"] = (40 * GiB).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SqlMode"] = manifest.Settings!.SqlMode!,
            ["CharacterSetServer"] = "utf8mb4",
            ["CollationServer"] = "utf8mb4_general_ci",
            ["LowerCaseTableNames"] = "0",
        }, plan.RestoreParameters);
        Assert.Equal(new Dictionary<string, string>
        {
            ["Cluster"] = Cluster,
            ["Bucket"] = RestoreScenario.Bucket,
            ["ReportKey"] = "reports/orders-db/drill-20261122T040000Z/validation.json",
            ["CheckTables"] = "all",
            ["AssertionsKey"] = "",
        }, plan.ValidateParameters);
    }

    [Fact]
    public async Task Validation_Runs_The_Clusters_Assertions_When_The_Bucket_Has_Them()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        scenario.Store.Seed("config/orders-db/assertions.tsv",
            System.Text.Encoding.UTF8.GetBytes("no orphaned order lines\tSELECT COUNT(*) = 0 FROM shop.order_lines l LEFT JOIN shop.orders o ON o.id = l.order_id WHERE o.id IS NULL\n"),
            "text/tab-separated-values");

        // Act
        var plan = await scenario.PlanAsync(Drill());

        // Assert
        Assert.Equal("config/orders-db/assertions.tsv", plan.ValidateParameters["AssertionsKey"]);
    }

    [Fact]
    public async Task Another_Clusters_Assertions_Are_Not_Run()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        scenario.Store.Seed("config/billing-db/assertions.tsv", System.Text.Encoding.UTF8.GetBytes("invoices\tSELECT 1\n"), "text/tab-separated-values");

        // Act
        var plan = await scenario.PlanAsync(Drill());

        // Assert
        Assert.Equal("", plan.ValidateParameters["AssertionsKey"]);
    }

    [Fact]
    public async Task Time_Plan_Replays_To_A_Utc_Stop_Datetime_With_The_Files_Comma_Joined()
    {
        // Arrange: the operator writes the time in their own zone.
        var scenario = new RestoreScenario(Standard());
        var newest = scenario.Catalog.BackupAt(Day(11, 21));
        var local = Afternoon.ToOffset(TimeSpan.FromHours(-5));

        // Act
        var plan = await scenario.PlanAsync(Restore(new RestoreTarget { Time = local }, keep: true, instanceType: "r6i.4xlarge"));

        // Assert
        var files = RestoreScenario.Files(scenario.Catalog, Day(11, 21), Afternoon);
        Assert.True(plan.KeepInstance);
        Assert.Equal("r6i.4xlarge", plan.InstanceType);
        Assert.Equal("time", plan.Target.Kind);
        Assert.Equal(files, plan.Replay.Files);
        Assert.Equal(files.Count * scenario.BinlogBytes, plan.Replay.Bytes);
        Assert.Equal(new Dictionary<string, string>
        {
            ["Cluster"] = Cluster,
            ["Bucket"] = RestoreScenario.Bucket,
            ["Region"] = "",
            ["ServerUuid"] = Primary,
            ["Files"] = string.Join(',', files),
            ["StartPosition"] = newest.GtidSlavePos!,
            ["StopDatetime"] = "2026-11-21 15:30:45",
            ["StopBeforeGtid"] = "",
        }, plan.ReplayParameters);
        Assert.StartsWith("mysql-bin.", plan.ReplayParameters!["Files"]);
        Assert.DoesNotContain(" ", plan.ReplayParameters["Files"]);
    }

    [Fact]
    public async Task Gtid_Plan_Stops_Before_The_Gtid_And_Sets_No_Stop_Datetime()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        var gtid = scenario.Catalog.Position(new DateTimeOffset(2026, 11, 21, 14, 30, 0, TimeSpan.Zero));

        // Act
        var plan = await scenario.PlanAsync(Restore(new RestoreTarget { BeforeGtid = gtid }));

        // Assert
        Assert.Equal("gtid", plan.Target.Kind);
        Assert.Equal(gtid, plan.ReplayParameters!["StopBeforeGtid"]);
        Assert.Equal("", plan.ReplayParameters["StopDatetime"]);
        Assert.Equal(string.Join(',', plan.Replay.Files), plan.ReplayParameters["Files"]);
        Assert.Equal(scenario.Catalog.BackupAt(Day(11, 21)).GtidSlavePos, plan.ReplayParameters["StartPosition"]);
    }

    [Fact]
    public async Task Latest_Plan_Replays_Every_File_With_No_Stop()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());

        // Act
        var plan = await scenario.PlanAsync(Restore(new RestoreTarget { Latest = true }));

        // Assert
        Assert.Equal("latest", plan.Target.Kind);
        Assert.Equal(scenario.Catalog.Position(LastFlush), plan.Target.ExpectedPosition);
        Assert.Equal("", plan.ReplayParameters!["StopDatetime"]);
        Assert.Equal("", plan.ReplayParameters["StopBeforeGtid"]);
        Assert.Equal(22, plan.ReplayParameters["Files"].Split(',').Length);
    }

    // ---- the documents' contract -------------------------------------------------------------------------------

    public static TheoryData<string> Targets() => new() { "drill", "drill with assertions", "latest", "time", "gtid" };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Every_Parameter_Is_One_The_Document_Declares_And_Matches_Its_Allowed_Pattern(string target)
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        if (target == "drill with assertions")
        {
            scenario.Store.Seed("config/orders-db/assertions.tsv", System.Text.Encoding.UTF8.GetBytes("orders exist\tSELECT COUNT(*) > 0 FROM shop.orders\n"), "text/tab-separated-values");
        }
        var request = target switch
        {
            "drill" or "drill with assertions" => Drill(),
            "latest" => Restore(new RestoreTarget { Latest = true }),
            "time" => Restore(new RestoreTarget { Time = Afternoon }),
            _ => Restore(new RestoreTarget { BeforeGtid = scenario.Catalog.Position(new DateTimeOffset(2026, 11, 21, 14, 30, 0, TimeSpan.Zero)) }),
        };

        // Act
        var plan = await scenario.PlanAsync(request, "restore-2026-11-22T00:42:00Z_manual.1");

        // Assert
        var problems = new List<string>();
        problems.AddRange(Violations("ssm/restore.yaml", plan.RestoreParameters));
        problems.AddRange(Violations("ssm/validate-restore.yaml", plan.ValidateParameters));
        if (target.StartsWith("drill", StringComparison.Ordinal))
        {
            Assert.Null(plan.ReplayParameters);
        }
        else
        {
            problems.AddRange(Violations("ssm/replay-binlogs.yaml", plan.ReplayParameters!));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static IEnumerable<string> Violations(string document, IReadOnlyDictionary<string, string> sent)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(CoreFixtures.RepoRoot(), document)))
        {
            yaml.Load(reader);
        }
        var declared = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("parameters")];
        var names = declared.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).ToList();
        foreach (var (name, value) in sent)
        {
            if (!names.Contains(name))
            {
                yield return $"{document}: {name} is sent but not declared";
                continue;
            }
            var definition = (YamlMappingNode)declared.Children[new YamlScalarNode(name)];
            if (definition.Children.TryGetValue(new YamlScalarNode("allowedPattern"), out var pattern)
                && !Regex.IsMatch(value, ((YamlScalarNode)pattern).Value!))
            {
                yield return $"{document}: {name}='{value}' does not match {((YamlScalarNode)pattern).Value}";
            }
        }
        foreach (var name in names)
        {
            var definition = (YamlMappingNode)declared.Children[new YamlScalarNode(name)];
            if (!definition.Children.ContainsKey(new YamlScalarNode("default")) && !sent.ContainsKey(name))
            {
                yield return $"{document}: {name} has no default and is not sent";
            }
        }
    }

    // ---- sizing ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Disk_Is_At_Least_20_GiB_For_A_Small_Backup()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard(), rawBytes: 512L << 20);

        // Act
        var plan = await scenario.PlanAsync(Drill());

        // Assert
        Assert.Equal(20, plan.DiskGiB);
    }

    [Fact]
    public async Task Disk_Holds_The_Restored_Datadir_With_Headroom_But_No_Copy_Of_The_Compressed_Stream_And_Grows_With_Its_Size()
    {
        // Arrange
        var small = new RestoreScenario(Standard(), rawBytes: 40 * GiB);
        var large = new RestoreScenario(Standard(), rawBytes: 400 * GiB);

        // Act
        var smallPlan = await small.PlanAsync(Drill());
        var largePlan = await large.PlanAsync(Drill());

        // Assert: the datadir with 30% to spare and 10 GiB of working space, which holds the few stream parts the
        // restore keeps on disk while it extracts; no room for the whole compressed stream.
        var largeStream = (double)largePlan.Backup.CompressedBytes / GiB;
        Assert.True(largeStream > 11, $"the large backup's stream is {largeStream:0.0} GiB");
        Assert.InRange(smallPlan.DiskGiB, 40 * 1.3, (40 * 1.3) + 11);
        Assert.InRange(largePlan.DiskGiB, 400 * 1.3, (400 * 1.3) + 11);
        Assert.True(largePlan.DiskGiB > smallPlan.DiskGiB);
    }

    [Fact]
    public async Task Disk_Grows_With_The_Binlogs_To_Replay()
    {
        // Arrange: the same newest backup, restored alone and with 22 files of 1 GiB to replay.
        var scenario = new RestoreScenario(Standard(), rawBytes: 40 * GiB, binlogBytes: GiB);

        // Act
        var drill = await scenario.PlanAsync(Drill());
        var latest = await scenario.PlanAsync(Restore(new RestoreTarget { Latest = true }));

        // Assert
        Assert.Equal(drill.Backup.Id, latest.Backup.Id);
        Assert.True(latest.DiskGiB >= drill.DiskGiB + 22, $"drill {drill.DiskGiB} GiB, latest {latest.DiskGiB} GiB");
    }

    [Theory]
    [InlineData(1L << 20)]
    [InlineData(40L << 30)]
    [InlineData(3L << 40)]
    public async Task Planned_Disk_Always_Holds_What_The_Restore_Document_Checks_For(long rawBytes)
    {
        // Arrange: ssm/restore.yaml refuses unless the backup plus 5% and 1 GiB fit.
        var scenario = new RestoreScenario(Standard(), rawBytes: rawBytes);

        // Act
        var plan = await scenario.PlanAsync(Drill());

        // Assert
        Assert.True(plan.DiskGiB * GiB >= rawBytes + (rawBytes / 20) + GiB, $"{plan.DiskGiB} GiB planned for {rawBytes} bytes");
    }

    [Fact]
    public async Task Disk_Override_Replaces_The_Planned_Size()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard(), rawBytes: 40 * GiB);

        // Act
        var plan = await scenario.PlanAsync(Drill() with { DiskGiB = 1 });

        // Assert
        Assert.Equal(1, plan.DiskGiB);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(16_385)]
    public async Task Disk_Override_Out_Of_Range_Is_Refused_Before_Anything_Is_Launched(int diskGiB)
    {
        // Arrange
        var scenario = new RestoreScenario(Standard(), rawBytes: 40 * GiB);

        // Act
        var refused = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.PlanAsync(Drill() with { DiskGiB = diskGiB }));

        // Assert
        Assert.Contains("diskGiB", refused.Message);
        Assert.Contains("1 to 16384", refused.Message);
    }

    // ---- the estimate ------------------------------------------------------------------------------------------

    [Fact]
    public async Task Eta_Uses_The_Default_Rates_Until_Drills_Have_Measured_Some()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard(), rawBytes: 40 * GiB);

        // Act
        var drill = await scenario.PlanAsync(Drill());
        var latest = await scenario.PlanAsync(Restore(new RestoreTarget { Latest = true }));

        // Assert: 120 s to launch, 150 MB/s to restore, 20 MB/s to replay.
        Assert.Equal(Math.Round(120 + (40 * GiB / 150e6)), drill.EtaSeconds);
        Assert.Equal(Math.Round(120 + (40 * GiB / 150e6) + (latest.Replay.Bytes / 20e6)), latest.EtaSeconds);
    }

    [Fact]
    public async Task Eta_Uses_The_Rates_Recent_Passed_Drills_Achieved_And_Ignores_Failed_Ones()
    {
        // Arrange: two passed drills restored at 100 MB/s and replayed at 5 MB/s; a failed one crawled.
        var scenario = new RestoreScenario(Standard(), rawBytes: 40 * GiB);
        scenario.SeedDrill("drill-20261119T040000Z", "passed", 50_000_000_000, new Dictionary<string, double>
        {
            ["checks"] = 2, ["download"] = 300, ["prepare"] = 150, ["chown"] = 4, ["start"] = 50, ["replay"] = 400, ["validate"] = 90,
        }, replayBytes: 2_000_000_000);
        scenario.SeedDrill("drill-20261120T040000Z", "failed", 50_000_000_000, new Dictionary<string, double>
        {
            ["download"] = 4000, ["prepare"] = 900, ["start"] = 100, ["replay"] = 9000,
        }, replayBytes: 1_000_000_000);
        scenario.SeedDrill("drill-20261121T040000Z", "passed", 30_000_000_000, new Dictionary<string, double>
        {
            ["download"] = 200, ["prepare"] = 80, ["start"] = 20, ["replay"] = 200,
        }, replayBytes: 1_000_000_000);

        // Act
        var plan = await scenario.PlanAsync(Restore(new RestoreTarget { Latest = true }));

        // Assert
        Assert.Equal(Math.Round(120 + (40 * GiB / 100e6) + (plan.Replay.Bytes / 5e6)), plan.EtaSeconds);
    }

    [Fact]
    public async Task Eta_Counts_Only_The_Five_Most_Recent_Drills()
    {
        // Arrange: the oldest of six passed drills ran on a much slower instance type.
        var scenario = new RestoreScenario(Standard(), rawBytes: 40 * GiB);
        scenario.SeedDrill("drill-20261115T040000Z", "passed", 10_000_000_000, new Dictionary<string, double> { ["download"] = 10_000 });
        for (var day = 16; day <= 20; day++)
        {
            scenario.SeedDrill($"drill-202611{day}T040000Z", "passed", 10_000_000_000, new Dictionary<string, double> { ["download"] = 100 });
        }

        // Act
        var plan = await scenario.PlanAsync(Drill());

        // Assert
        Assert.Equal(Math.Round(120 + (40 * GiB / 100e6)), plan.EtaSeconds);
    }

    [Fact]
    public async Task Eta_Keeps_The_Default_Replay_Rate_When_Drills_Replayed_Nothing()
    {
        // Arrange: drills restore to the backup's own point, so they measure no replay rate.
        var scenario = new RestoreScenario(Standard(), rawBytes: 40 * GiB);
        scenario.SeedDrill("drill-20261121T040000Z", "passed", 20_000_000_000, new Dictionary<string, double> { ["download"] = 100, ["prepare"] = 60, ["start"] = 40 });

        // Act
        var plan = await scenario.PlanAsync(Restore(new RestoreTarget { Latest = true }));

        // Assert
        Assert.Equal(Math.Round(120 + (40 * GiB / 100e6) + (plan.Replay.Bytes / 20e6)), plan.EtaSeconds);
    }

    // ---- refusals ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("r6i 2xlarge")]
    [InlineData("R6I.2XLARGE")]
    [InlineData("r6i")]
    [InlineData("r6i.2xlarge;reboot")]
    [InlineData("r6i.2xlarge\n")]
    [InlineData("")]
    public async Task Bad_Instance_Type_Is_Refused_Naming_The_Expected_Form(string instanceType)
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            scenario.PlanAsync(Restore(new RestoreTarget { Latest = true }, instanceType: instanceType)));

        // Assert
        Assert.Contains("is not an EC2 instance type", error.Message);
        Assert.Contains("use a name like r6i.2xlarge", error.Message);
        Assert.Contains($"leave it out for {RestoreScenario.DefaultInstanceType}", error.Message);
    }

    [Theory]
    [InlineData("drill/../../catalog")]
    [InlineData("drill 1")]
    [InlineData("")]
    public async Task Execution_Name_That_Cannot_Name_A_Report_Is_Refused(string executionName)
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.PlanAsync(Drill(), executionName));

        // Assert
        Assert.Contains("cannot name a report", error.Message);
        Assert.Contains("letters, digits, '-', '_', '.' and ':'", error.Message);
    }

    [Fact]
    public async Task Invalid_Request_Is_Refused_By_Validation()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        var request = new RestoreRequest { Cluster = Cluster, Mode = RestoreModes.Drill, KeepInstance = true };

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.PlanAsync(request));

        // Assert
        Assert.Contains("keepInstance is for manual restores", error.Message);
    }

    [Fact]
    public async Task Target_Outside_The_Window_Is_Refused_From_The_Stored_Catalog()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());

        // Act
        var error = await Assert.ThrowsAsync<TargetNotRestorableException>(() =>
            scenario.PlanAsync(Restore(new RestoreTarget { Time = new DateTimeOffset(2026, 11, 22, 0, 41, 0, TimeSpan.Zero) })));

        // Assert
        Assert.Contains("is after the restorable window, which ends at 2026-11-22T00:40:00Z", error.Message);
    }

    [Fact]
    public async Task Backup_Whose_Manifest_Is_Gone_Is_Refused_Naming_The_Manifest()
    {
        // Arrange
        var scenario = new RestoreScenario(Standard());
        var newest = scenario.Catalog.BackupAt(Day(11, 21));
        await scenario.Store.DeleteAsync(newest.ManifestKey, CancellationToken.None);

        // Act
        var error = await Assert.ThrowsAsync<TargetNotRestorableException>(() => scenario.PlanAsync(Drill()));

        // Assert
        Assert.Equal($"backup {newest.BackupId} is cataloged but its manifest {newest.ManifestKey} is gone (nothing was launched).", error.Message);
    }
}
