using Lifeboat.Core.Backup;
using Lifeboat.Core.Restore;
using Lifeboat.Tests.Core;
using Xunit;
using static Lifeboat.Tests.Restore.RestoreFixtures;

namespace Lifeboat.Tests.Restore;

/// <summary>
/// RestoreJudge.Judge: Fixtures/Core/manifest-mariadb.json is the source, Fixtures/Restore/validation-report-mariadb.json
/// what ssm/validate-restore.yaml reported about a faithful restore of it.
/// </summary>
public class RestoreJudgeTests
{
    private static readonly BackupManifest Manifest = CoreFixtures.Manifest();

    [Fact]
    public void Drill_Passes_When_Tables_Counts_Checks_Settings_And_Position_Match()
    {
        // Arrange
        var report = Report();

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.True(verdict.Passed, verdict.Summary);
        Assert.Empty(verdict.Failures);
        Assert.Equal(4, verdict.Tables);
        Assert.Equal(1_204_332 + 4_810_557 + 88_120, verdict.Rows);
        Assert.Equal(4, verdict.ChecksPassed);
        Assert.Equal(BackupPosition, verdict.GtidSlavePos);
        Assert.Equal(
            $"restore of {BackupId} to backup {BackupId} as of 2026-11-22T01:30:05Z passed: 4 tables, 6103009 rows, 4 CHECK TABLE OK",
            verdict.Summary);
    }

    [Fact]
    public void Report_Fixture_Is_What_The_Validate_Document_Builds()
    {
        // Arrange, Act
        var report = Report();

        // Assert: the server object and the tables array, with the names the document's JSON_OBJECT gives them.
        Assert.Equal("10.11.6-MariaDB-0+deb12u1", report.Server!.Version);
        Assert.Equal(BackupPosition, report.Server.GtidSlavePos);
        Assert.Equal(16384, report.Server.InnodbPageSize);
        Assert.Equal(0, report.Server.LowerCaseTableNames);
        Assert.Equal(["audit.events_archive", "shop.customers", "shop.order_lines", "shop.orders"], report.Tables.Select(t => $"{t.Schema}.{t.Table}"));
        Assert.All(report.Tables, t => Assert.True(t.Checked && t.Check == "OK" && !t.CheckFailed));
    }

    [Fact]
    public void Drill_Fails_Naming_A_Table_Missing_From_The_Restored_Server()
    {
        // Arrange
        var report = Report() with { Tables = Report().Tables.Where(t => t.Table != "customers").ToList() };

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Equal(["shop.customers is missing (the manifest has 88120 rows)"], verdict.Failures);
        Assert.StartsWith($"restore of {BackupId} to backup {BackupId} as of 2026-11-22T01:30:05Z failed 1 check(s): shop.customers is missing", verdict.Summary);
    }

    [Fact]
    public void Drill_Fails_Naming_A_Table_The_Manifest_Never_Counted()
    {
        // Arrange
        var report = Report() with
        {
            Tables = [.. Report().Tables, new ReportedTable { Schema = "shop", Table = "payments", Rows = 17, Checked = true, Check = "OK" }],
        };

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Equal(["shop.payments is on the restored server but not in the manifest"], verdict.Failures);
    }

    [Theory]
    [InlineData(1_204_331)]
    [InlineData(1_204_333)]
    [InlineData(0)]
    public void Drill_Fails_Naming_A_Table_With_A_Different_Row_Count(long rows)
    {
        // Arrange
        var report = Report().WithTable("shop", "orders", t => t with { Rows = rows });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Equal([$"shop.orders has {rows} rows; the manifest counted 1204332"], verdict.Failures);
    }

    [Fact]
    public void Same_Table_Name_In_Another_Schema_Does_Not_Stand_In_For_The_Missing_One()
    {
        // Arrange: audit.events_archive was restored as shop.events_archive.
        var report = Report().WithTable("audit", "events_archive", t => t with { Schema = "shop" });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.Contains("audit.events_archive is missing (the manifest has 0 rows)", verdict.Failures);
        Assert.Contains("shop.events_archive is on the restored server but not in the manifest", verdict.Failures);
    }

    [Fact]
    public void Check_Table_Failure_Is_Named_With_Its_Status()
    {
        // Arrange
        var report = Report().WithTable("shop", "order_lines", t => t with { Check = "Corrupt", CheckFailed = true });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Equal(["CHECK TABLE shop.order_lines: Corrupt"], verdict.Failures);
        Assert.Equal(3, verdict.ChecksPassed);
    }

    [Fact]
    public void Check_Table_Failure_Without_A_Status_Is_Named_As_An_Error()
    {
        // Arrange
        var report = Report().WithTable("shop", "orders", t => t with { Check = null, CheckFailed = true });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.Equal(["CHECK TABLE shop.orders: error"], verdict.Failures);
    }

    [Fact]
    public void Check_Table_Failure_Fails_A_Point_In_Time_Restore_Too()
    {
        // Arrange
        var report = Report().WithTable("shop", "orders", t => t with { Check = "Table is marked as crashed", CheckFailed = true });

        // Act
        var verdict = RestoreJudge.Judge(TimePlan(Manifest.ConsistentAt!.Value.AddHours(2)), Manifest, report);

        // Assert
        Assert.Equal(["CHECK TABLE shop.orders: Table is marked as crashed"], verdict.Failures);
    }

    [Fact]
    public void Tables_Not_Checked_Are_Not_Failures()
    {
        // Arrange: CheckTables=none.
        var report = Report() with { Tables = Report().Tables.Select(t => t with { Checked = false, Check = null }).ToList() };

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.True(verdict.Passed, verdict.Summary);
        Assert.Equal(0, verdict.ChecksPassed);
    }

    // ---- settings ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("10.11.6-MariaDB")]
    [InlineData("10.11.6-MariaDB-log")]
    [InlineData("10.11.6-MariaDB-1:10.11.6+maria~ubu2204")]
    [InlineData("10.11.6")]
    public void Version_Differing_Only_In_Its_Suffix_Passes(string version)
    {
        // Arrange
        var report = Report().WithServer(s => s with { Version = version });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.True(verdict.Passed, verdict.Summary);
    }

    [Theory]
    [InlineData("10.6.16-MariaDB-0+deb11u1", "10.6.16")]
    [InlineData("11.4.2-MariaDB-log", "11.4.2")]
    public void Different_Server_Version_Fails_Naming_Both(string version, string number)
    {
        // Arrange
        var report = Report().WithServer(s => s with { Version = version });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Equal([$"server version is {number} on the restore host but 10.11.6 on the source"], verdict.Failures);
    }

    [Fact]
    public void Different_Sql_Mode_Fails_Naming_Both()
    {
        // Arrange
        var report = Report().WithServer(s => s with { SqlMode = "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION" });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.Equal(
            ["sql_mode is STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION on the restore host but STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION on the source"],
            verdict.Failures);
    }

    [Fact]
    public void Different_Character_Set_Collation_Case_Rule_And_Page_Size_Are_Each_Named()
    {
        // Arrange: a restore host started with the package defaults.
        var report = Report().WithServer(s => s with
        {
            CharacterSetServer = "latin1",
            CollationServer = "latin1_swedish_ci",
            LowerCaseTableNames = 1,
            InnodbPageSize = 65536,
        });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.Equal(
        [
            "character_set_server is latin1 on the restore host but utf8mb4 on the source",
            "collation_server is latin1_swedish_ci on the restore host but utf8mb4_general_ci on the source",
            "lower_case_table_names is 1 on the restore host but 0 on the source",
            "innodb_page_size is 65536 on the restore host but 16384 on the source",
        ], verdict.Failures);
    }

    [Fact]
    public void Report_Without_A_Server_Object_Fails_As_Not_Comparable()
    {
        // Arrange
        var report = Report() with { Server = null };

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Contains("server settings are missing from the manifest or the report: the restore host cannot be compared with the source", verdict.Failures);
    }

    [Fact]
    public void Manifest_Without_Settings_Fails_As_Not_Comparable()
    {
        // Arrange
        var manifest = Manifest with { Settings = null };

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), manifest, Report());

        // Assert
        Assert.Equal(["server settings are missing from the manifest or the report: the restore host cannot be compared with the source"], verdict.Failures);
    }

    // ---- position ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("0-101-48212,1-101-7")]
    [InlineData("0-101-48214,1-101-7")]
    [InlineData("0-101-48213")]
    [InlineData("0-101-48213,1-101-7,2-101-1")]
    [InlineData("")]
    public void Drill_Fails_When_The_Server_Is_Not_At_The_Backups_Position(string reported)
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = reported });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Equal([$"the server's GTID position is {reported}, not the planned {BackupPosition}"], verdict.Failures);
    }

    [Fact]
    public void Drill_Position_Is_Compared_Per_Domain_Not_As_Text()
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = "1-101-7, 0-101-48213" });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.True(verdict.Passed, verdict.Summary);
    }

    [Fact]
    public void Unreadable_Gtid_Position_Is_Named()
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42" });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.Equal(["the restored server's gtid_slave_pos '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42' is not a GTID position"], verdict.Failures);
    }

    [Fact]
    public void Latest_Passes_At_The_Chains_End_Even_With_Rows_Changed_And_Tables_Added_Since_The_Backup()
    {
        // Arrange
        var report = Report()
            .WithServer(s => s with { GtidSlavePos = "0-101-49001,1-101-9" })
            .WithTable("shop", "orders", t => t with { Rows = 1_204_999 });
        report = report with { Tables = [.. report.Tables, new ReportedTable { Schema = "shop", Table = "refunds", Rows = 3, Checked = true, Check = "OK" }] };

        // Act
        var verdict = RestoreJudge.Judge(LatestPlan("0-101-49001,1-101-9"), Manifest, report);

        // Assert
        Assert.True(verdict.Passed, verdict.Summary);
        Assert.Equal(5, verdict.Tables);
    }

    [Theory]
    [InlineData("0-101-48213,1-101-7")]
    [InlineData("0-101-49001,1-101-8")]
    [InlineData("0-101-49002,1-101-9")]
    public void Latest_Fails_When_The_Server_Is_Not_At_The_Chains_End(string reported)
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = reported });

        // Act
        var verdict = RestoreJudge.Judge(LatestPlan("0-101-49001,1-101-9"), Manifest, report);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Equal([$"the server's GTID position is {reported}, not the planned 0-101-49001,1-101-9"], verdict.Failures);
    }

    [Fact]
    public void Latest_Fails_Naming_Tables_Of_The_Backup_Missing_From_The_Server()
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = "0-101-49001,1-101-9" });
        report = report with { Tables = report.Tables.Where(t => t.Schema != "shop" || t.Table == "orders").ToList() };

        // Act
        var verdict = RestoreJudge.Judge(LatestPlan("0-101-49001,1-101-9"), Manifest, report);

        // Assert
        Assert.Equal(["tables in the backup but not on the restored server: shop.order_lines, shop.customers"], verdict.Failures);
    }

    [Fact]
    public void Gtid_Target_Passes_When_Replay_Stopped_Just_Before_The_Gtid()
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = "0-101-48999,1-101-7" });

        // Act
        var verdict = RestoreJudge.Judge(GtidPlan("0-101-49000"), Manifest, report);

        // Assert
        Assert.True(verdict.Passed, verdict.Summary);
    }

    [Theory]
    [InlineData("0-101-49000,1-101-7", 49000)]
    [InlineData("0-101-48998,1-101-7", 48998)]
    [InlineData(BackupPosition, 48213)]
    [InlineData("1-101-7", 0)]
    public void Gtid_Target_Fails_When_Replay_Did_Not_Stop_Just_Before_The_Gtid(string reported, long reached)
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = reported });

        // Act
        var verdict = RestoreJudge.Judge(GtidPlan("0-101-49000"), Manifest, report);

        // Assert
        Assert.False(verdict.Passed);
        Assert.Equal([$"replay stopped at sequence {reached} of domain 0, not just before 0-101-49000 (expected 48999)"], verdict.Failures);
    }

    [Fact]
    public void Gtid_Target_Of_A_Domain_Other_Than_Zero_Is_Checked_In_That_Domain()
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = "0-101-48300,1-101-11" });

        // Act
        var passed = RestoreJudge.Judge(GtidPlan("1-101-12"), Manifest, report);
        var failed = RestoreJudge.Judge(GtidPlan("1-101-13"), Manifest, report);

        // Assert
        Assert.True(passed.Passed, passed.Summary);
        Assert.Equal(["replay stopped at sequence 11 of domain 1, not just before 1-101-13 (expected 12)"], failed.Failures);
    }

    [Fact]
    public void Gtid_Target_Trusts_The_Replays_Own_Account_When_Sequence_Numbers_Skip()
    {
        // Arrange: the last transaction before 0-101-49000 was 0-101-48996; the replay says it stopped at the GTID.
        var report = Report().WithServer(s => s with { GtidSlavePos = "0-101-48996,1-101-7" });
        var replay = Json("""{"applied":{"files":12,"events":40233,"transactions":783,"bytes":805306368},"lastAppliedGtid":"0-101-48996","position":"0-101-48996,1-101-7","startPosition":"0-101-48213,1-101-7","stoppedBy":"gtid","seconds":250,"downloadSeconds":31,"durationSeconds":291,"eventsPerSecond":160}""");

        // Act
        var verdict = RestoreJudge.Judge(GtidPlan("0-101-49000"), Manifest, report, replay);

        // Assert
        Assert.True(verdict.Passed, verdict.Summary);
    }

    [Fact]
    public void Gtid_Target_Fails_When_The_Replay_Ran_Out_Of_Files_Before_The_Gtid()
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = "0-101-48990,1-101-7" });
        var replay = Json("""{"position":"0-101-48990,1-101-7","stoppedBy":"end","durationSeconds":120}""");

        // Act
        var verdict = RestoreJudge.Judge(GtidPlan("0-101-49000"), Manifest, report, replay);

        // Assert
        Assert.Equal(["replay ended (end) without reaching GTID 0-101-49000"], verdict.Failures);
    }

    [Fact]
    public void Gtid_Target_Fails_When_The_Gtid_Itself_Was_Applied()
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = "0-101-49000,1-101-7" });
        var replay = Json("""{"position":"0-101-49000,1-101-7","stoppedBy":"gtid","durationSeconds":120}""");

        // Act
        var verdict = RestoreJudge.Judge(GtidPlan("0-101-49000"), Manifest, report, replay);

        // Assert
        Assert.Equal(["the server reached sequence 49000 of domain 0: 0-101-49000 itself was applied"], verdict.Failures);
    }

    [Fact]
    public void Gtid_Target_Fails_When_The_Server_Is_Not_Where_The_Replay_Left_It()
    {
        // Arrange: something wrote to the restored server after the replay.
        var report = Report().WithServer(s => s with { GtidSlavePos = "0-101-48999,1-101-8" });
        var replay = Json(ReplayResultLine);

        // Act
        var verdict = RestoreJudge.Judge(GtidPlan("0-101-49000"), Manifest, report, replay);

        // Assert
        Assert.Equal(["the server's GTID position is 0-101-48999,1-101-8, but the replay reported 0-101-48999,1-101-7"], verdict.Failures);
    }

    [Fact]
    public void Drill_Names_A_Table_The_Server_Could_Not_Count_With_The_Servers_Reason()
    {
        // Arrange: what the validate document reported with order_lines' tablespace discarded.
        var report = Report("validation-report-unreadable-table.json");

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.Null(report.Tables.Single(t => t.Table == "order_lines").Rows);
        Assert.Equal(
        [
            "shop.order_lines could not be counted: Tablespace has been discarded for table `order_lines`",
            "CHECK TABLE shop.order_lines: Tablespace has been discarded for table `order_lines`",
        ], verdict.Failures);
        Assert.Equal(1_204_332 + 88_120, verdict.Rows);
    }

    [Fact]
    public void Point_In_Time_Restore_Names_A_Table_The_Server_Could_Not_Count()
    {
        // Arrange
        var report = Report().WithTable("shop", "orders", t => t with { Rows = null, CountError = "Table 'orders' is marked as crashed and should be repaired" });

        // Act
        var verdict = RestoreJudge.Judge(TimePlan(Manifest.ConsistentAt!.Value.AddHours(2)), Manifest, report);

        // Assert
        Assert.Equal(["shop.orders could not be counted: Table 'orders' is marked as crashed and should be repaired"], verdict.Failures);
    }

    [Fact]
    public void Failed_Cluster_Assertions_Are_Named_With_Their_Result_Or_Error()
    {
        // Arrange: the report's assertions array as validate-restore.yaml appends it.
        var report = Report() with
        {
            Assertions =
            [
                new ReportedAssertion { Name = "orders exist", Passed = true, Result = "1", Error = "" },
                new ReportedAssertion { Name = "no orphaned order lines", Passed = false, Result = "0", Error = "" },
                new ReportedAssertion { Name = "refunds balance", Passed = false, Result = "", Error = "ERROR 1146 (42S02) at line 1: Table 'shop.refunds' doesn't exist " },
            ],
        };

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.Equal(
        [
            "assertion 'no orphaned order lines' returned '0', not 1",
            "assertion 'refunds balance' failed: ERROR 1146 (42S02) at line 1: Table 'shop.refunds' doesn't exist",
        ], verdict.Failures);
    }

    [Fact]
    public void Report_Assertions_Are_Read_From_The_Documents_Json()
    {
        // Arrange: the document appends "assertions" to the server-built report.
        var text = System.Text.Encoding.UTF8.GetString(ReportBytes()).TrimEnd();
        text = text[..^1] + ""","assertions":[{"name":"orders exist","passed":true,"result":"1","error":""},{"name":"no orphaned order lines","passed":false,"result":"0","error":""}]}""";

        // Act
        var report = System.Text.Json.JsonSerializer.Deserialize(text, Lifeboat.Core.Json.LifeboatJson.Default.ValidationReport)!;
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.Equal(2, report.Assertions.Count);
        Assert.Equal(["assertion 'no orphaned order lines' returned '0', not 1"], verdict.Failures);
    }

    [Theory]
    [InlineData(BackupPosition)]
    [InlineData("0-101-48700,1-101-8")]
    public void Time_Target_Passes_At_Or_After_The_Backups_Position(string reported)
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = reported });

        // Act
        var verdict = RestoreJudge.Judge(TimePlan(Manifest.ConsistentAt!.Value.AddHours(2)), Manifest, report);

        // Assert
        Assert.True(verdict.Passed, verdict.Summary);
    }

    [Fact]
    public void Time_Target_Fails_When_The_Server_Is_Behind_The_Backup()
    {
        // Arrange
        var report = Report().WithServer(s => s with { GtidSlavePos = "0-101-48000,1-101-7" });

        // Act
        var verdict = RestoreJudge.Judge(TimePlan(Manifest.ConsistentAt!.Value.AddHours(2)), Manifest, report);

        // Assert
        Assert.Equal([$"the server's GTID position 0-101-48000,1-101-7 is behind the backup's {BackupPosition}"], verdict.Failures);
    }

    [Fact]
    public void Every_Failing_Check_Is_Named_And_Counted_In_The_Summary()
    {
        // Arrange
        var report = (Report() with { Tables = Report().Tables.Where(t => t.Table != "customers").ToList() })
            .WithTable("shop", "orders", t => t with { Rows = 5, Check = "Corrupt", CheckFailed = true })
            .WithServer(s => s with { SqlMode = "", GtidSlavePos = "0-101-1" });

        // Act
        var verdict = RestoreJudge.Judge(DrillPlan(), Manifest, report);

        // Assert
        Assert.Equal(5, verdict.Failures.Count);
        Assert.Contains("shop.orders has 5 rows; the manifest counted 1204332", verdict.Failures);
        Assert.Contains("shop.customers is missing (the manifest has 88120 rows)", verdict.Failures);
        Assert.Contains("CHECK TABLE shop.orders: Corrupt", verdict.Failures);
        Assert.Contains(verdict.Failures, f => f.StartsWith("sql_mode is ", StringComparison.Ordinal));
        Assert.Contains(verdict.Failures, f => f.StartsWith("the server's GTID position is 0-101-1,", StringComparison.Ordinal) || f.StartsWith("the server's GTID position is 0-101-1 ", StringComparison.Ordinal));
        Assert.Contains("failed 5 check(s): ", verdict.Summary);
        Assert.All(verdict.Failures, f => Assert.Contains(f, verdict.Summary));
    }
}
