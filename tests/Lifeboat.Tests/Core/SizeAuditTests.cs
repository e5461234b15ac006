using Lifeboat.Core.Backup;
using Xunit;

namespace Lifeboat.Tests.Core;

public sealed class SizeAuditTests
{
    private static BackupManifest With(string id, DateTimeOffset at, params (string Table, long Data, long Index)[] tables) =>
        CoreFixtures.Manifest() with
        {
            BackupId = id,
            ConsistentAt = at,
            Tables = tables.Select(t => new TableCount { Schema = "shop", Table = t.Table, Rows = 1, DataBytes = t.Data, IndexBytes = t.Index }).ToList(),
        };

    [Fact]
    public void Audit_Names_The_Tables_That_Grew_Most_First()
    {
        // Arrange
        var from = With("20261101T030000Z-a", CoreFixtures.Now.AddDays(-21), ("orders", 1000, 100), ("audit", 10, 0), ("gone", 500, 0));
        var to = With("20261122T030000Z-a", CoreFixtures.Now, ("orders", 1200, 100), ("audit", 90_000, 10_000), ("fresh", 300, 0));

        // Act
        var audit = SizeAudit.Compute(from, to);

        // Assert
        Assert.Equal(1610, audit.FromBytes);
        Assert.Equal(101_600, audit.ToBytes);
        Assert.Equal(["shop.audit", "shop.gone", "shop.fresh", "shop.orders"], audit.Movers.Select(m => m.Table));
        Assert.Equal(99_990, audit.Movers[0].Delta);
        Assert.Equal(-500, audit.Movers[1].Delta);
        Assert.Contains("largest movers: shop.audit +97.6 KiB", audit.Describe());
        Assert.Contains("(21 days earlier)", audit.Describe());
    }

    [Fact]
    public void Audit_Of_Unchanged_Data_Lists_No_Movers()
    {
        // Arrange
        var from = With("20261121T030000Z-a", CoreFixtures.Now.AddDays(-1), ("orders", 1000, 100));
        var to = With("20261122T030000Z-a", CoreFixtures.Now, ("orders", 1000, 100));

        // Act
        var audit = SizeAudit.Compute(from, to);

        // Assert
        Assert.Empty(audit.Movers);
        Assert.DoesNotContain("movers", audit.Describe());
        Assert.Contains("+0 B since 20261121T030000Z-a", audit.Describe());
    }
}
