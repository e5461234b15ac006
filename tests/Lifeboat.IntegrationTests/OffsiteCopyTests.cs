using System.Text.Json;
using System.Text.Json.Nodes;
using Lifeboat.Core.Json;
using Lifeboat.Core.Restore;
using Lifeboat.Core.Storage;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>The off-site copy: filled by the replication stand-in, untouched by deletions, and restorable on its own.</summary>
[Collection(SandboxCollection.Name)]
public sealed class OffsiteCopyTests(SandboxFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task Drill_From_The_Offsite_Copy_Passes_When_The_Primary_Bucket_Has_Lost_The_Backup()
    {
        // Arrange: a backup, replicated; then its stream is deleted from the deployment's bucket.
        await ShipAsync();
        var backup = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, Timeout);
        Assert.True(backup.Succeeded, $"{backup.Error}: {backup.Cause}");
        var backupId = JsonNode.Parse(backup.Output!)!["backupId"]!.GetValue<string>();
        var primary = fixture.Sandbox.Bucket();
        var offsite = fixture.Sandbox.OffsiteBucket();
        var stream = S3Layout.BackupStream(SandboxLayout.Cluster, backupId);
        await WaitForAsync(offsite, S3Layout.BackupCatalogEntry(SandboxLayout.Cluster, backupId));
        var copied = await offsite.GetBytesAsync(stream, CancellationToken.None);
        await primary.DeleteAsync(stream, CancellationToken.None);
        ExecutionOutcome outcome;
        try
        {
            // Act
            outcome = await fixture.Sandbox.RunStateMachineAsync("RestoreStateMachine",
                new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill", ["source"] = "offsite" }, Timeout);
        }
        finally
        {
            await primary.PutAsync(stream, copied!, "application/octet-stream", CancellationToken.None);
        }

        // Assert
        Assert.NotNull(copied);
        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Cause}");
        var record = await RecordAsync(outcome);
        Assert.Equal("passed", record.Status);
        Assert.Equal("offsite", record.Source);
        Assert.Equal(backupId, record.BackupId);
        Assert.DoesNotContain(fixture.Sandbox.State.Instances, i => i.Role == "restore-target");
    }

    [Fact]
    public async Task Replication_Copies_Binlogs_With_Their_Checksums_And_Ignores_Deletions()
    {
        // Arrange
        await MariaDb.QueryAsync(fixture.Primary, "INSERT INTO shop.writer_log (payload) VALUES ('offsite-binlog')");
        await ShipAsync();
        var primary = fixture.Sandbox.Bucket();
        var binlogs = new List<StoredObject>();
        await foreach (var item in primary.ListAsync(S3Layout.BinlogsPrefix + SandboxLayout.Cluster + "/", CancellationToken.None))
        {
            binlogs.Add(item);
        }
        var newest = binlogs.OrderBy(b => b.LastModified).Last();
        var offsite = fixture.Sandbox.OffsiteBucket();
        await WaitForAsync(offsite, newest.Key);
        var marker = $"status/{SandboxLayout.Cluster}/offsite-deletion-probe.json";
        await primary.PutAsync(marker, "{}"u8.ToArray(), "application/json", CancellationToken.None);
        await WaitForAsync(offsite, marker);

        // Act: events are handled in order, so a later object reaching the copy shows the deletion's event was handled.
        await primary.DeleteAsync(marker, CancellationToken.None);
        var later = $"status/{SandboxLayout.Cluster}/offsite-deletion-probe-after.json";
        await primary.PutAsync(later, "{}"u8.ToArray(), "application/json", CancellationToken.None);
        await WaitForAsync(offsite, later);

        // Assert
        var source = await primary.HeadAsync(newest.Key, CancellationToken.None);
        var copy = await offsite.HeadAsync(newest.Key, CancellationToken.None);
        Assert.NotNull(copy);
        Assert.Equal(source!.Size, copy.Size);
        Assert.Equal(source.Metadata["sha256"], copy.Metadata["sha256"]);
        Assert.Null(await primary.HeadAsync(marker, CancellationToken.None));
        Assert.NotNull(await offsite.HeadAsync(marker, CancellationToken.None));
    }

    private Task ShipAsync() => fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });

    /// <summary>Replication is asynchronous, as in S3: wait for the copy to appear (bounded, not a timing assertion).</summary>
    private static async Task WaitForAsync(IObjectStore store, string key)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (await store.HeadAsync(key, CancellationToken.None) is not null)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        throw new TimeoutException($"{key} never reached the off-site copy");
    }

    private async Task<DrillRecord> RecordAsync(ExecutionOutcome outcome)
    {
        var executionName = outcome.ExecutionArn[(outcome.ExecutionArn.LastIndexOf(':') + 1)..];
        var bytes = await fixture.Sandbox.Bucket().GetBytesAsync(S3Layout.DrillCatalogEntry(SandboxLayout.Cluster, executionName), CancellationToken.None);
        return JsonSerializer.Deserialize(bytes!, LifeboatJson.Default.DrillRecord)!;
    }
}
