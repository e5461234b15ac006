using System.Text.Json.Nodes;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>The operator's commands against a stack: here the sandbox's, reached the way a deployed one is.</summary>
[Collection(SandboxCollection.Name)]
public sealed class OpsTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Ops_Status_Shows_The_Window_The_Backups_And_The_Last_Drill_And_Ops_Restore_Follows_An_Execution()
    {
        // Arrange
        var layout = fixture.Sandbox.Layout;
        var target = new OpsTarget(SandboxLayout.Bucket, SandboxLayout.Cluster, SandboxLayout.Region, layout.S3Url,
            SandboxLayout.StateMachineArn("RestoreStateMachine"), layout.StepFunctionsUrl);
        await fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });
        var backup = await fixture.Sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, TimeSpan.FromMinutes(10));
        Assert.True(backup.Succeeded, $"{backup.Error}: {backup.Cause}");
        var ops = new Ops(target, TextWriter.Null);

        // Act
        var (status, output, error, cause) = await ops.RestoreAsync(new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" }, TimeSpan.FromMinutes(10));
        var lines = await ops.StatusAsync();

        // Assert
        Assert.True(status == "SUCCEEDED", $"{error}: {cause}");
        Assert.Equal("passed", JsonNode.Parse(output!)!["status"]!.GetValue<string>());
        Assert.Contains(lines, l => l.StartsWith("backups: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("last drill ", StringComparison.Ordinal) && l.Contains(": passed at ", StringComparison.Ordinal));
    }
}
