using Lifeboat.Core;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Storage;
using Xunit;
using static Lifeboat.Tests.Recovery.CatalogBuilder;

namespace Lifeboat.Tests.Recovery;

public class RetentionPlannerTests
{
    private static readonly DateTimeOffset WindowStart = Now.AddDays(-30);

    [Fact]
    public void Retention_Keeps_The_Newest_Backup_As_Of_The_Window_Start_And_Everything_After()
    {
        var catalog = Standard();

        var plan = Plan(new RetentionPolicy(), catalog);

        var anchor = catalog.BackupAt(Day(10, 22));
        Assert.Equal(anchor.BackupId, plan.AnchorBackupId);
        Assert.Equal(WindowStart, plan.WindowStart);
        Assert.Equal(Enumerable.Range(0, 29).Select(d => catalog.BackupAt(Day(9, 23).AddDays(d)).BackupId), DeletedBackups(plan));
        Assert.Equal(31, KeptBackups(plan).Count);
        Assert.Equal("window anchor", plan.Keep.Single(i => i.Name == anchor.BackupId).Reason);
        Assert.Equal("inside window", plan.Keep.Single(i => i.Name == catalog.BackupAt(Day(10, 23)).BackupId).Reason);
        Assert.Equal("inside window; newest verified backup", plan.Keep.Single(i => i.Name == catalog.BackupAt(Day(11, 21)).BackupId).Reason);
        // The anchor's replay starts with the file rotated at 03:00 that day: every file before it goes.
        var replayStart = catalog.BinlogAfter(Primary, anchor.ConsistentAt!.Value);
        Assert.Equal(700, replayStart.Sequence);
        Assert.Equal(Enumerable.Range(1, 699).Select(s => (long)s), DeletedBinlogs(plan).Select(b => b.Sequence));
        Assert.Equal(Enumerable.Range(700, 742).Select(s => (long)s), plan.Keep.Where(i => i.Kind == RetentionItemKind.Binlog).Select(b => b.Sequence));
        Assert.All(plan.Keep.Where(i => i.Kind == RetentionItemKind.Binlog), b => Assert.Equal($"replay from backup {anchor.BackupId}", b.Reason));
    }

    [Fact]
    public void Every_Second_Of_The_Window_Stays_Restorable_After_Pruning()
    {
        var catalog = Standard();
        var plan = Plan(new RetentionPolicy(), catalog);

        var (backups, binlogs) = PlanApplier.Apply(plan, catalog.Backups, catalog.Binlogs);
        var window = RestorableWindow.Compute(Cluster, backups, binlogs, Now);

        var range = Assert.Single(window.Ranges);
        Assert.Equal((Day(10, 22), LastFlush), (range.From, range.To));
        for (var t = WindowStart; t <= LastFlush; t = t.AddSeconds(1))
        {
            if (!window.CanRestoreTo(t))
            {
                Assert.Fail($"{t:O} is no longer restorable");
            }
        }
        Assert.Empty(window.Gaps);
    }

    [Fact]
    public void Retention_Keeps_Newest_Chain_When_Backups_Stop()
    {
        var catalog = Standard().WithoutBackupsFrom(Day(10, 13));
        var newest = catalog.BackupAt(Day(10, 12));
        Assert.True(Now - newest.ConsistentAt!.Value > TimeSpan.FromDays(40));

        var plan = Plan(new RetentionPolicy(), catalog);

        Assert.Equal(newest.BackupId, plan.AnchorBackupId);
        Assert.Equal("window anchor; newest verified backup", plan.Keep.Single(i => i.Kind == RetentionItemKind.Backup).Reason);
        Assert.Equal(19, DeletedBackups(plan).Count);
        var replayStart = catalog.BinlogAfter(Primary, newest.ConsistentAt.Value);
        Assert.All(catalog.Binlogs.Where(b => b.Sequence >= replayStart.Sequence), b => Assert.Contains(plan.Keep, i => i.Name == b.File));
        Assert.Equal(replayStart.Sequence - 1, DeletedBinlogs(plan).Count);
        Assert.All(DeletedBinlogs(plan), b => Assert.True(b.Sequence < replayStart.Sequence));
        var (backups, binlogs) = PlanApplier.Apply(plan, catalog.Backups, catalog.Binlogs);
        var after = RestorableWindow.Compute(Cluster, backups, binlogs, Now);
        Assert.Equal((Day(10, 12), LastFlush), (Assert.Single(after.Ranges).From, after.Ranges[0].To));
    }

    [Fact]
    public void Failed_Newest_Backups_Anchor_Nothing_And_The_Previous_Verified_Chain_Is_Kept()
    {
        var catalog = Standard().WithBackupsFailingFrom(Day(10, 12));
        var lastVerified = catalog.BackupAt(Day(10, 11));

        var plan = Plan(new RetentionPolicy(), catalog);

        Assert.Equal(lastVerified.BackupId, plan.AnchorBackupId);
        Assert.Equal("window anchor; newest verified backup", plan.Keep.Single(i => i.Name == lastVerified.BackupId).Reason);
        Assert.Contains(plan.Keep, i => i.Name == catalog.BinlogAfter(Primary, lastVerified.ConsistentAt!.Value).File);
        // Failed backups are deleted once older than the window and kept inside it, for diagnosis.
        var failedOld = catalog.BackupAt(Day(10, 22));
        var failedYoung = catalog.BackupAt(Day(10, 23));
        Assert.Equal("failed verification; older than the window", plan.Delete.Single(i => i.Name == failedOld.BackupId).Reason);
        Assert.Equal("failed verification; kept inside the window for diagnosis", plan.Keep.Single(i => i.Name == failedYoung.BackupId).Reason);
        Assert.Equal(30, plan.Keep.Count(i => i.Kind == RetentionItemKind.Backup && i.Reason.StartsWith("failed", StringComparison.Ordinal)));
        var (backups, binlogs) = PlanApplier.Apply(plan, catalog.Backups, catalog.Binlogs);
        Assert.True(RestorableWindow.Compute(Cluster, backups, binlogs, Now).CanRestoreTo(WindowStart));
    }

    [Fact]
    public void Failed_Binlogs_Are_Kept_Inside_The_Window_And_Deleted_Once_Older()
    {
        var catalog = Standard().WithFailedBinlog(Primary, 100).WithFailedBinlog(Primary, 1200);

        var plan = Plan(new RetentionPolicy(), catalog);

        Assert.Equal(
            "failed verification (event at offset 4711: CRC-32 mismatch); older than the window",
            plan.Delete.Single(i => i.Kind == RetentionItemKind.Binlog && i.Sequence == 100).Reason);
        Assert.Equal(
            "failed verification (event at offset 4711: CRC-32 mismatch); kept inside the window for diagnosis",
            plan.Keep.Single(i => i.Kind == RetentionItemKind.Binlog && i.Sequence == 1200).Reason);
        // The chain after the newer failure is kept too: it starts where the next backups replay from.
        Assert.All(catalog.Binlogs.Where(b => b.Sequence > 1200), b => Assert.Contains(plan.Keep, i => i.Name == b.File));
    }

    [Fact]
    public void Weekly_Tiers_Keep_The_Newest_Backup_Of_Each_Iso_Week_Counting_Back_From_The_Window_Start()
    {
        var catalog = Standard();

        var plan = Plan(new RetentionPolicy { WeeklyTiers = 4 }, catalog);

        Assert.Equal("inside window; weekly tier 2026-W43", Reason(plan, catalog, Day(10, 25)));
        Assert.Equal("weekly tier 2026-W42", Reason(plan, catalog, Day(10, 18)));
        Assert.Equal("weekly tier 2026-W41", Reason(plan, catalog, Day(10, 11)));
        Assert.Equal("weekly tier 2026-W40", Reason(plan, catalog, Day(10, 4)));
        Assert.Equal(34, KeptBackups(plan).Count);
        // Backup objects only: the binlogs are exactly the untiered plan's.
        Assert.Equal(DeletedBinlogs(Plan(new RetentionPolicy(), catalog)).Select(i => i.Name), DeletedBinlogs(plan).Select(i => i.Name));
    }

    [Fact]
    public void Monthly_Tiers_Keep_The_Newest_Backup_Of_Each_Calendar_Month()
    {
        var catalog = Standard();

        var plan = Plan(new RetentionPolicy { MonthlyTiers = 3 }, catalog);

        Assert.Equal("inside window; monthly tier 2026-10", Reason(plan, catalog, Day(10, 31)));
        Assert.Equal("monthly tier 2026-09", Reason(plan, catalog, Day(9, 30)));
        Assert.Equal(32, KeptBackups(plan).Count);
        Assert.DoesNotContain(plan.Keep, i => i.Reason.Contains("2026-08", StringComparison.Ordinal));
    }

    [Fact]
    public void Tier_Backups_Survive_The_Next_Run()
    {
        var catalog = Standard();
        var policy = new RetentionPolicy { WeeklyTiers = 2, MonthlyTiers = 2 };
        var first = Plan(policy, catalog);
        var (backups, binlogs) = PlanApplier.Apply(first, catalog.Backups, catalog.Binlogs);

        var again = RetentionPlanner.Plan(policy, backups, binlogs, null, Now.AddDays(1));

        Assert.DoesNotContain(again.Delete, i => i.Name == catalog.BackupAt(Day(9, 30)).BackupId || i.Name == catalog.BackupAt(Day(10, 18)).BackupId);
        Assert.Equal([catalog.BackupAt(Day(10, 22)).BackupId], DeletedBackups(again));
    }

    [Fact]
    public void Orphans_Are_Deleted_After_The_Grace_And_Kept_While_A_Backup_May_Be_In_Progress()
    {
        var catalog = Standard();
        OrphanObject[] orphans =
        [
            new("backups/orders-db/20261101T030000Z-dead/data.xbstream.zst", Now.AddDays(-21)),
            new("backups/orders-db/20261122T003000Z-busy/data.xbstream.zst", Now.AddHours(-3)),
            new("backups/orders-db/20261122T003000Z-busy/manifest.json", Now.AddMinutes(-2)),
            new("backups/orders-db/20261119T030000Z-stale/manifest.json", Now.AddDays(-3)),
            new("backups/orders-db/20261119T030000Z-stale/data.xbstream.zst", Now.AddDays(-3).AddMinutes(-5)),
        ];

        var plan = RetentionPlanner.Plan(new RetentionPolicy(), catalog.Backups, catalog.Binlogs, orphans, Now);

        var deleted = plan.Delete.Where(i => i.Kind == RetentionItemKind.Orphan).ToList();
        Assert.Equal(["backups/orders-db/20261101T030000Z-dead/", "backups/orders-db/20261119T030000Z-stale/"], deleted.Select(i => i.Name));
        Assert.Equal(["backups/orders-db/20261119T030000Z-stale/data.xbstream.zst", "backups/orders-db/20261119T030000Z-stale/manifest.json"], deleted[1].Keys);
        Assert.Equal("no catalog entry, nothing written for over 2 days: the backup failed before it was cataloged", deleted[0].Reason);
        var busy = Assert.Single(plan.Keep, i => i.Kind == RetentionItemKind.Orphan);
        Assert.Equal("backups/orders-db/20261122T003000Z-busy/", busy.Name);
        Assert.Equal(Now.AddMinutes(-2), busy.Time);
        Assert.Equal(DeletionPhase.Manifest, plan.Steps.Single(s => s.Key == "backups/orders-db/20261119T030000Z-stale/manifest.json").Phase);
    }

    [Fact]
    public void Orphan_List_Naming_A_Cataloged_Backup_Or_Another_Cluster_Is_Refused()
    {
        var catalog = Standard();
        var cataloged = catalog.BackupAt(Day(9, 23));

        var ofCataloged = Assert.Throws<ArgumentException>(() => RetentionPlanner.Plan(new RetentionPolicy(), catalog.Backups, catalog.Binlogs,
            [new OrphanObject(S3Layout.BackupStream(Cluster, cataloged.BackupId), Now.AddDays(-60))], Now));
        var otherCluster = Assert.Throws<ArgumentException>(() => RetentionPlanner.Plan(new RetentionPolicy(), catalog.Backups, catalog.Binlogs,
            [new OrphanObject("backups/billing-db/20261101T030000Z-dead/data.xbstream.zst", Now.AddDays(-60))], Now));

        Assert.Contains("belongs to a cataloged backup", ofCataloged.Message);
        Assert.Contains("one plan covers one cluster, but the entries name billing-db, orders-db", otherCluster.Message);
    }

    [Fact]
    public void Objects_Outside_Any_Backup_Folder_Are_Left_Alone()
    {
        var catalog = Standard();
        OrphanObject[] strays =
        [
            new("backups/orders-db/README.txt", Now.AddDays(-90)),
            new("backups/orders-db/tmp/part-0001", Now.AddDays(-90)),
        ];

        var plan = RetentionPlanner.Plan(new RetentionPolicy(), catalog.Backups, catalog.Binlogs, strays, Now);

        Assert.DoesNotContain(plan.Steps, s => s.Key.StartsWith("backups/orders-db/README", StringComparison.Ordinal) || s.Key.Contains("/tmp/", StringComparison.Ordinal));
        Assert.Equal(["backups/orders-db/README.txt", "backups/orders-db/tmp/part-0001"],
            plan.Keep.Where(i => i.Kind == RetentionItemKind.Orphan).Select(i => i.Name));
        Assert.All(plan.Keep.Where(i => i.Kind == RetentionItemKind.Orphan),
            i => Assert.Equal("not in a backup folder (backups/<cluster>/<backupId>/<name>): left alone", i.Reason));
    }

    [Fact]
    public void Deletion_Steps_Delete_Every_Data_Object_Before_Any_Manifest_And_Catalog_Entries_Last()
    {
        var catalog = Standard();
        var plan = RetentionPlanner.Plan(new RetentionPolicy(), catalog.Backups, catalog.Binlogs,
            [new OrphanObject("backups/orders-db/20261101T030000Z-dead/manifest.json", Now.AddDays(-21))], Now);

        var phases = plan.Steps.Select(s => s.Phase).ToList();

        Assert.Equal(phases.Order(), phases);
        Assert.Equal(29 + 699, phases.Count(p => p == DeletionPhase.Data));
        Assert.Equal(29 + 1, phases.Count(p => p == DeletionPhase.Manifest));
        Assert.Equal(29 + 699, phases.Count(p => p == DeletionPhase.Catalog));
        var oldest = catalog.BackupAt(Day(9, 23)).BackupId;
        Assert.Equal(
            [S3Layout.BackupStream(Cluster, oldest), S3Layout.BackupManifest(Cluster, oldest), S3Layout.BackupCatalogEntry(Cluster, oldest)],
            plan.Delete.Single(i => i.Name == oldest).Keys);
        Assert.Equal(S3Layout.BackupStream(Cluster, oldest), plan.Steps[0].Key);
        Assert.Equal(S3Layout.Binlog(Cluster, Primary, "mysql-bin.000001"), plan.Steps[29].Key);
        Assert.Equal(S3Layout.BackupCatalogEntry(Cluster, oldest), plan.Steps.First(s => s.Phase == DeletionPhase.Catalog).Key);
        Assert.Equal(S3Layout.BinlogCatalogEntry(Cluster, Primary, "mysql-bin.000699"), plan.Steps[^1].Key);
        Assert.Equal(plan.Steps.Count, plan.Steps.Select(s => s.Key).Distinct().Count());
    }

    [Fact]
    public void Empty_Catalog_Plans_Nothing()
    {
        var plan = RetentionPlanner.Plan(new RetentionPolicy(), [], [], null, Now);

        Assert.Null(plan.Cluster);
        Assert.Null(plan.AnchorBackupId);
        Assert.Empty(plan.Keep);
        Assert.Empty(plan.Delete);
        Assert.Empty(plan.Steps);
        Assert.Equal("nothing to delete", plan.Describe()[^1]);
    }

    [Fact]
    public void Binlogs_Without_Any_Verified_Backup_Are_Kept()
    {
        var catalog = Standard().WithBackupsFailingFrom(Origin);

        var plan = Plan(new RetentionPolicy(), catalog);

        Assert.Null(plan.AnchorBackupId);
        Assert.Empty(DeletedBinlogs(plan));
        Assert.Equal(30, DeletedBackups(plan).Count);
        Assert.All(plan.Keep.Where(i => i.Kind == RetentionItemKind.Binlog), i => Assert.Equal("no verified backup with a consistent moment anchors the window yet", i.Reason));
    }

    [Fact]
    public void Planning_Again_Over_The_Kept_Set_Deletes_Nothing()
    {
        var catalog = Standard().WithFailedBinlog(Primary, 1200).WithoutBinlog(Primary, 300);
        var policy = new RetentionPolicy { WeeklyTiers = 3, MonthlyTiers = 2 };
        var first = Plan(policy, catalog);
        var (backups, binlogs) = PlanApplier.Apply(first, catalog.Backups, catalog.Binlogs);

        var again = RetentionPlanner.Plan(policy, backups, binlogs, null, Now);

        Assert.NotEmpty(first.Delete);
        Assert.Empty(again.Delete);
        Assert.Equal(first.Keep.Select(i => (i.Kind, i.Name, i.Reason)), again.Keep.Select(i => (i.Kind, i.Name, i.Reason)));
    }

    [Fact]
    public void Describe_Folds_Runs_Of_Binlogs_Into_One_Line()
    {
        var catalog = Standard();

        var lines = Plan(new RetentionPolicy { WeeklyTiers = 1 }, catalog).Describe();

        Assert.Equal(
            $"retention for orders-db at 2026-11-22 00:41:05Z: every second since 2026-10-23 00:41:05Z (30 days), anchor {catalog.BackupAt(Day(10, 22)).BackupId}; 1 weekly tier, 0 monthly tiers; orphan grace 2 days",
            lines[0]);
        Assert.Contains($"keep   backup {catalog.BackupAt(Day(10, 22)).BackupId} (2026-10-22 03:00:12Z): window anchor", lines);
        Assert.Contains($"keep   binlogs {Primary} mysql-bin.000700..001441 (742 files, to 2026-11-22 00:40:00Z): replay from backup {catalog.BackupAt(Day(10, 22)).BackupId}", lines);
        Assert.Contains($"delete backup {catalog.BackupAt(Day(9, 23)).BackupId} (2026-09-23 03:00:12Z): older than the window anchor {catalog.BackupAt(Day(10, 22)).BackupId}", lines);
        Assert.Contains($"delete binlogs {Primary} mysql-bin.000001..000699 (699 files, to 2026-10-22 03:00:00Z): older than the window and before any kept backup's replay start", lines);
        Assert.Equal("delete 728 data objects, then 29 manifests, then 728 catalog entries", lines[^1]);
        Assert.Equal(1 + 31 + 1 + 29 + 1 + 1, lines.Count);
    }

    [Theory]
    [InlineData(0, 0, 0, 48, "retention windowDays 0 is out of range: use 1 to 3650 days of point-in-time recovery (default 30).")]
    [InlineData(3651, 0, 0, 48, "retention windowDays 3651 is out of range")]
    [InlineData(30, -1, 0, 48, "retention weeklyTiers -1 is out of range: use 0 to 520 weeks")]
    [InlineData(30, 0, 241, 48, "retention monthlyTiers 241 is out of range: use 0 to 240 months")]
    [InlineData(30, 0, 0, 1, "retention orphanGrace 01:00:00 is out of range: use 6 hours to 365 days (default 2 days)")]
    public void Invalid_Policy_Is_Refused_With_The_Allowed_Range(int windowDays, int weekly, int monthly, int graceHours, string message)
    {
        var error = Assert.Throws<InvalidInputException>(() => new RetentionPolicy
        {
            WindowDays = windowDays,
            WeeklyTiers = weekly,
            MonthlyTiers = monthly,
            OrphanGrace = TimeSpan.FromHours(graceHours),
        });

        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Default_Policy_Is_Thirty_Days_Without_Tiers()
    {
        var policy = new RetentionPolicy();

        Assert.Equal((30, 0, 0, TimeSpan.FromDays(2)), (policy.WindowDays, policy.WeeklyTiers, policy.MonthlyTiers, policy.OrphanGrace));
    }

    private static RetentionPlan Plan(RetentionPolicy policy, CatalogBuilder catalog) =>
        RetentionPlanner.Plan(policy, catalog.Backups, catalog.Binlogs, null, Now);

    private static List<string> DeletedBackups(RetentionPlan plan) =>
        plan.Delete.Where(i => i.Kind == RetentionItemKind.Backup).Select(i => i.Name).ToList();

    private static List<string> KeptBackups(RetentionPlan plan) =>
        plan.Keep.Where(i => i.Kind == RetentionItemKind.Backup).Select(i => i.Name).ToList();

    private static List<RetentionItem> DeletedBinlogs(RetentionPlan plan) =>
        plan.Delete.Where(i => i.Kind == RetentionItemKind.Binlog).ToList();

    private static string Reason(RetentionPlan plan, CatalogBuilder catalog, DateTimeOffset consistentAt) =>
        plan.Keep.Single(i => i.Name == catalog.BackupAt(consistentAt).BackupId).Reason;
}
