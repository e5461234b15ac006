using System.Text.Json.Nodes;
using Lifeboat.Core;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Storage;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>The restorable window and retention over what the real sandbox cataloged.</summary>
[Collection(SandboxCollection.Name)]
public sealed class RecoveryWindowTests(SandboxFixture fixture)
{
    private static readonly TimeSpan ShippingInterval = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Window_Under_Live_Writes_Ends_Within_Two_Shipping_Intervals_Of_Now_And_Every_Binlog_Is_Verified()
    {
        // Arrange: a backup and a few shipping runs while a writer keeps inserting.
        string backupId;
        await using (new SampleData.Writer(fixture.Primary, TimeSpan.FromMilliseconds(10)))
        {
            backupId = await BackupAsync();
            for (var run = 0; run < 3; run++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                await ShipAsync();
            }
        }

        // Act
        var now = DateTimeOffset.UtcNow;
        var window = await new CatalogReader(fixture.Sandbox.Bucket()).WindowAsync(SandboxLayout.Cluster, now, CancellationToken.None);

        // Assert
        var range = window.RangeFor(window.Backups.Single(b => b.BackupId == backupId).ConsistentAt!.Value);
        Assert.NotNull(range);
        Assert.False(range.PointOnly);
        Assert.True(now - range.To <= 2 * ShippingInterval, $"window ends at {range.To:O}, {now - range.To} before now");
        var binlogs = await new CatalogReader(fixture.Sandbox.Bucket()).BinlogsAsync(SandboxLayout.Cluster, CancellationToken.None);
        Assert.All(binlogs.Where(b => b.ServerUuid == range.ServerUuid), b => Assert.True(b.IsVerified, $"{b.File}: {string.Join("; ", b.Reasons)}"));
    }

    [Fact]
    public async Task Retention_Forty_Days_Later_Deletes_Older_Backups_Data_First_And_Keeps_The_Newest_Chain()
    {
        // Arrange: two real backups with binlogs between and after them; then time moves 40 days on with no backups.
        var older = await BackupAsync();
        await WriteAndShipAsync("between backups");
        var newest = await BackupAsync();
        var primaryUuid = await WriteAndShipAsync("after the newest backup");
        var bucket = fixture.Sandbox.Bucket();
        var reader = new CatalogReader(bucket);
        var later = DateTimeOffset.UtcNow.AddDays(40);
        var before = await reader.WindowAsync(SandboxLayout.Cluster, later, CancellationToken.None);
        var log = new RecordingLog();
        var enforcement = new RetentionEnforcement(bucket, new RetentionPolicy { WindowDays = 30 }, new FixedClock(later), log);

        // Act
        var dryRun = await enforcement.EnforceAsync(SandboxLayout.Cluster, dryRun: true, CancellationToken.None);
        var stillThere = await bucket.HeadAsync(S3Layout.BackupStream(SandboxLayout.Cluster, older), CancellationToken.None);
        var result = await enforcement.EnforceAsync(SandboxLayout.Cluster, dryRun: false, CancellationToken.None);

        // Assert: the dry run deleted nothing; the run deleted the older backup, every data object before any catalog entry.
        Assert.NotNull(stillThere);
        Assert.Equal(0, dryRun.DeletedObjects);
        Assert.Equal(newest, result.AnchorBackupId);
        Assert.Null(await bucket.HeadAsync(S3Layout.BackupStream(SandboxLayout.Cluster, older), CancellationToken.None));
        Assert.Null(await new BackupCatalog(bucket).GetAsync(SandboxLayout.Cluster, older, CancellationToken.None));
        Assert.NotNull(await bucket.HeadAsync(S3Layout.BackupStream(SandboxLayout.Cluster, newest), CancellationToken.None));
        Assert.NotNull(await new BackupCatalog(bucket).GetAsync(SandboxLayout.Cluster, newest, CancellationToken.None));
        var deletions = log.Lines.Where(l => l.StartsWith("deleted ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(deletions);
        var firstCatalog = deletions.FindIndex(l => l.StartsWith("deleted catalog/", StringComparison.Ordinal));
        Assert.True(firstCatalog < 0 || deletions.Skip(firstCatalog).All(l => l.StartsWith("deleted catalog/", StringComparison.Ordinal)),
            "a catalog entry was deleted before a data object:\n" + string.Join('\n', deletions));

        // The newest chain is untouched: replay from the newest backup reaches as far as before.
        var after = await reader.WindowAsync(SandboxLayout.Cluster, later, CancellationToken.None);
        var newestTime = after.Backups.Single(b => b.BackupId == newest).ConsistentAt!.Value;
        RecoveryRange PrimaryRange(RecoveryWindow window) =>
            window.Ranges.Single(r => r.ServerUuid == primaryUuid && r.Contains(newestTime));
        Assert.Equal(PrimaryRange(before).To, PrimaryRange(after).To);
        var again = await enforcement.EnforceAsync(SandboxLayout.Cluster, dryRun: false, CancellationToken.None);
        Assert.Equal(0, again.DeletedObjects);

        // The primary still has the binlogs retention removed from S3; shipping must not bring them back.
        var reship = await fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });
        Assert.Equal(0, reship!["result"]!["shipped"]!.GetValue<int>());
        Assert.True(reship["result"]!["pastRetention"]!.GetValue<int>() > 0);
    }

    private async Task<string> BackupAsync()
    {
        var outcome = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, TimeSpan.FromMinutes(10));
        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Cause}");
        return JsonNode.Parse(outcome.Output!)!["backupId"]!.GetValue<string>();
    }

    private Task ShipAsync() => fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });

    /// <summary>Returns the primary's server UUID: other tests catalog copies of its binlogs under made-up ones.</summary>
    private async Task<string> WriteAndShipAsync(string payload)
    {
        await MariaDb.QueryAsync(fixture.Primary, $"INSERT INTO shop.writer_log (payload) VALUES ('{payload}')");
        var shipped = await fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });
        return shipped!["result"]!["serverUuid"]!.GetValue<string>();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class RecordingLog : IProgressLog
    {
        public List<string> Lines { get; } = [];

        public void Info(string message) => Lines.Add(message);
    }
}
