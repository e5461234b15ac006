using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests.Faults;

[Collection(SandboxCollection.Name)]
public sealed class RestoreFaultTests(SandboxFixture fixture)
{
    private readonly FaultSteps _steps = new(fixture);

    [Fact]
    public async Task Restore_Instance_That_Never_Comes_Online_Is_Terminated_And_The_Drill_Is_Recorded_Failed()
    {
        // Arrange: instances launched from now on never register with SSM.
        await _steps.EnsureVerifiedBackupAsync();
        SandboxFaults.Set(fixture.Sandbox.Layout, SandboxFaults.RestoreTargetNeverOnline, on: true);
        ExecutionOutcome outcome;
        try
        {
            // Act
            outcome = await _steps.DrillAsync();
        }
        finally
        {
            SandboxFaults.Set(fixture.Sandbox.Layout, SandboxFaults.RestoreTargetNeverOnline, on: false);
        }

        // Assert: it gave up after its bounded number of checks, terminated the instance, recorded the drill and paged.
        Assert.Equal("InstanceNeverOnlineException", outcome.Error);
        Assert.Matches(@"did not register with SSM after \d+ checks", outcome.Cause);
        Assert.Contains("It will be terminated", outcome.Cause);
        Assert.Equal("failed", (await _steps.RecordAsync(outcome)).Status);
        Assert.Empty(_steps.RestoreTargets());
        Assert.Equal("ALARM", _steps.AlarmState("drill-failed"));
        Assert.Equal("ALARM", _steps.AlarmState("restore-workflow-failed"));
    }

    [Fact]
    public async Task Restore_Forced_Onto_A_Too_Small_Disk_Fails_Before_Downloading_Naming_Free_And_Needed_Space()
    {
        // Arrange: the planned disk is at least 20 GiB; the operator forces 1 GiB, less than the backup plus headroom.
        await _steps.EnsureVerifiedBackupAsync();

        // Act
        var outcome = await _steps.DrillAsync(diskGiB: 1);

        // Assert: the document's free-space check measured the instance's real 1 GiB disk and refused up front.
        Assert.Equal("Lifeboat.RestoreCommandFailed", outcome.Error);
        Assert.Contains("not enough disk for the restore", outcome.Cause);
        Assert.Matches(@"1(\.0)?GiB free", outcome.Cause);
        Assert.DoesNotContain("download", outcome.Cause, StringComparison.OrdinalIgnoreCase);
        var record = await _steps.RecordAsync(outcome);
        Assert.Equal("failed", record.Status);
        Assert.DoesNotContain("download", record.Phases.Keys);
        Assert.Empty(_steps.RestoreTargets());
        Assert.Equal("ALARM", _steps.AlarmState("drill-failed"));
    }
}
