using System.Text.Json.Nodes;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>Hostile restore inputs through the real state machine: refused at planning, no instance launched, no command sent.</summary>
[Collection(SandboxCollection.Name)]
public sealed class HostileInputTests(SandboxFixture fixture)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var item in Fixture())
        {
            data.Add(item!["name"]!.GetValue<string>());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_Restore_Input_Is_Refused_Before_Anything_Is_Launched_Or_Sent(string name)
    {
        // Arrange
        var item = Fixture().Single(i => i!["name"]!.GetValue<string>() == name)!;
        var commandsBefore = Commands();
        var instancesBefore = fixture.Sandbox.State.Instances.Count;

        // Act
        var outcome = await fixture.Sandbox.RunStateMachineAsync("RestoreStateMachine", item["input"]!.DeepClone(), TimeSpan.FromMinutes(5));

        // Assert
        Assert.Equal("FAILED", outcome.Status);
        Assert.Equal("InvalidInputException", outcome.Error);
        Assert.Contains(item["expect"]!.GetValue<string>(), outcome.Cause);
        Assert.Equal(instancesBefore, fixture.Sandbox.State.Instances.Count);
        Assert.DoesNotContain(fixture.Sandbox.State.Instances, i => i.Role == "restore-target");
        Assert.Equal(commandsBefore, Commands());
    }

    /// <summary>Every Run Command the sandbox's SSM endpoint accepted has a folder here.</summary>
    private string[] Commands() =>
        Directory.Exists(fixture.Sandbox.Layout.CommandsDir) ? Directory.GetDirectories(fixture.Sandbox.Layout.CommandsDir).Order().ToArray() : [];

    private static JsonArray Fixture() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "hostile-restore-inputs.json")))!.AsArray();
}
