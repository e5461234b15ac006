using System.Diagnostics;
using System.Text.Json.Nodes;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>
/// The operator's command line (./run sandbox … and ./run ops …) with the hostile and malformed values of
/// Fixtures/hostile-cli-arguments.json: refused with the option, the value and its form, before anything starts.
/// No sandbox needed.
/// </summary>
public sealed class CliArgumentTests
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
    public void Hostile_Cli_Value_Is_Refused_Naming_The_Option_And_Its_Form(string name)
    {
        // Arrange
        var item = Fixture().Single(i => i!["name"]!.GetValue<string>() == name)!;
        var args = item["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray();
        string? Arg(int i) => args[i].Length == 0 ? null : args[i];
        Action parse = item["command"]!.GetValue<string>() switch
        {
            "restore" => () => CliArguments.RestoreInput(SandboxLayout.Cluster, args),
            "drill" => () => CliArguments.DrillInput(SandboxLayout.Cluster, args),
            "base-port" => () => CliArguments.BasePort(args[0]),
            "since" => () => CliArguments.Time("--since", args[0]),
            "ops" => () => CliArguments.Ops(Arg(0), Arg(1), Arg(2), null, Arg(3), Arg(4)),
            var other => throw new InvalidDataException($"unknown command {other} in the fixture"),
        };

        // Act
        var error = Assert.Throws<ArgumentException>(parse);

        // Assert
        Assert.Contains(item["expect"]!.GetValue<string>(), error.Message);
        Assert.DoesNotContain(error.Message, char.IsControl);
    }

    [Fact]
    public void Valid_Restore_Options_Become_The_Workflow_Input()
    {
        // Arrange
        string[] args = ["--to", "2026-11-21T15:03:00+01:00", "--keep", "--offsite"];

        // Act
        var input = CliArguments.RestoreInput("orders-db", args);

        // Assert
        Assert.Equal("""{"cluster":"orders-db","mode":"restore","target":{"time":"2026-11-21T14:03:00Z"},"keepInstance":true,"source":"offsite"}""", input.ToJsonString());
    }

    [Fact]
    public void Cli_Refuses_A_Hostile_Restore_Before_Touching_Any_Sandbox()
    {
        // Arrange: a sandbox root that does not exist; a refused command must not create it.
        var root = Path.Combine(Path.GetTempPath(), $"lifeboat-cli-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(Sandbox.Sandbox).Assembly.Location, "sandbox", "restore", "--before-gtid", "0-1-5';reboot;'", "--root", root, "--base-port", "17390" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };

        // Act
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        // Assert
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("--before-gtid '0-1-5';reboot;'' is not a MariaDB GTID", stderr);
        Assert.False(Directory.Exists(root));
    }

    private static JsonArray Fixture() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "hostile-cli-arguments.json")))!.AsArray();
}
