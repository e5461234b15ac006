using Lifeboat.Core;
using Lifeboat.Core.Commands;
using Lifeboat.Tests.Core;
using Xunit;

namespace Lifeboat.Tests.Restore;

/// <summary>CommandStarter: the restore workflow's StartCommand step sends only the documents it knows, by role.</summary>
public class CommandStarterTests
{
    private const string Target = "i-0a1b2c3d4e5f60718";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 4, 3, 10, TimeSpan.Zero);

    private static readonly IReadOnlyDictionary<string, string> Roles = new Dictionary<string, string>
    {
        ["restore"] = "Lifeboat-RestoreBackup-1A2B3C",
        ["replay"] = "Lifeboat-ReplayBinlogs-1A2B3C",
        ["validate"] = "Lifeboat-ValidateRestore-1A2B3C",
    };

    [Fact]
    public async Task Role_Is_Sent_As_Its_Document_With_The_Parameters_And_A_Ten_Minute_Delivery_Timeout()
    {
        // Arrange
        var commands = new ScriptedRemoteCommands();
        var starter = new CommandStarter(commands, Roles, new ManualClock(Now));
        var parameters = new Dictionary<string, string> { ["Cluster"] = "orders-db", ["ReportKey"] = "reports/orders-db/drill-1/validation.json", ["CheckTables"] = "all" };

        // Act
        var followed = await starter.StartAsync(new StartCommandInput { InstanceId = Target, Document = "validate", Parameters = parameters }, CancellationToken.None);

        // Assert
        var sent = Assert.Single(commands.Sent);
        Assert.Equal(Target, sent.InstanceId);
        Assert.Equal("Lifeboat-ValidateRestore-1A2B3C", sent.DocumentName);
        Assert.Equal(parameters, sent.Parameters);
        Assert.Equal(TimeSpan.FromMinutes(10), sent.Timeout);
        Assert.Equal($"Lifeboat validate on {Target}", sent.Comment);
        Assert.Equal("cmd-0001", followed.CommandId);
        Assert.Equal(Target, followed.InstanceId);
        Assert.Equal("Lifeboat-ValidateRestore-1A2B3C", followed.Document);
        Assert.Equal(Now, followed.SentAt);
        Assert.False(followed.Done);
        Assert.Equal(0, followed.Polls);
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("Restore")]
    [InlineData("Lifeboat-RestoreBackup-1A2B3C")]
    [InlineData("AWS-RunShellScript")]
    [InlineData("")]
    public async Task Unknown_Role_Is_Refused_Listing_The_Known_Ones_And_Nothing_Is_Sent(string document)
    {
        // Arrange
        var commands = new ScriptedRemoteCommands();
        var starter = new CommandStarter(commands, Roles, new ManualClock(Now));

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            starter.StartAsync(new StartCommandInput { InstanceId = Target, Document = document }, CancellationToken.None));

        // Assert
        Assert.Contains($"document '{document}' is not one this workflow runs", error.Message);
        Assert.Contains("use one of restore, replay, validate", error.Message);
        Assert.Empty(commands.Sent);
    }

    [Theory]
    [InlineData("")]
    [InlineData("i-XYZ")]
    [InlineData("i-0a1b2c3")]
    [InlineData("i-0a1b2c3d4e5f60718; reboot")]
    [InlineData("i-0a1b2c3d4e5f60718\n")]
    [InlineData("arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d4e5f60718")]
    public async Task Bad_Instance_Id_Is_Refused_And_Nothing_Is_Sent(string instanceId)
    {
        // Arrange
        var commands = new ScriptedRemoteCommands();
        var starter = new CommandStarter(commands, Roles, new ManualClock(Now));

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            starter.StartAsync(new StartCommandInput { InstanceId = instanceId, Document = "restore" }, CancellationToken.None));

        // Assert
        Assert.Contains("is not an EC2 or managed instance id", error.Message);
        Assert.Contains("i-0123456789abcdef0", error.Message);
        Assert.Empty(commands.Sent);
    }

    [Fact]
    public async Task Each_Start_Is_A_New_Command()
    {
        // Arrange
        var commands = new ScriptedRemoteCommands();
        var starter = new CommandStarter(commands, Roles, new ManualClock(Now));

        // Act
        var restore = await starter.StartAsync(new StartCommandInput { InstanceId = Target, Document = "restore" }, CancellationToken.None);
        var replay = await starter.StartAsync(new StartCommandInput { InstanceId = Target, Document = "replay" }, CancellationToken.None);

        // Assert
        Assert.NotEqual(restore.CommandId, replay.CommandId);
        Assert.Equal(["Lifeboat-RestoreBackup-1A2B3C", "Lifeboat-ReplayBinlogs-1A2B3C"], commands.Sent.Select(c => c.DocumentName));
        Assert.Empty(commands.Sent[0].Parameters);
    }
}
