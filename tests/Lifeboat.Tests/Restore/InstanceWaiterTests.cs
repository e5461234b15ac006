using Lifeboat.Core;
using Lifeboat.Core.Commands;
using Lifeboat.Tests.Core;
using Xunit;

namespace Lifeboat.Tests.Restore;

/// <summary>InstanceWaiter: the restore workflow's wait for a fresh instance's SSM agent, bounded.</summary>
public class InstanceWaiterTests
{
    private const string Target = "i-0a1b2c3d4e5f60718";

    [Fact]
    public async Task Instance_Not_Yet_Registered_Is_Not_Online_And_The_Check_Is_Counted()
    {
        // Arrange
        var waiter = new InstanceWaiter(new ScriptedRemoteCommands(), maxAttempts: 40);

        // Act
        var result = await waiter.CheckAsync(new InstanceOnlineInput { InstanceId = Target }, CancellationToken.None);

        // Assert
        Assert.Equal(Target, result.InstanceId);
        Assert.False(result.Online);
        Assert.Equal(1, result.Attempts);
    }

    [Theory]
    [InlineData("ConnectionLost")]
    [InlineData("Inactive")]
    public async Task Registered_But_Not_Pinging_Is_Not_Online(string pingStatus)
    {
        // Arrange
        var commands = new ScriptedRemoteCommands();
        commands.Instances.Add(new ManagedInstance(Target, pingStatus, "ip-10-0-3-41"));
        var waiter = new InstanceWaiter(commands, maxAttempts: 40);

        // Act
        var result = await waiter.CheckAsync(new InstanceOnlineInput { InstanceId = Target, Attempts = 7 }, CancellationToken.None);

        // Assert
        Assert.False(result.Online);
        Assert.Equal(8, result.Attempts);
    }

    [Fact]
    public async Task Online_Instance_Is_Reported_Online_With_Its_Count()
    {
        // Arrange
        var commands = new ScriptedRemoteCommands();
        commands.Instances.Add(new ManagedInstance(Target, "Online", "ip-10-0-3-41"));
        var waiter = new InstanceWaiter(commands, maxAttempts: 40);

        // Act
        var result = await waiter.CheckAsync(new InstanceOnlineInput { InstanceId = Target, Attempts = 3 }, CancellationToken.None);

        // Assert
        Assert.True(result.Online);
        Assert.Equal(4, result.Attempts);
    }

    [Fact]
    public async Task Instance_Coming_Online_On_The_Last_Allowed_Check_Is_Accepted()
    {
        // Arrange
        var commands = new ScriptedRemoteCommands();
        commands.Instances.Add(new ManagedInstance(Target, "Online", null));
        var waiter = new InstanceWaiter(commands, maxAttempts: 5);

        // Act
        var result = await waiter.CheckAsync(new InstanceOnlineInput { InstanceId = Target, Attempts = 4 }, CancellationToken.None);

        // Assert
        Assert.True(result.Online);
        Assert.Equal(5, result.Attempts);
    }

    [Fact]
    public async Task Waiting_Gives_Up_On_Exactly_The_Last_Allowed_Check_Naming_The_Causes()
    {
        // Arrange: the workflow feeds each result back in until the instance is online or the waiter gives up.
        var waiter = new InstanceWaiter(new ScriptedRemoteCommands(), maxAttempts: 5);
        var input = new InstanceOnlineInput { InstanceId = Target };
        var checks = 0;
        InstanceNeverOnlineException? error = null;

        // Act
        while (error is null && checks < 100)
        {
            checks++;
            try
            {
                var result = await waiter.CheckAsync(input, CancellationToken.None);
                input = input with { Attempts = result.Attempts };
            }
            catch (InstanceNeverOnlineException e)
            {
                error = e;
            }
        }

        // Assert
        Assert.NotNull(error);
        Assert.Equal(5, checks);
        Assert.Equal(4, input.Attempts);
        Assert.Contains($"instance {Target} did not register with SSM after 5 checks", error.Message);
        Assert.Contains("AmazonSSMManagedInstanceCore", error.Message);
        Assert.Contains("It will be terminated.", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("i-XYZ")]
    [InlineData("i-0a1b2c3d4e5f60718 ")]
    public async Task Bad_Instance_Id_Is_Refused(string instanceId)
    {
        // Arrange
        var commands = new ScriptedRemoteCommands();
        var waiter = new InstanceWaiter(commands, maxAttempts: 40);

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            waiter.CheckAsync(new InstanceOnlineInput { InstanceId = instanceId }, CancellationToken.None));

        // Assert
        Assert.Contains("is not an EC2 or managed instance id", error.Message);
    }
}
