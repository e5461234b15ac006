using System.Text.Json;
using System.Text.Json.Nodes;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Restore;
using Lifeboat.Core.Storage;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests.Faults;

/// <summary>What the fault tests share: running the workflows, reading what they left, and the alarms' verdicts.</summary>
internal sealed class FaultSteps(SandboxFixture fixture)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public Task<ExecutionOutcome> RunBackupAsync() =>
        fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, Timeout);

    public async Task<string> BackupAsync()
    {
        var outcome = await RunBackupAsync();
        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Cause}");
        return JsonNode.Parse(outcome.Output!)!["backupId"]!.GetValue<string>();
    }

    public Task<ExecutionOutcome> DrillAsync(int? diskGiB = null)
    {
        var input = new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" };
        if (diskGiB is { } gib)
        {
            input["diskGiB"] = gib;
        }
        return fixture.Sandbox.RunStateMachineAsync("RestoreStateMachine", input, Timeout);
    }

    /// <summary>The drill restores the newest verified backup; other tests may have left none yet.</summary>
    public async Task EnsureVerifiedBackupAsync()
    {
        var backups = await new BackupCatalog(fixture.Sandbox.Bucket()).ListAsync(SandboxLayout.Cluster, CancellationToken.None);
        if (!backups.Any(b => b.Status == CatalogStatus.Verified))
        {
            await BackupAsync();
        }
    }

    public async Task<IReadOnlyList<string>> CatalogedBackupIdsAsync() =>
        (await new BackupCatalog(fixture.Sandbox.Bucket()).ListAsync(SandboxLayout.Cluster, CancellationToken.None)).Select(b => b.BackupId).ToList();

    public async Task<DrillRecord> RecordAsync(ExecutionOutcome outcome)
    {
        var executionName = outcome.ExecutionArn[(outcome.ExecutionArn.LastIndexOf(':') + 1)..];
        var bytes = await fixture.Sandbox.Bucket().GetBytesAsync(S3Layout.DrillCatalogEntry(SandboxLayout.Cluster, executionName), CancellationToken.None);
        Assert.NotNull(bytes);
        return JsonSerializer.Deserialize(bytes, LifeboatJson.Default.DrillRecord)!;
    }

    public List<InstanceEntry> RestoreTargets() => fixture.Sandbox.State.Instances.Where(i => i.Role == "restore-target").ToList();

    /// <summary>The state of the template alarm whose name ends with <paramref name="suffix"/>, evaluated now.</summary>
    public string AlarmState(string suffix) =>
        fixture.Sandbox.Alarms().Evaluate(DateTimeOffset.UtcNow).Single(a => a.Name.EndsWith("-" + suffix, StringComparison.Ordinal)).State;

    public async Task<bool> SqlThreadRunningAsync()
    {
        var status = await MariaDb.SlaveStatusAsync(fixture.Replica);
        return status.GetValueOrDefault("Slave_SQL_Running") == "Yes" && status.GetValueOrDefault("Slave_IO_Running") == "Yes";
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {timeout.TotalSeconds:0} s");
            await Task.Delay(20);
        }
    }
}
