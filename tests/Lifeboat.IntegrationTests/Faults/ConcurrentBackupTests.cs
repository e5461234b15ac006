using Lifeboat.Core.Backup;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests.Faults;

[Collection(SandboxCollection.Name)]
public sealed class ConcurrentBackupTests(SandboxFixture fixture)
{
    private readonly FaultSteps _steps = new(fixture);

    [Fact]
    public async Task Second_Backup_Execution_Is_Refused_While_The_First_Holds_The_Lock_And_The_First_Succeeds()
    {
        // Arrange: the first execution is running and holds the cluster's backup lock.
        var bucket = fixture.Sandbox.Bucket();
        var before = await _steps.CatalogedBackupIdsAsync();
        var leasesBefore = await bucket.ListAsync(BackupLock.Folder(SandboxLayout.Cluster), CancellationToken.None).CountAsync();
        var first = _steps.RunBackupAsync();
        await FaultSteps.WaitUntilAsync(async () => first.IsCompleted || await HeldAsync(), FaultSteps.Timeout, "the first execution taking the lock");

        // Act
        var second = await _steps.RunBackupAsync();
        var firstOutcome = await first;

        // Assert: the second started nothing and named the first; the first succeeded and released the lock.
        Assert.True(firstOutcome.Succeeded, $"{firstOutcome.Error}: {firstOutcome.Cause}");
        Assert.Equal("FAILED", second.Status);
        Assert.Equal(nameof(BackupAlreadyRunningException), second.Error);
        Assert.Contains("already running", second.Cause);
        Assert.Contains(firstOutcome.ExecutionArn, second.Cause);
        var after = await _steps.CatalogedBackupIdsAsync();
        Assert.Single(after.Except(before));
        Assert.False(await HeldAsync());
        Assert.Equal(leasesBefore + 2, await bucket.ListAsync(BackupLock.Folder(SandboxLayout.Cluster), CancellationToken.None).CountAsync());
        Assert.True(await _steps.SqlThreadRunningAsync());
        Assert.Equal("ALARM", _steps.AlarmState("backup-workflow-failed"));
    }

    /// <summary>The newest lease has no release beside it.</summary>
    private async Task<bool> HeldAsync()
    {
        var keys = await fixture.Sandbox.Bucket().ListAsync(BackupLock.Folder(SandboxLayout.Cluster), CancellationToken.None).Select(o => o.Key).ToListAsync();
        var leases = keys.Where(k => !k.EndsWith(".released.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return leases.Count > 0 && !keys.Contains(leases[^1][..^".json".Length] + ".released.json");
    }
}
