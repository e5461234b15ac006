using Lifeboat.Core.Catalog;
using Lifeboat.Core.Replication;
using Lifeboat.Core.Restore;
using Lifeboat.Tests.Recovery;
using Xunit;
using static Lifeboat.Tests.Recovery.CatalogBuilder;

namespace Lifeboat.Tests.Restore;

/// <summary>
/// RestorePlanner.Choose on realistic catalogs (<see cref="CatalogBuilder"/>: hourly binlogs of one primary, one
/// transaction every 36 s, a backup at 03:00:12 every day; the newest backup is Day(11, 21), the last event 00:40 on 11/22).
/// </summary>
public class RestorePlannerChooseTests
{
    private static RestoreRequest Drill() => new() { Cluster = Cluster, Mode = RestoreModes.Drill };

    private static RestoreRequest Latest() => new() { Cluster = Cluster, Mode = RestoreModes.Restore, Target = new RestoreTarget { Latest = true } };

    private static RestoreRequest ToTime(DateTimeOffset time) => new() { Cluster = Cluster, Mode = RestoreModes.Restore, Target = new RestoreTarget { Time = time } };

    private static RestoreRequest BeforeGtid(string gtid) => new() { Cluster = Cluster, Mode = RestoreModes.Restore, Target = new RestoreTarget { BeforeGtid = gtid } };

    private static RestoreChoice Choose(CatalogBuilder catalog, RestoreRequest request) =>
        RestorePlanner.Choose(request, catalog.Backups, catalog.Binlogs, Now);

    private static IReadOnlyList<string> FilesBetween(CatalogBuilder catalog, DateTimeOffset after, DateTimeOffset through) =>
        RestoreScenario.Files(catalog, after, through);

    // ---- drill -------------------------------------------------------------------------------------------------

    [Fact]
    public void Drill_Restores_The_Newest_Verified_Backup_To_Its_Own_Position_Without_Replay()
    {
        // Arrange
        var catalog = Standard();
        var newest = catalog.BackupAt(Day(11, 21));

        // Act
        var choice = Choose(catalog, Drill());

        // Assert
        Assert.Equal(newest.BackupId, choice.Backup.BackupId);
        Assert.Equal("backup", choice.Target.Kind);
        Assert.Equal(newest.GtidSlavePos, choice.Target.ExpectedPosition);
        Assert.Null(choice.Target.Time);
        Assert.Null(choice.Target.BeforeGtid);
        Assert.Equal($"backup {newest.BackupId} as of 2026-11-21T03:00:12Z", choice.Target.Description);
        Assert.False(choice.Replay.Needed);
        Assert.Empty(choice.Replay.Files);
        Assert.Equal(0, choice.Replay.Bytes);
    }

    [Fact]
    public void Drill_Never_Chooses_A_Newest_Backup_That_Failed_Verification()
    {
        // Arrange
        var catalog = Standard().WithBackupsFailingFrom(Day(11, 21));

        // Act
        var choice = Choose(catalog, Drill());

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 20)).BackupId, choice.Backup.BackupId);
        Assert.Equal(catalog.BackupAt(Day(11, 20)).GtidSlavePos, choice.Target.ExpectedPosition);
    }

    [Fact]
    public void Drill_Of_A_Backup_No_Binlog_Covers_Still_Restores_It()
    {
        // Arrange: the shipper stopped a day before the newest backup.
        var catalog = new CatalogBuilder().WithBinlogs(Primary, Origin, Day(11, 19)).WithDailyBackups(Origin, 60);

        // Act
        var choice = Choose(catalog, Drill());

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 21)).BackupId, choice.Backup.BackupId);
        Assert.False(choice.Replay.Needed);
    }

    // ---- latest ------------------------------------------------------------------------------------------------

    [Fact]
    public void Latest_Replays_From_The_File_After_The_Newest_Backup_To_The_End_Of_The_Chain()
    {
        // Arrange
        var catalog = Standard();
        var newest = catalog.BackupAt(Day(11, 21));

        // Act
        var choice = Choose(catalog, Latest());

        // Assert
        Assert.Equal(newest.BackupId, choice.Backup.BackupId);
        Assert.Equal("latest", choice.Target.Kind);
        Assert.Equal(catalog.Position(LastFlush), choice.Target.ExpectedPosition);
        Assert.Equal(catalog.Binlogs[^1].EndPosition, choice.Target.ExpectedPosition);
        Assert.Equal("the last shipped event, 2026-11-22T00:40:00Z", choice.Target.Description);
        Assert.True(choice.Replay.Needed);
        Assert.Equal(Primary, choice.Replay.ServerUuid);
        Assert.Equal(catalog.BinlogAfter(Primary, Day(11, 21)).File, choice.Replay.Files[0]);
        Assert.Equal(catalog.Binlogs[^1].File, choice.Replay.Files[^1]);
        Assert.Equal(FilesBetween(catalog, Day(11, 21), LastFlush), choice.Replay.Files);
        Assert.Equal(22, choice.Replay.Files.Count); // 03:00, 04:00, …, 23:00 and 00:00-00:40
    }

    [Fact]
    public void Target_Left_Out_Means_Latest()
    {
        // Arrange
        var catalog = Standard();
        var request = new RestoreRequest { Cluster = Cluster, Mode = RestoreModes.Restore };

        // Act
        var choice = Choose(catalog, request);

        // Assert
        Assert.Equal("latest", choice.Target.Kind);
        Assert.Equal(catalog.Position(LastFlush), choice.Target.ExpectedPosition);
    }

    [Fact]
    public void Latest_Skips_A_Failed_Newest_Backup_And_Replays_From_The_One_Before()
    {
        // Arrange
        var catalog = Standard().WithBackupsFailingFrom(Day(11, 21));

        // Act
        var choice = Choose(catalog, Latest());

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 20)).BackupId, choice.Backup.BackupId);
        Assert.Equal(FilesBetween(catalog, Day(11, 20), LastFlush), choice.Replay.Files);
        Assert.Equal(catalog.Position(LastFlush), choice.Target.ExpectedPosition);
    }

    [Fact]
    public void Latest_Without_Binlogs_After_The_Newest_Backup_Restores_The_Backup_Point_And_Says_So()
    {
        // Arrange
        var catalog = new CatalogBuilder().WithBinlogs(Primary, Origin, Day(11, 19)).WithDailyBackups(Origin, 60);
        var newest = catalog.BackupAt(Day(11, 21));

        // Act
        var choice = Choose(catalog, Latest());

        // Assert
        Assert.Equal(newest.BackupId, choice.Backup.BackupId);
        Assert.Equal("latest", choice.Target.Kind);
        Assert.Equal(newest.GtidSlavePos, choice.Target.ExpectedPosition);
        Assert.Contains("no verified binlogs follow it", choice.Target.Description);
        Assert.False(choice.Replay.Needed);
    }

    // ---- time --------------------------------------------------------------------------------------------------

    [Fact]
    public void Time_Inside_The_Window_Replays_From_The_Newest_Backup_Before_It_Up_To_The_File_Reaching_It()
    {
        // Arrange
        var catalog = Standard();
        var time = new DateTimeOffset(2026, 11, 21, 15, 30, 0, TimeSpan.Zero);

        // Act
        var choice = Choose(catalog, ToTime(time));

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 21)).BackupId, choice.Backup.BackupId);
        Assert.Equal("time", choice.Target.Kind);
        Assert.Equal(time, choice.Target.Time);
        Assert.Null(choice.Target.BeforeGtid);
        Assert.Equal("2026-11-21T15:30:00Z", choice.Target.Description);
        Assert.True(choice.Replay.Needed);
        Assert.Equal(Primary, choice.Replay.ServerUuid);
        Assert.Equal(FilesBetween(catalog, Day(11, 21), time), choice.Replay.Files);
        Assert.Equal(13, choice.Replay.Files.Count); // 03:00 … 15:00
        Assert.Equal(catalog.BinlogAfter(Primary, time).File, choice.Replay.Files[^1]);
    }

    [Fact]
    public void Time_Before_Todays_Backup_Replays_From_Yesterdays()
    {
        // Arrange
        var catalog = Standard();
        var time = new DateTimeOffset(2026, 11, 21, 1, 30, 0, TimeSpan.Zero);

        // Act
        var choice = Choose(catalog, ToTime(time));

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 20)).BackupId, choice.Backup.BackupId);
        Assert.Equal(FilesBetween(catalog, Day(11, 20), time), choice.Replay.Files);
        Assert.Equal(catalog.BinlogAfter(Primary, Day(11, 20)).File, choice.Replay.Files[0]);
    }

    [Fact]
    public void Time_At_A_File_Boundary_Stops_With_The_File_Ending_There()
    {
        // Arrange
        var catalog = Standard();
        var rotation = new DateTimeOffset(2026, 11, 21, 15, 0, 0, TimeSpan.Zero);

        // Act
        var choice = Choose(catalog, ToTime(rotation));

        // Assert
        var last = catalog.Binlogs.Single(b => b.LastEventTime == rotation);
        Assert.Equal(last.File, choice.Replay.Files[^1]);
        Assert.DoesNotContain(catalog.BinlogAfter(Primary, rotation).File, choice.Replay.Files);
    }

    [Fact]
    public void Time_With_An_Offset_Is_Planned_In_Utc()
    {
        // Arrange
        var catalog = Standard();
        var local = new DateTimeOffset(2026, 11, 21, 17, 30, 0, TimeSpan.FromHours(2));

        // Act
        var choice = Choose(catalog, ToTime(local));

        // Assert
        Assert.Equal(TimeSpan.Zero, choice.Target.Time!.Value.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 15, 30, 0, TimeSpan.Zero), choice.Target.Time);
        Assert.Equal("2026-11-21T15:30:00Z", choice.Target.Description);
    }

    [Fact]
    public void Time_Never_Replays_From_A_Backup_That_Failed_Verification()
    {
        // Arrange
        var catalog = Standard().WithBackupsFailingFrom(Day(11, 21));
        var time = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

        // Act
        var choice = Choose(catalog, ToTime(time));

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 20)).BackupId, choice.Backup.BackupId);
        Assert.Equal(FilesBetween(catalog, Day(11, 20), time), choice.Replay.Files);
    }

    [Fact]
    public void Time_Before_The_Window_Is_Refused_With_The_Windows_Start()
    {
        // Arrange
        var catalog = Standard();
        var time = new DateTimeOffset(2026, 9, 23, 1, 0, 0, TimeSpan.Zero);

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => Choose(catalog, ToTime(time)));

        // Assert
        Assert.Equal("2026-09-23T01:00:00Z is before the restorable window, which starts at 2026-09-23T03:00:12Z (nothing was launched).", error.Message);
    }

    [Fact]
    public void Time_After_The_Last_Shipped_Event_Is_Refused_With_The_Windows_End()
    {
        // Arrange
        var catalog = Standard();
        var time = new DateTimeOffset(2026, 11, 22, 0, 40, 30, TimeSpan.Zero);

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => Choose(catalog, ToTime(time)));

        // Assert
        Assert.Equal("2026-11-22T00:40:30Z is after the restorable window, which ends at 2026-11-22T00:40:00Z, the last shipped event (nothing was launched).", error.Message);
    }

    [Fact]
    public void Time_In_A_Gap_Is_Refused_Listing_The_Restorable_Ranges()
    {
        // Arrange: the file of 11/10 10:00-11:00 was never shipped, so the chain breaks there until the next backup.
        var broken = Standard().BinlogAfter(Primary, new DateTimeOffset(2026, 11, 10, 10, 30, 0, TimeSpan.Zero)).Sequence;
        var catalog = Standard().WithoutBinlog(Primary, broken);
        var time = new DateTimeOffset(2026, 11, 10, 20, 0, 0, TimeSpan.Zero);

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => Choose(catalog, ToTime(time)));

        // Assert
        Assert.Equal(
            "2026-11-10T20:00:00Z falls in a gap of the restorable window; restorable ranges: "
            + "2026-09-23T03:00:12Z → 2026-11-10T10:00:00Z; 2026-11-11T03:00:12Z → 2026-11-22T00:40:00Z (nothing was launched).",
            error.Message);
    }

    [Fact]
    public void Time_After_A_Gap_Replays_From_The_First_Backup_After_It()
    {
        // Arrange
        var broken = Standard().BinlogAfter(Primary, new DateTimeOffset(2026, 11, 10, 10, 30, 0, TimeSpan.Zero)).Sequence;
        var catalog = Standard().WithoutBinlog(Primary, broken);
        var time = new DateTimeOffset(2026, 11, 11, 8, 15, 0, TimeSpan.Zero);

        // Act
        var choice = Choose(catalog, ToTime(time));

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 11)).BackupId, choice.Backup.BackupId);
        Assert.Equal(FilesBetween(catalog, Day(11, 11), time), choice.Replay.Files);
    }

    [Fact]
    public void Time_With_No_Binlogs_At_All_Is_Refused_Listing_The_Backup_Points()
    {
        // Arrange
        var catalog = new CatalogBuilder().WithDailyBackups(Day(11, 20), 2);
        var time = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => Choose(catalog, ToTime(time)));

        // Assert
        Assert.Contains("2026-11-21T12:00:00Z is not restorable", error.Message);
        Assert.Contains("only backup points can be restored (2026-11-20T03:00:12Z, 2026-11-21T03:00:12Z)", error.Message);
        Assert.Contains("nothing was launched", error.Message);
    }

    [Fact]
    public void Time_Exactly_At_A_Backup_No_Binlog_Covers_Restores_That_Backup_Without_Replay()
    {
        // Arrange
        var catalog = new CatalogBuilder().WithDailyBackups(Day(11, 20), 2);

        // Act
        var choice = Choose(catalog, ToTime(Day(11, 20)));

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 20)).BackupId, choice.Backup.BackupId);
        Assert.Equal("time", choice.Target.Kind);
        Assert.False(choice.Replay.Needed);
    }

    // ---- before a GTID -----------------------------------------------------------------------------------------

    [Fact]
    public void Before_Gtid_Replays_From_The_Newest_Backup_Before_It_Through_The_File_Holding_It()
    {
        // Arrange: the transaction committed at 14:30:00 on 11/21, in the file rotated at 14:00.
        var catalog = Standard();
        var at = new DateTimeOffset(2026, 11, 21, 14, 30, 0, TimeSpan.Zero);
        var gtid = catalog.Position(at);
        var holding = catalog.BinlogAfter(Primary, at.AddSeconds(-1));

        // Act
        var choice = Choose(catalog, BeforeGtid(gtid));

        // Assert
        Assert.Equal("0-1-143050", gtid);
        Assert.Equal(catalog.BackupAt(Day(11, 21)).BackupId, choice.Backup.BackupId);
        Assert.Equal("gtid", choice.Target.Kind);
        Assert.Equal(gtid, choice.Target.BeforeGtid);
        Assert.Null(choice.Target.Time);
        Assert.Null(choice.Target.ExpectedPosition);
        Assert.Equal($"just before GTID 0-1-143050 (in {holding.File}, 2026-11-21T15:00:00Z)", choice.Target.Description);
        Assert.Equal(FilesBetween(catalog, Day(11, 21), at), choice.Replay.Files);
        Assert.Equal(holding.File, choice.Replay.Files[^1]);
        Assert.Equal(Primary, choice.Replay.ServerUuid);
    }

    [Fact]
    public void Before_A_Gtid_Committed_Before_Todays_Backup_Replays_From_Yesterdays()
    {
        // Arrange: 02:00:00 on 11/21 is the last transaction of the file rotated at 01:00.
        var catalog = Standard();
        var at = new DateTimeOffset(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);
        var gtid = catalog.Position(at);

        // Act
        var choice = Choose(catalog, BeforeGtid(gtid));

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 20)).BackupId, choice.Backup.BackupId);
        Assert.Equal(FilesBetween(catalog, Day(11, 20), at), choice.Replay.Files);
        Assert.Equal(catalog.Binlogs.Single(b => b.LastEventTime == at).File, choice.Replay.Files[^1]);
    }

    [Fact]
    public void Before_The_Last_Gtid_A_Backup_Contains_Replays_From_The_Backup_Before_It()
    {
        // Arrange: the newest backup already holds its own last transaction, so it cannot stop before it.
        var catalog = Standard();
        var newest = catalog.BackupAt(Day(11, 21));

        // Act
        var choice = Choose(catalog, BeforeGtid(newest.GtidSlavePos!));

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 20)).BackupId, choice.Backup.BackupId);
    }

    [Fact]
    public void Before_The_First_Gtid_After_A_Backup_Replays_One_File_From_It()
    {
        // Arrange
        var catalog = Standard();
        var newest = catalog.BackupAt(Day(11, 21));
        var next = GtidPosition.Parse(newest.GtidSlavePos).ForDomain(0)!.Value;
        var gtid = $"0-1-{next.Sequence + 1}";

        // Act
        var choice = Choose(catalog, BeforeGtid(gtid));

        // Assert
        Assert.Equal(newest.BackupId, choice.Backup.BackupId);
        Assert.Equal(new[] { catalog.BinlogAfter(Primary, Day(11, 21)).File }, choice.Replay.Files);
    }

    [Fact]
    public void Before_Gtid_Never_Replays_From_A_Backup_That_Failed_Verification()
    {
        // Arrange
        var catalog = Standard().WithBackupsFailingFrom(Day(11, 21));
        var gtid = catalog.Position(new DateTimeOffset(2026, 11, 21, 14, 30, 0, TimeSpan.Zero));

        // Act
        var choice = Choose(catalog, BeforeGtid(gtid));

        // Assert
        Assert.Equal(catalog.BackupAt(Day(11, 20)).BackupId, choice.Backup.BackupId);
        Assert.Equal(catalog.BinlogAfter(Primary, Day(11, 20)).File, choice.Replay.Files[0]);
    }

    [Fact]
    public void Gtid_Never_Shipped_Is_Refused_Listing_The_Shipped_Ranges()
    {
        // Arrange: the file of 11/10 10:00-11:00 is missing, and the GTID sits in it.
        var broken = Standard().BinlogAfter(Primary, new DateTimeOffset(2026, 11, 10, 10, 30, 0, TimeSpan.Zero)).Sequence;
        var catalog = Standard().WithoutBinlog(Primary, broken);
        var gtid = catalog.Position(new DateTimeOffset(2026, 11, 10, 10, 30, 0, TimeSpan.Zero));
        var firstEnd = catalog.Position(new DateTimeOffset(2026, 11, 10, 10, 0, 0, TimeSpan.Zero));
        var secondStart = catalog.Position(new DateTimeOffset(2026, 11, 10, 11, 0, 0, TimeSpan.Zero));

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => Choose(catalog, BeforeGtid(gtid)));

        // Assert
        Assert.StartsWith($"GTID {gtid} is not in any verified binlog of cluster '{Cluster}': shipped GTIDs run ", error.Message);
        Assert.Contains($"..{firstEnd} ({Primary})", error.Message);
        Assert.Contains($"{secondStart}..{catalog.Position(LastFlush)} ({Primary})", error.Message);
        Assert.EndsWith("(nothing was launched).", error.Message);
    }

    [Theory]
    [InlineData("0-1-999999999")]
    [InlineData("7-1-5")]
    public void Gtid_Beyond_Or_Outside_What_Was_Shipped_Is_Refused(string gtid)
    {
        // Arrange
        var catalog = Standard();

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => Choose(catalog, BeforeGtid(gtid)));

        // Assert
        Assert.Contains($"GTID {gtid} is not in any verified binlog", error.Message);
        Assert.Contains($"..{catalog.Position(LastFlush)} ({Primary})", error.Message);
    }

    [Fact]
    public void Gtid_With_No_Binlogs_Cataloged_Says_So()
    {
        // Arrange
        var catalog = new CatalogBuilder().WithDailyBackups(Day(11, 20), 2);

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => Choose(catalog, BeforeGtid("0-1-4242")));

        // Assert
        Assert.Contains("no binlogs are cataloged", error.Message);
        Assert.Contains("nothing was launched", error.Message);
    }

    [Fact]
    public void Gtid_Older_Than_Every_Backup_On_Its_Chain_Is_Refused_As_Too_Old()
    {
        // Arrange: binlogs go back to the origin, but every backup before 11/15 was deleted.
        var catalog = new CatalogBuilder().WithBinlogs(Primary, Origin, LastFlush).WithDailyBackups(Day(11, 15), 7);
        var gtid = catalog.Position(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => Choose(catalog, BeforeGtid(gtid)));

        // Assert
        Assert.Contains($"no verified backup of cluster '{Cluster}' precedes GTID {gtid}", error.Message);
        Assert.Contains("the oldest backup on that chain is too new", error.Message);
        Assert.Contains("nothing was launched", error.Message);
    }

    // ---- nothing to restore ------------------------------------------------------------------------------------

    public static TheoryData<string> Modes() => new() { RestoreModes.Drill, RestoreModes.Restore };

    [Theory]
    [MemberData(nameof(Modes))]
    public void No_Verified_Backup_Is_Refused_Pointing_To_The_Backup_Workflow(string mode)
    {
        // Arrange
        var catalog = Standard().WithBackupsFailingFrom(Origin);
        var request = new RestoreRequest { Cluster = Cluster, Mode = mode };

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => Choose(catalog, request));

        // Assert
        Assert.Equal($"cluster '{Cluster}' has no verified backup yet: run the backup workflow first (nothing was launched).", error.Message);
    }

    [Fact]
    public void Empty_Catalog_Is_Refused_Pointing_To_The_Backup_Workflow()
    {
        // Arrange
        IReadOnlyList<BackupCatalogEntry> backups = [];
        IReadOnlyList<BinlogCatalogEntry> binlogs = [];

        // Act
        var error = Assert.Throws<TargetNotRestorableException>(() => RestorePlanner.Choose(Drill(), backups, binlogs, Now));

        // Assert
        Assert.Contains("has no verified backup yet: run the backup workflow first", error.Message);
    }
}
