using Lifeboat.Core;
using Lifeboat.Core.Backup;
using Xunit;

namespace Lifeboat.Tests.Core;

public class BackupLockTests
{
    private const string Cluster = CoreFixtures.Cluster;
    private const string First = "arn:aws:states:us-east-1:123456789012:execution:backup:first";
    private const string Second = "arn:aws:states:us-east-1:123456789012:execution:backup:second";
    private static readonly TimeSpan Lease = TimeSpan.FromHours(26);

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;
    private readonly RecordingLog _log = new();
    private readonly ScriptedExecutions _executions = new();
    private readonly BackupLock _lock;

    public BackupLockTests()
    {
        _store = new InMemoryObjectStore(_clock);
        _lock = new BackupLock(_store, _executions, Lease, _clock, _log);
    }

    private Task<BackupLockResult> Run(string action, string executionId) =>
        _lock.HandleAsync(new BackupLockInput { Action = action, Cluster = Cluster, ExecutionId = executionId }, CancellationToken.None);

    [Fact]
    public async Task Second_Execution_Is_Refused_Naming_The_Holder_While_The_First_Holds_The_Lock()
    {
        // Arrange
        await Run(BackupLock.Acquire, First);

        // Act
        var refused = await Assert.ThrowsAsync<BackupAlreadyRunningException>(() => Run(BackupLock.Acquire, Second));

        // Assert
        Assert.Contains("already running", refused.Message);
        Assert.Contains(First, refused.Message);
        Assert.Contains(BackupLock.ReleaseKey(Cluster, 1), refused.Message);
        Assert.Equal([BackupLock.LeaseKey(Cluster, 1)], _store.Keys);
    }

    [Fact]
    public async Task Released_Lock_Is_Taken_By_The_Next_Execution()
    {
        // Arrange
        await Run(BackupLock.Acquire, First);
        await Run(BackupLock.Release, First);

        // Act
        var next = await Run(BackupLock.Acquire, Second);

        // Assert
        Assert.True(next.Held);
        Assert.Equal(2, next.Sequence);
        Assert.Null(next.TookOverFrom);
    }

    [Fact]
    public async Task Expired_Lease_Is_Taken_Over_And_Names_The_Execution_It_Replaced()
    {
        // Arrange: the first execution timed out or was stopped, so it never released.
        await Run(BackupLock.Acquire, First);
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));

        // Act
        var next = await Run(BackupLock.Acquire, Second);

        // Assert
        Assert.Equal(2, next.Sequence);
        Assert.Equal(First, next.TookOverFrom);
        Assert.Contains(_log.Lines, l => l.Contains("taking it over", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("TIMED_OUT")]
    [InlineData("ABORTED")]
    [InlineData("FAILED")]
    public async Task Lease_Of_An_Execution_That_Ended_Without_Releasing_Is_Taken_Over_At_Once(string status)
    {
        // Arrange: the first execution stopped before its release state could run.
        await Run(BackupLock.Acquire, First);
        _executions.Statuses[First] = status;

        // Act
        var next = await Run(BackupLock.Acquire, Second);

        // Assert
        Assert.True(next.Held);
        Assert.Equal(First, next.TookOverFrom);
        Assert.Contains(_log.Lines, l => l.Contains($"has ended ({status})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lease_Is_Kept_While_The_Holders_Status_Cannot_Be_Read()
    {
        // Arrange: DescribeExecution failed (null), so only the expiry may free the lock.
        await Run(BackupLock.Acquire, First);
        _executions.Statuses[First] = null;

        // Act, Assert
        await Assert.ThrowsAsync<BackupAlreadyRunningException>(() => Run(BackupLock.Acquire, Second));
    }

    private sealed class ScriptedExecutions : IExecutionStatus
    {
        public Dictionary<string, string?> Statuses { get; } = new(StringComparer.Ordinal);

        public Task<string?> StatusAsync(string executionId, CancellationToken cancellationToken) =>
            Task.FromResult(Statuses.TryGetValue(executionId, out var status) ? status : "RUNNING");
    }

    [Fact]
    public async Task Lease_Not_Yet_Expired_Is_Not_Taken_Over()
    {
        // Arrange
        await Run(BackupLock.Acquire, First);
        _clock.Advance(Lease - TimeSpan.FromSeconds(1));

        // Act, Assert
        await Assert.ThrowsAsync<BackupAlreadyRunningException>(() => Run(BackupLock.Acquire, Second));
    }

    [Fact]
    public async Task Two_Executions_Racing_For_The_Same_Lease_Let_Exactly_One_Through()
    {
        // Arrange: the second execution writes lease 1 between the first one's read and its conditional write.
        var raced = false;
        _store.BeforePutIfAbsent = key =>
        {
            if (!raced)
            {
                raced = true;
                _store.Seed(key, System.Text.Encoding.UTF8.GetBytes(
                    $"{{\"cluster\":\"{Cluster}\",\"sequence\":1,\"executionId\":\"{Second}\",\"acquiredAt\":\"2026-11-22T03:00:00Z\",\"expiresAt\":\"2026-11-23T05:00:00Z\"}}"));
            }
        };

        // Act
        var refused = await Assert.ThrowsAsync<BackupAlreadyRunningException>(() => Run(BackupLock.Acquire, First));

        // Assert
        Assert.Contains("at the same moment", refused.Message);
    }

    [Fact]
    public async Task Retried_Acquire_Of_The_Holder_Returns_Its_Own_Lease()
    {
        // Arrange
        var first = await Run(BackupLock.Acquire, First);

        // Act
        var again = await Run(BackupLock.Acquire, First);

        // Assert
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Single(_store.Keys);
    }

    [Fact]
    public async Task Release_By_An_Execution_That_Lost_Its_Lease_Leaves_The_New_Holder_Alone()
    {
        // Arrange: the first lease expired and was taken over; then the first execution's release runs late.
        await Run(BackupLock.Acquire, First);
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        await Run(BackupLock.Acquire, Second);

        // Act
        var late = await Run(BackupLock.Release, First);

        // Assert
        Assert.False(late.Held);
        Assert.DoesNotContain(BackupLock.ReleaseKey(Cluster, 2), _store.Keys);
        await Assert.ThrowsAsync<BackupAlreadyRunningException>(() => Run(BackupLock.Acquire, "arn:aws:states:us-east-1:123456789012:execution:backup:third"));
    }

    [Fact]
    public async Task Cluster_Is_Read_From_The_Workflow_Input_When_Passed_Whole()
    {
        // Act
        var result = await _lock.HandleAsync(
            new BackupLockInput { Action = BackupLock.Acquire, Request = new Lifeboat.Core.Workflow.BackupRequest { Cluster = Cluster }, ExecutionId = First },
            CancellationToken.None);

        // Assert
        Assert.Equal(Cluster, result.Cluster);
        Assert.Equal([BackupLock.LeaseKey(Cluster, 1)], _store.Keys);
    }

    [Fact]
    public async Task Workflow_Input_Without_A_Cluster_Is_Refused_Naming_The_Rule()
    {
        // Act
        var refused = await Assert.ThrowsAsync<InvalidInputException>(() =>
            _lock.HandleAsync(new BackupLockInput { Action = BackupLock.Acquire, Request = new Lifeboat.Core.Workflow.BackupRequest(), ExecutionId = First }, CancellationToken.None));

        // Assert
        Assert.Contains("cluster '(missing)'", refused.Message);
        Assert.Empty(_store.Keys);
    }

    [Theory]
    [InlineData("steal", "main")]
    [InlineData("acquire", "../etc")]
    public async Task Bad_Input_Is_Refused_Before_Anything_Is_Written(string action, string cluster)
    {
        // Act
        await Assert.ThrowsAsync<InvalidInputException>(() =>
            _lock.HandleAsync(new BackupLockInput { Action = action, Cluster = cluster, ExecutionId = First }, CancellationToken.None));

        // Assert
        Assert.Empty(_store.Keys);
    }
}
