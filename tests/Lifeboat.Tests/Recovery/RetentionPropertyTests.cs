using Lifeboat.Core.Catalog;
using Lifeboat.Core.Recovery;
using Xunit;
using static Lifeboat.Tests.Recovery.CatalogBuilder;

namespace Lifeboat.Tests.Recovery;

/// <summary>
/// Randomized catalogs (fixed seeds): irregular rotation, missing and failed files and backups, a second domain,
/// failovers with and without overlapping chains. Whatever retention deletes, every moment of the window that was
/// restorable stays restorable, and a second run deletes nothing.
/// </summary>
public class RetentionPropertyTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Retention_Never_Changes_What_The_Window_Can_Restore_To(int seed)
    {
        var random = new Random(7919 * (seed + 1));
        var (catalog, policy) = RandomCatalog(random);
        var before = catalog.Window();

        var plan = RetentionPlanner.Plan(policy, catalog.Backups, catalog.Binlogs, null, Now);
        var (backups, binlogs) = PlanApplier.Apply(plan, catalog.Backups, catalog.Binlogs);
        var after = RestorableWindow.Compute(Cluster, backups, binlogs, Now);

        foreach (var t in SampleTimes(before, Now.AddDays(-policy.WindowDays), random))
        {
            Assert.True(before.CanRestoreTo(t) == after.CanRestoreTo(t),
                $"seed {seed}: {t:O} restorable {before.CanRestoreTo(t)} before, {after.CanRestoreTo(t)} after\n"
                + string.Join("\n", before.Describe()) + "\n--- after\n" + string.Join("\n", after.Describe()));
        }
        Assert.Equal(before.NewestVerifiedBackup?.BackupId, after.NewestVerifiedBackup?.BackupId);
        Assert.Empty(RetentionPlanner.Plan(policy, backups, binlogs, null, Now).Delete);
    }

    internal static (CatalogBuilder Catalog, RetentionPolicy Policy) RandomCatalog(Random random)
    {
        var days = random.Next(3, 60);
        var start = new DateTimeOffset(LastFlush.UtcDateTime.Date, TimeSpan.Zero).AddDays(-days).AddMinutes(random.Next(0, 24 * 60));
        var catalog = new CatalogBuilder();
        if (random.Next(3) == 0)
        {
            catalog.WithDomain(1, TimeSpan.FromMinutes(random.Next(2, 40)), start.AddMinutes(random.Next(0, days * 24 * 60)));
        }
        DateTimeOffset Rotate(DateTimeOffset t) => t.AddMinutes(random.Next(5, 180));
        if (random.Next(3) == 0)
        {
            var failover = start.AddMinutes(random.Next(60, days * 24 * 60));
            var overlap = random.Next(2) == 0 ? TimeSpan.Zero : TimeSpan.FromHours(random.Next(1, 72));
            var newStart = failover - overlap < start ? start : failover - overlap;
            catalog.WithFailoverAt(failover)
                .WithBinlogs(Primary, start, failover, next: Rotate)
                .WithBinlogs(NewPrimary, newStart, LastFlush, firstSequence: random.Next(1, 500), next: Rotate);
        }
        else
        {
            catalog.WithBinlogs(Primary, start, LastFlush, firstSequence: random.Next(1, 500), next: Rotate);
        }
        foreach (var binlog in catalog.Binlogs.ToList())
        {
            switch (random.Next(150))
            {
                case 0:
                    catalog.WithoutBinlog(binlog.ServerUuid, binlog.Sequence);
                    break;
                case 1:
                    catalog.WithFailedBinlog(binlog.ServerUuid, binlog.Sequence);
                    break;
            }
        }
        // Backups from before shipping started too: those are point-only.
        for (var day = -2; day <= days; day++)
        {
            var midnight = new DateTimeOffset(start.UtcDateTime.Date, TimeSpan.Zero).AddDays(day);
            foreach (var at in new[] { midnight.AddHours(3).AddSeconds(random.Next(0, 3600)), midnight.AddSeconds(random.Next(0, 86400)) })
            {
                if (at >= Origin && at <= Now && random.Next(10) < (at.Hour == 3 ? 8 : 1))
                {
                    catalog.WithBackup(at, status: random.Next(10) == 0 ? CatalogStatus.Failed : CatalogStatus.Verified);
                }
            }
        }
        // Sometimes backups stop days before now (or fail from then on) while binlogs keep shipping.
        var stoppedAt = Now.AddDays(-random.Next(0, days + 1));
        switch (random.Next(6))
        {
            case 0:
                catalog.WithoutBackupsFrom(stoppedAt);
                break;
            case 1:
                catalog.WithBackupsFailingFrom(stoppedAt);
                break;
        }
        var policy = new RetentionPolicy { WindowDays = random.Next(1, 31), WeeklyTiers = random.Next(0, 5), MonthlyTiers = random.Next(0, 3) };
        return (catalog, policy);
    }

    /// <summary>Every range end and each side of it, each backup's moment, and a random time every hour or so.</summary>
    private static IEnumerable<DateTimeOffset> SampleTimes(RecoveryWindow window, DateTimeOffset windowStart, Random random)
    {
        var times = new List<DateTimeOffset> { windowStart, Now };
        foreach (var range in window.Ranges)
        {
            times.AddRange([range.From, range.From.AddSeconds(-1), range.From.AddSeconds(1), range.To, range.To.AddSeconds(-1), range.To.AddSeconds(1)]);
        }
        times.AddRange(window.Backups.Select(b => b.ConsistentAt).OfType<DateTimeOffset>());
        for (var t = windowStart; t < Now; t = t.AddSeconds(random.Next(1, 7200)))
        {
            times.Add(t);
        }
        return times.Where(t => t >= windowStart && t <= Now);
    }
}
