using Lifeboat.Aws.Protocol;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>How <c>./run ops --stack</c> turns a described stack into a target; no sandbox needed.</summary>
public sealed class OpsStackTests
{
    private static CloudFormationStack Stack(string status = "UPDATE_COMPLETE", Dictionary<string, string>? outputs = null) => new(
        "lifeboat-prod",
        "arn:aws:cloudformation:eu-west-1:123456789012:stack/lifeboat-prod/1",
        status,
        status == "UPDATE_COMPLETE" ? null : "Resource handler returned message: \"Rate exceeded\"",
        outputs ?? new Dictionary<string, string>
        {
            ["BucketName"] = "lifeboat-prod-123456789012-backups",
            ["ClusterName"] = "main",
            ["RestoreStateMachineArn"] = "arn:aws:states:eu-west-1:123456789012:stateMachine:Restore",
        },
        new Dictionary<string, string> { ["ClusterName"] = "main" });

    [Fact]
    public void Stack_Outputs_Give_The_Bucket_Cluster_And_Restore_State_Machine()
    {
        // Arrange
        var flags = new OpsFlags { Stack = "lifeboat-prod" };

        // Act
        var target = flags.FromStack(Stack());

        // Assert
        Assert.Equal("lifeboat-prod-123456789012-backups", target.Bucket);
        Assert.Equal("main", target.Cluster);
        Assert.Equal("arn:aws:states:eu-west-1:123456789012:stateMachine:Restore", target.StateMachineArn);
        Assert.Equal("lifeboat-prod", target.Stack);
    }

    [Fact]
    public void Explicit_Flags_Override_The_Stack_Outputs()
    {
        // Arrange
        var flags = new OpsFlags { Stack = "lifeboat-prod", Bucket = "other-bucket", Cluster = "billing", StateMachineArn = "arn:other" };

        // Act
        var target = flags.FromStack(Stack());

        // Assert
        Assert.Equal(("other-bucket", "billing", "arn:other"), (target.Bucket, target.Cluster, target.StateMachineArn));
    }

    [Fact]
    public void Cluster_Falls_Back_To_The_ClusterName_Parameter_Of_An_Older_Stack()
    {
        // Arrange
        var outputs = new Dictionary<string, string> { ["BucketName"] = "b", ["RestoreStateMachineArn"] = "arn:r" };

        // Act
        var target = new OpsFlags { Stack = "lifeboat-prod" }.FromStack(Stack(outputs: outputs));

        // Assert
        Assert.Equal("main", target.Cluster);
    }

    [Theory]
    [InlineData("UPDATE_IN_PROGRESS", "wait until it finishes")]
    [InlineData("ROLLBACK_COMPLETE", "describe-stack-events")]
    [InlineData("UPDATE_ROLLBACK_FAILED", "describe-stack-events")]
    public void Stack_Not_In_A_Complete_State_Is_Refused_With_The_Fix(string status, string fix)
    {
        // Arrange
        var flags = new OpsFlags { Stack = "lifeboat-prod" };

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => flags.FromStack(Stack(status)));

        // Assert
        Assert.Contains($"stack 'lifeboat-prod' is {status}", error.Message);
        Assert.Contains("Rate exceeded", error.Message);
        Assert.Contains(fix, error.Message);
    }

    [Fact]
    public void Missing_Bucket_Output_Names_The_Output_And_The_Fix()
    {
        // Arrange
        var outputs = new Dictionary<string, string> { ["ClusterName"] = "main" };

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => new OpsFlags { Stack = "lifeboat-prod" }.FromStack(Stack(outputs: outputs)));

        // Assert
        Assert.Contains("stack 'lifeboat-prod' has no BucketName output", error.Message);
        Assert.Contains("--bucket", error.Message);
    }

    [Theory]
    [InlineData("--to yesterday", "--to 'yesterday' is not an ISO-8601 time with a zone")]
    [InlineData("", "say what to restore to")]
    [InlineData("--keep", "say what to restore to")]
    public async Task Ops_Restore_Refuses_A_Bad_Target_Before_Asking_AWS(string options, string expected)
    {
        // Arrange: an endpoint nothing listens on, so any AWS call would fail differently.
        var cli = Path.Combine(AppContext.BaseDirectory, "lifeboat-sandbox.dll");
        string[] arguments = [cli, "ops", "restore", "--stack", "lifeboat-prod", "--region", "eu-west-1", "--cloudformation-endpoint", "http://127.0.0.1:1/cloudformation",
            .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

        // Act
        var result = await Processes.RunAsync("dotnet", arguments);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {expected}", result.Stderr);
    }

    [Fact]
    public async Task Neither_Stack_Nor_Bucket_Asks_For_The_Stack()
    {
        // Act
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new OpsFlags().ResolveAsync(CancellationToken.None));

        // Assert
        Assert.Contains("--stack <name> is required", error.Message);
    }
}
