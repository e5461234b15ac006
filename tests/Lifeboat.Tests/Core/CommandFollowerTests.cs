using System.Text.Json;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Json;
using Lifeboat.Core.Workflow;
using Xunit;

namespace Lifeboat.Tests.Core;

public class CommandFollowerTests
{
    private const string Instance = "i-0123456789abcdef0";
    private static readonly DateTimeOffset SentAt = new(2026, 11, 22, 1, 30, 1, TimeSpan.Zero);
    private static readonly DateTimeOffset StartedAt = new(2026, 11, 22, 1, 30, 2, TimeSpan.Zero);

    /// <summary>The last line the backup document prints on success.</summary>
    private const string BackupResultLine =
        """{"backupId":"20261122T013000Z-bcdef0","streamKey":"backups/orders-db/20261122T013000Z-bcdef0/data.xbstream.zst","manifestKey":"backups/orders-db/20261122T013000Z-bcdef0/manifest.json","rawBytes":99857612800,"compressedBytes":21474836480,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","gtidSlavePos":"0-101-48213,1-101-7","tables":4,"startedAt":"2026-11-22T01:30:04Z","finishedAt":"2026-11-22T02:41:37Z"}""";

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 22, 1, 45, 0, TimeSpan.Zero));
    private readonly ScriptedRemoteCommands _commands = new();

    private static FollowedCommand Command(int polls = 0) => new()
    {
        CommandId = "0831e1a8-a1ac-4257-a1fd-c831bEXAMPLE",
        InstanceId = Instance,
        Document = "Lifeboat-Backup",
        SentAt = SentAt,
        Polls = polls,
    };

    private Task<FollowedCommand> Poll(ScriptedPoll answer, int polls = 0)
    {
        _commands.Answer(Instance, answer);
        return new CommandFollower(_commands, _clock).PollAsync(Command(polls), CancellationToken.None);
    }

    [Fact]
    public async Task Running_Command_Is_Not_Done()
    {
        var followed = await Poll(ScriptedPoll.Running() with { StartedAt = StartedAt });

        Assert.False(followed.Done);
        Assert.False(followed.Succeeded);
        Assert.Equal("InProgress", followed.Status);
        Assert.Null(followed.Result);
        Assert.Null(followed.StderrTail);
        Assert.Equal(898.0, followed.DurationSeconds);
        Assert.Equal(1, followed.Polls);
    }

    [Theory]
    [InlineData(CommandStates.Pending)]
    [InlineData(CommandStates.Delayed)]
    [InlineData(CommandStates.Cancelling)]
    public void Pending_Delayed_And_Cancelling_Count_As_Running(string state)
    {
        Assert.True(CommandStates.IsRunning(state));
    }

    [Fact]
    public async Task Successful_Command_Yields_Its_Last_Stdout_Line_As_The_Result()
    {
        var stdout = "streaming mariabackup\nnot json either\n" + BackupResultLine + "\n\n";
        var ended = new DateTimeOffset(2026, 11, 22, 2, 41, 38, 500, TimeSpan.Zero);

        var followed = await Poll(ScriptedPoll.Success(stdout) with { StartedAt = StartedAt, EndedAt = ended });

        Assert.True(followed.Done);
        Assert.True(followed.Succeeded);
        Assert.Equal("Success", followed.Status);
        Assert.Null(followed.StderrTail);
        Assert.NotNull(followed.Result);
        Assert.Equal("20261122T013000Z-bcdef0", followed.Result.Value.GetProperty("backupId").GetString());
        Assert.Equal(21474836480, followed.Result.Value.GetProperty("compressedBytes").GetInt64());
        Assert.Equal(4296.5, followed.DurationSeconds);
    }

    [Fact]
    public async Task Ids_Survive_The_Poll_So_The_Workflow_Can_Loop_On_Them()
    {
        var followed = await Poll(ScriptedPoll.Running(), polls: 4);

        Assert.Equal("0831e1a8-a1ac-4257-a1fd-c831bEXAMPLE", followed.CommandId);
        Assert.Equal(Instance, followed.InstanceId);
        Assert.Equal("Lifeboat-Backup", followed.Document);
        Assert.Equal(SentAt, followed.SentAt);
        Assert.Equal(5, followed.Polls);
    }

    [Fact]
    public async Task Duration_Counts_From_Sending_When_The_Host_Has_Not_Started()
    {
        var followed = await Poll(new ScriptedPoll(CommandStates.Pending));

        Assert.Equal(899.0, followed.DurationSeconds);
    }

    [Fact]
    public async Task Failed_Command_Keeps_Its_Stderr()
    {
        const string stderr = "2026-11-22T01:30:04Z backup SQL thread stopped at 2026-11-22T01:30:05Z (lag was 0s); the IO thread keeps fetching\n"
            + "2026-11-22T01:52:10Z backup FAILED: pipeline stages failed (exit codes): aws s3 cp=1; no manifest was written, so nothing is cataloged\n"
            + "2026-11-22T01:52:10Z backup SQL thread restarted\n";

        var followed = await Poll(ScriptedPoll.Failed(stderr) with { StartedAt = StartedAt, EndedAt = StartedAt.AddMinutes(22) });

        Assert.True(followed.Done);
        Assert.False(followed.Succeeded);
        Assert.Equal("Failed", followed.Status);
        Assert.Equal(stderr.TrimEnd(), followed.StderrTail);
        Assert.Null(followed.Result);
        Assert.Equal(1320.0, followed.DurationSeconds);
    }

    [Theory]
    [InlineData(CommandStates.TimedOut)]
    [InlineData(CommandStates.Cancelled)]
    public async Task Timed_Out_Or_Cancelled_Command_Is_Done_Without_Success(string state)
    {
        var followed = await Poll(new ScriptedPoll(state, Stderr: "killed\n"));

        Assert.True(followed.Done);
        Assert.False(followed.Succeeded);
        Assert.Equal("killed", followed.StderrTail);
    }

    [Fact]
    public async Task Failure_Without_Stderr_Says_So_And_Gives_The_Status_Details()
    {
        var followed = await Poll(new ScriptedPoll(CommandStates.Failed, StatusDetails: "DeliveryTimedOut"));

        Assert.Equal("no output on stderr (status details: DeliveryTimedOut)", followed.StderrTail);
    }

    [Fact]
    public async Task Long_Stderr_Is_Tailed_To_Its_End()
    {
        var stderr = "FIRST-LINE-MARKER\n" + string.Concat(Enumerable.Repeat("[00] 2026-11-22 01:40:00 Copying ./shop/order_lines.ibd\n", 500)) + "FAILED: LAST-LINE-MARKER";

        var followed = await Poll(ScriptedPoll.Failed(stderr));

        Assert.NotNull(followed.StderrTail);
        Assert.StartsWith("…", followed.StderrTail);
        Assert.Equal(4001, followed.StderrTail.Length);
        Assert.EndsWith("FAILED: LAST-LINE-MARKER", followed.StderrTail);
        Assert.DoesNotContain("FIRST-LINE-MARKER", followed.StderrTail);
    }

    [Theory]
    [InlineData("backup finished\n")]
    [InlineData("{\"backupId\":\"20261122T013000Z-bcdef0\"\n")]
    [InlineData("")]
    [InlineData("[1,2,3]\n")]
    public async Task Last_Stdout_Line_That_Is_Not_A_Json_Object_Gives_No_Result(string stdout)
    {
        var followed = await Poll(ScriptedPoll.Success(stdout));

        Assert.True(followed.Done);
        Assert.True(followed.Succeeded);
        Assert.Null(followed.Result);
    }

    [Fact]
    public async Task Json_Before_A_Trailing_Text_Line_Is_Not_Taken_As_The_Result()
    {
        var followed = await Poll(ScriptedPoll.Success(BackupResultLine + "\nbye\n"));

        Assert.Null(followed.Result);
    }

    [Fact]
    public async Task Followed_Command_Serializes_Its_Result_For_The_State_Machine()
    {
        var followed = await Poll(ScriptedPoll.Success(BackupResultLine + "\n"));

        var json = JsonSerializer.Serialize(followed, LifeboatJson.Default.FollowedCommand);
        using var document = JsonDocument.Parse(json);

        Assert.Equal("20261122T013000Z-bcdef0", document.RootElement.GetProperty("result").GetProperty("backupId").GetString());
        Assert.True(document.RootElement.GetProperty("done").GetBoolean());
        Assert.False(document.RootElement.TryGetProperty("stderrTail", out _));
    }
}
