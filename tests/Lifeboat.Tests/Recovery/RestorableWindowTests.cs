using System.Text.Json;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Storage;
using Xunit;
using static Lifeboat.Tests.Recovery.CatalogBuilder;

namespace Lifeboat.Tests.Recovery;

public class RestorableWindowTests
{
    [Fact]
    public void Continuous_Chain_Makes_One_Range_From_The_Oldest_Backup_To_The_Last_Event()
    {
        var catalog = Standard();

        var window = catalog.Window();

        var range = Assert.Single(window.Ranges);
        Assert.Equal(Day(9, 23), range.From);
        Assert.Equal(LastFlush, range.To);
        Assert.Equal(catalog.BackupAt(Day(9, 23)).BackupId, range.FromBackupId);
        Assert.Equal(Primary, range.ServerUuid);
        Assert.Equal("mysql-bin.000004", range.FirstFile);
        Assert.Equal("mysql-bin.001441", range.LastFile);
        Assert.False(range.PointOnly);
        Assert.Empty(window.Gaps);
        Assert.Equal(60, window.Backups.Count);
        Assert.All(window.Backups, b => Assert.True(b.Covered));
        Assert.Equal(catalog.BackupAt(Day(11, 21)).BackupId, window.NewestVerifiedBackup?.BackupId);
        Assert.Equal(LastFlush, window.LastEventTime);
        Assert.Equal(Now, window.ComputedAt);
    }

    [Fact]
    public void Replay_Starts_With_The_File_Holding_The_First_Transaction_After_The_Backup()
    {
        var catalog = Standard();

        var backup = catalog.Window().Backups.Single(b => b.ConsistentAt == Day(11, 10));

        // 03:00:12 lies inside the file rotated at 03:00 (its first transaction is at 03:00:36).
        Assert.Equal(catalog.BinlogAfter(Primary, Day(11, 10)).File, backup.StartFile);
        Assert.Equal(Primary, backup.ServerUuid);
        Assert.Equal("mysql-bin.001441", backup.LastFile);
        Assert.Equal(LastFlush, backup.ReplayableTo);
        Assert.Null(backup.Problem);
    }

    [Fact]
    public void Backup_Exactly_At_A_File_Boundary_Starts_Replay_With_The_Next_File()
    {
        var rotation = new DateTimeOffset(2026, 11, 10, 5, 0, 0, TimeSpan.Zero);
        var catalog = new CatalogBuilder().WithBinlogs(Primary, Origin, LastFlush).WithBackup(rotation);
        var ending = catalog.Binlogs.Single(b => b.LastEventTime == rotation);
        var starting = catalog.Binlogs.Single(b => b.FirstEventTime == rotation);
        Assert.Equal(ending.EndPosition, catalog.Backups[0].GtidSlavePos);
        Assert.Equal(starting.StartPosition, catalog.Backups[0].GtidSlavePos);

        var backup = Assert.Single(catalog.Window().Backups);

        Assert.True(backup.Covered);
        Assert.Equal(starting.File, backup.StartFile);
    }

    [Fact]
    public void Backup_At_The_Chains_End_Is_Covered_And_One_Beyond_It_Is_Not()
    {
        var catalog = new CatalogBuilder()
            .WithBinlogs(Primary, Origin, Day(11, 20))
            .WithBackup(Day(11, 20))
            .WithBackup(Day(11, 20).AddMinutes(5));

        var window = catalog.Window();

        var atEnd = window.Backups[0];
        Assert.True(atEnd.Covered);
        Assert.Equal(catalog.Binlogs[^1].File, atEnd.StartFile);
        var beyond = window.Backups[1];
        Assert.False(beyond.Covered);
        Assert.True(beyond.PointOnly);
        Assert.Equal($"no verified binlog chain contains its GTID position {beyond.GtidSlavePos}", beyond.Problem);
        Assert.Equal([Day(11, 20), Day(11, 20).AddMinutes(5)], window.Ranges.Select(r => r.From));
        Assert.False(window.Ranges[0].PointOnly);
        Assert.True(window.Ranges[1].PointOnly);
    }

    [Fact]
    public void Missing_File_Ends_The_Range_At_The_Gap_And_The_Next_Backup_Starts_A_New_One()
    {
        var catalog = Standard();
        var missing = catalog.BinlogAfter(Primary, new DateTimeOffset(2026, 11, 10, 5, 30, 0, TimeSpan.Zero));
        catalog.WithoutBinlog(Primary, missing.Sequence);

        var window = catalog.Window();

        Assert.Equal(2, window.Ranges.Count);
        Assert.Equal((Day(9, 23), missing.FirstEventTime!.Value), (window.Ranges[0].From, window.Ranges[0].To));
        Assert.Equal((Day(11, 11), LastFlush), (window.Ranges[1].From, window.Ranges[1].To));
        Assert.Equal(catalog.BackupAt(Day(11, 11)).BackupId, window.Ranges[1].FromBackupId);
        Assert.True(window.CanRestoreTo(new DateTimeOffset(2026, 11, 10, 5, 0, 0, TimeSpan.Zero)));
        Assert.False(window.CanRestoreTo(new DateTimeOffset(2026, 11, 10, 5, 0, 1, TimeSpan.Zero)));
        Assert.False(window.CanRestoreTo(Day(11, 11).AddSeconds(-1)));
        Assert.True(window.CanRestoreTo(Day(11, 11)));
        var gap = Assert.Single(window.Gaps);
        Assert.Equal(GapKind.MissingFiles, gap.Kind);
        Assert.Equal(Primary, gap.ServerUuid);
        Assert.Equal("mysql-bin.001157", gap.AfterFile);
        Assert.Equal("mysql-bin.001159", gap.BeforeFile);
        Assert.Equal("mysql-bin.001158 missing between 001157 and 001159", gap.Reason);
        Assert.Equal(missing.FirstEventTime, gap.WindowEndsAt);
        // The backup taken before the gap can only replay up to it.
        Assert.Equal(missing.FirstEventTime, window.Backups.Single(b => b.ConsistentAt == Day(11, 10)).ReplayableTo);
    }

    [Fact]
    public void Several_Missing_Files_Are_Named_As_One_Run()
    {
        var catalog = Standard();
        foreach (var sequence in new long[] { 1158, 1159, 1160 })
        {
            catalog.WithoutBinlog(Primary, sequence);
        }

        var gap = Assert.Single(catalog.Window().Gaps);

        Assert.Equal("mysql-bin.001158..001160 missing (3 files) between 001157 and 001161", gap.Reason);
    }

    [Fact]
    public void Failed_Binlog_File_Is_A_Gap()
    {
        var catalog = Standard().WithFailedBinlog(Primary, 1158);

        var window = catalog.Window();

        var gap = Assert.Single(window.Gaps);
        Assert.Equal(GapKind.FailedFiles, gap.Kind);
        Assert.Equal("mysql-bin.001158 failed verification (event at offset 4711: CRC-32 mismatch) between 001157 and 001159", gap.Reason);
        Assert.Equal(2, window.Ranges.Count);
        Assert.Equal(catalog.Binlog(Primary, 1157).LastEventTime, window.Ranges[0].To);
    }

    [Fact]
    public void Failed_Newest_File_Ends_The_Window_Before_It()
    {
        var catalog = Standard().WithFailedBinlog(Primary, 1441);

        var window = catalog.Window();

        Assert.Equal(catalog.Binlog(Primary, 1440).LastEventTime, Assert.Single(window.Ranges).To);
        var gap = Assert.Single(window.Gaps);
        Assert.Equal(("mysql-bin.001440", null), (gap.AfterFile, gap.BeforeFile));
        Assert.Equal("mysql-bin.001441 failed verification (event at offset 4711: CRC-32 mismatch) after mysql-bin.001440", gap.Reason);
    }

    [Fact]
    public void Backup_Before_Binlog_Shipping_Started_Is_Restorable_Only_To_Its_Own_Moment()
    {
        var shippingStarted = Origin.AddDays(5);
        var catalog = new CatalogBuilder().WithBinlogs(Primary, shippingStarted, LastFlush).WithDailyBackups(Origin, 60);

        var window = catalog.Window();

        var uncovered = window.Backups.Where(b => !b.Covered).ToList();
        Assert.Equal([Day(9, 23), Day(9, 24), Day(9, 25), Day(9, 26), Day(9, 27)], uncovered.Select(b => b.ConsistentAt!.Value));
        Assert.All(uncovered, b => Assert.True(b.PointOnly));
        Assert.Equal(6, window.Ranges.Count);
        Assert.All(window.Ranges.Take(5), r => Assert.True(r.PointOnly && r.From == r.To));
        Assert.Equal((Day(9, 28), LastFlush), (window.Ranges[5].From, window.Ranges[5].To));
        Assert.True(window.CanRestoreTo(Day(9, 24)));
        Assert.False(window.CanRestoreTo(Day(9, 24).AddSeconds(1)));
        Assert.Same(window.Ranges[1], window.RangeFor(Day(9, 24)));
        Assert.Null(window.RangeFor(Day(9, 24).AddSeconds(1)));
    }

    [Fact]
    public void Backup_Without_A_Readable_Position_Is_Point_Only_And_One_Without_A_Moment_Is_Not_Restorable()
    {
        var catalog = new CatalogBuilder()
            .WithBinlogs(Primary, Origin, LastFlush)
            .WithBackup(Day(11, 1), position: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5871");
        var backups = catalog.Backups.Append(catalog.Backups[0] with { BackupId = "20261102T030000Z-nomoment", ConsistentAt = null }).ToList();

        var window = RestorableWindow.Compute(Cluster, backups, catalog.Binlogs, Now);

        var mySql = window.Backups.Single(b => b.BackupId == catalog.Backups[0].BackupId);
        Assert.Equal("GTID position '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5871' is not a MariaDB position", mySql.Problem);
        Assert.True(mySql.PointOnly);
        Assert.True(Assert.Single(window.Ranges).PointOnly);
        var noMoment = window.Backups.Single(b => b.BackupId == "20261102T030000Z-nomoment");
        Assert.Equal("no consistentAt recorded, so it cannot be placed in time", noMoment.Problem);
        Assert.False(noMoment.PointOnly);
        Assert.Contains("not restorable: backup 20261102T030000Z-nomoment: no consistentAt recorded, so it cannot be placed in time", window.Describe());
    }

    [Fact]
    public void Failed_Backups_Are_Not_Restorable()
    {
        var catalog = Standard().WithBackupsFailingFrom(Day(9, 23));

        var window = catalog.Window();

        Assert.Empty(window.Backups);
        Assert.Empty(window.Ranges);
        Assert.Null(window.NewestVerifiedBackup);
        Assert.Equal(LastFlush, window.LastEventTime);
        Assert.False(window.CanRestoreTo(Day(11, 1)));
    }

    [Fact]
    public void Two_Domains_Advance_Independently_And_Every_Backup_Is_Covered()
    {
        var catalog = new CatalogBuilder()
            .WithDomain(1, TimeSpan.FromMinutes(7), Origin.AddDays(10).AddMinutes(3))
            .WithBinlogs(Primary, Origin, LastFlush)
            .WithDailyBackups(Origin, 60);

        var window = catalog.Window();

        Assert.DoesNotContain(",", catalog.BackupAt(Day(10, 2)).GtidSlavePos);
        Assert.Matches(@"^0-1-\d+,1-1-\d+$", catalog.BackupAt(Day(10, 3)).GtidSlavePos);
        Assert.All(window.Backups, b => Assert.True(b.Covered));
        Assert.Empty(window.Gaps);
        Assert.Equal((Day(9, 23), LastFlush), (Assert.Single(window.Ranges).From, window.Ranges[0].To));
    }

    [Fact]
    public void Multi_Domain_Coverage_Compares_Every_Domain_Either_Side_Names()
    {
        // File 1 advances domain 0 only, file 2 domain 1 only, file 3 both. Strings name domains in any order.
        var binlogs = new[]
        {
            File(1, "0-1-10,1-2-5", "0-1-20,1-2-5"),
            File(2, "1-2-5,0-1-20", "0-1-20,1-2-9"),
            File(3, "0-1-20,1-2-9", "0-1-30,1-2-12"),
        };
        string? Start(string position) =>
            RestorableWindow.Compute(Cluster, [Backup(position)], binlogs, Now).Backups[0].StartFile;

        // Parallel replication applied domain 1 further than domain 0: replay starts at the first file holding
        // anything past the backup in any domain, and skips what the backup has, domain by domain.
        Assert.Equal("mysql-bin.000001", Start("0-1-15,1-2-7"));
        Assert.Equal("mysql-bin.000002", Start("1-2-7,0-1-20"));
        Assert.Equal("mysql-bin.000003", Start("0-1-20,1-2-9"));
        Assert.Equal("mysql-bin.000003", Start("0-1-30,1-2-12"));
        Assert.Null(Start("0-1-30,1-2-13"));
        Assert.Null(Start("0-1-9,1-2-5"));
        // A domain the backup lacks counts as nothing applied there: the binlogs start past it.
        Assert.Null(Start("0-1-25"));
        // A domain the binlogs never had: the backup holds transactions they cannot account for.
        Assert.Null(Start("0-1-25,1-2-10,2-3-1"));
        Assert.Empty(RestorableWindow.Compute(Cluster, [], binlogs, Now).Gaps);
    }

    [Fact]
    public void Position_Mismatch_Between_Consecutive_Files_Is_A_Gap()
    {
        var binlogs = new[]
        {
            File(1, "0-1-10,1-2-5", "0-1-20,1-2-5"),
            File(2, "0-1-21,1-2-5", "0-1-30,1-2-5"),
        };

        var window = RestorableWindow.Compute(Cluster, [Backup("0-1-15,1-2-5", minute: 30), Backup("0-1-25,1-2-5", minute: 90)], binlogs, Now);

        var gap = Assert.Single(window.Gaps);
        Assert.Equal(GapKind.PositionMismatch, gap.Kind);
        Assert.Equal("mysql-bin.000002 starts at 0-1-21,1-2-5 but mysql-bin.000001 ends at 0-1-20,1-2-5", gap.Reason);
        Assert.Equal(["mysql-bin.000001", "mysql-bin.000002"], window.Backups.Select(b => b.StartFile));
        Assert.Equal(2, window.Ranges.Count);
    }

    [Fact]
    public void Failover_Gives_Each_Servers_Chain_Its_Own_Range()
    {
        var failover = new DateTimeOffset(2026, 11, 1, 12, 30, 0, TimeSpan.Zero);
        var catalog = new CatalogBuilder()
            .WithFailoverAt(failover)
            .WithBinlogs(Primary, Origin, failover)
            .WithBinlogs(NewPrimary, failover, LastFlush)
            .WithDailyBackups(Origin, 60);

        var window = catalog.Window();

        Assert.Equal(2, window.Ranges.Count);
        Assert.Equal((Day(9, 23), failover, Primary), (window.Ranges[0].From, window.Ranges[0].To, window.Ranges[0].ServerUuid));
        Assert.Equal((Day(11, 2), LastFlush, NewPrimary), (window.Ranges[1].From, window.Ranges[1].To, window.Ranges[1].ServerUuid));
        // The new primary's files are numbered from 1 again (its own series, told apart by its UUID).
        Assert.Equal(("mysql-bin.000016", catalog.Binlogs[^1].File), (window.Ranges[1].FirstFile, window.Ranges[1].LastFile));
        Assert.Equal(Primary, window.Backups.Single(b => b.ConsistentAt == Day(11, 1)).ServerUuid);
        Assert.Equal(NewPrimary, window.Backups.Single(b => b.ConsistentAt == Day(11, 2)).ServerUuid);
        Assert.Matches("^0-2-", catalog.BackupAt(Day(11, 2)).GtidSlavePos);
        Assert.False(window.CanRestoreTo(failover.AddHours(6)));
        Assert.Empty(window.Gaps);
        Assert.Equal(LastFlush, window.LastEventTime);
    }

    [Fact]
    public void Overlapping_Chains_After_A_Failover_Hand_Over_At_The_Newer_Backup()
    {
        // The new primary was a replica logging its updates: its shipped files reach back before the failover.
        var failover = new DateTimeOffset(2026, 11, 1, 12, 30, 0, TimeSpan.Zero);
        var catalog = new CatalogBuilder()
            .WithFailoverAt(failover)
            .WithBinlogs(Primary, Origin, failover)
            .WithBinlogs(NewPrimary, new DateTimeOffset(2026, 10, 30, 0, 0, 0, TimeSpan.Zero), LastFlush, firstSequence: 900)
            .WithDailyBackups(Origin, 60);

        var window = catalog.Window();

        Assert.Equal(2, window.Ranges.Count);
        Assert.Equal((Day(9, 23), Day(10, 30), Primary), (window.Ranges[0].From, window.Ranges[0].To, window.Ranges[0].ServerUuid));
        Assert.Equal((Day(10, 30), LastFlush, NewPrimary), (window.Ranges[1].From, window.Ranges[1].To, window.Ranges[1].ServerUuid));
        Assert.Equal(NewPrimary, window.RangeFor(Day(10, 30))?.ServerUuid);
        Assert.Equal(Primary, window.RangeFor(Day(10, 30).AddSeconds(-1))?.ServerUuid);
        // Covered by both chains, a backup replays on the one that reaches furthest.
        Assert.Equal(NewPrimary, window.Backups.Single(b => b.ConsistentAt == Day(10, 31)).ServerUuid);
        Assert.True(window.CanRestoreTo(failover.AddHours(6)));
    }

    [Fact]
    public void Describe_Names_Ranges_And_Gaps_In_Invariant_Text()
    {
        var catalog = Standard();
        catalog.WithoutBinlog(Primary, 1158);

        var lines = catalog.Window().Describe();

        Assert.Equal(
        [
            $"orders-db at 2026-11-22 00:41:05Z: 60 verified backups, 60 covered by binlogs; newest {catalog.BackupAt(Day(11, 21)).BackupId} as of 2026-11-21 03:00:12Z; last binlog event 2026-11-22 00:40:00Z",
            $"restorable 2026-09-23 03:00:12Z → 2026-11-10 05:00:00Z (backup {catalog.BackupAt(Day(9, 23)).BackupId}, binlogs mysql-bin.000004..001157 of {Primary})",
            $"restorable 2026-11-11 03:00:12Z → 2026-11-22 00:40:00Z (backup {catalog.BackupAt(Day(11, 11)).BackupId}, binlogs mysql-bin.001180..001441 of {Primary})",
            $"gap: {Primary} mysql-bin.001158 missing between 001157 and 001159: the window ends at 2026-11-10 05:00:00Z",
        ], lines);
        Assert.Equal("20260923T030000Z-b000", catalog.BackupAt(Day(9, 23)).BackupId);
    }

    [Fact]
    public void Window_Round_Trips_Through_The_Json_Contract()
    {
        var catalog = Standard();
        catalog.WithoutBinlog(Primary, 1158);
        var window = catalog.Window();

        var json = JsonSerializer.Serialize(window, LifeboatJson.Default.RecoveryWindow);
        var back = JsonSerializer.Deserialize(json, LifeboatJson.Default.RecoveryWindow)!;

        using var document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.GetProperty("ranges")[0].GetProperty("pointOnly").GetBoolean());
        Assert.Equal("MissingFiles", document.RootElement.GetProperty("gaps")[0].GetProperty("kind").GetString());
        Assert.Equal(window.Ranges, back.Ranges);
        Assert.Equal(window.Gaps, back.Gaps);
        Assert.Equal(window.Backups, back.Backups);
        Assert.Equal(window.Describe(), back.Describe());
    }

    [Fact]
    public void Empty_Catalog_Restores_Nothing()
    {
        var window = RestorableWindow.Compute(Cluster, [], [], Now);

        Assert.Empty(window.Ranges);
        Assert.Null(window.NewestVerifiedBackup);
        Assert.Null(window.LastEventTime);
        Assert.False(window.CanRestoreTo(Now));
        Assert.Equal(["orders-db at 2026-11-22 00:41:05Z: 0 verified backups, 0 covered by binlogs", "nothing is restorable: no verified backup with a consistent moment"], window.Describe());
    }

    [Fact]
    public void Entries_Of_Another_Cluster_Are_Refused()
    {
        var catalog = Standard();

        var error = Assert.Throws<ArgumentException>(() => RestorableWindow.Compute("billing-db", catalog.Backups, catalog.Binlogs, Now));

        Assert.Contains("the catalog of billing-db holds entries of orders-db", error.Message);
    }

    private static BinlogCatalogEntry File(long sequence, string start, string end)
    {
        var file = $"mysql-bin.{sequence:D6}";
        return new BinlogCatalogEntry
        {
            Cluster = Cluster,
            ServerUuid = Primary,
            File = file,
            Sequence = sequence,
            Key = S3Layout.Binlog(Cluster, Primary, file),
            Status = CatalogStatus.Verified,
            StartPosition = start,
            EndPosition = end,
            FirstEventTime = Origin.AddHours(sequence - 1),
            LastEventTime = Origin.AddHours(sequence),
        };
    }

    private static int _backupCount;

    private static BackupCatalogEntry Backup(string position, int minute = 30)
    {
        var id = $"20260923T000000Z-m{Interlocked.Increment(ref _backupCount):D6}";
        return new BackupCatalogEntry
        {
            Cluster = Cluster,
            BackupId = id,
            Status = CatalogStatus.Verified,
            ManifestKey = S3Layout.BackupManifest(Cluster, id),
            GtidSlavePos = position,
            ConsistentAt = Origin.AddMinutes(minute),
        };
    }
}
