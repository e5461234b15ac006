using System.Text;
using System.Text.Json.Nodes;
using Lifeboat.Core;
using Lifeboat.Core.Commands;
using Lifeboat.Functions;
using Lifeboat.Tests.Core;
using Xunit;

namespace Lifeboat.Tests.Security;

/// <summary>
/// Hostile and malformed operator input (Fixtures/Security/*.json) through the real Lambda handlers and the SendCommand
/// check: each is refused with <see cref="InvalidInputException"/> naming the problem, before any AWS call. The handlers'
/// endpoints point at a closed port, so an input that got past validation would fail with a connection error instead.
/// </summary>
public sealed class HostileInputTests
{
    private const string Nowhere = "http://127.0.0.1:9";

    private static readonly FunctionSettings Settings = new(new Dictionary<string, string>
    {
        ["AWS_REGION"] = "eu-west-1",
        ["BUCKET_NAME"] = "lifeboat-backups",
        ["LIFEBOAT_S3_ENDPOINT"] = Nowhere,
        ["LIFEBOAT_SSM_ENDPOINT"] = Nowhere,
        ["DEFAULT_INSTANCE_TYPE"] = "r6i.large",
        ["REPLICA_STATUS_DOCUMENT"] = "lifeboat-ReplicaStatusDocument-1",
        ["MAX_LAG_SECONDS"] = "300",
        ["MIN_FREE_DISK_BYTES"] = "1073741824",
        ["RESTORE_DOCUMENT"] = "lifeboat-RestoreDocument-1",
        ["REPLAY_DOCUMENT"] = "lifeboat-ReplayBinlogsDocument-1",
        ["VALIDATE_DOCUMENT"] = "lifeboat-ValidateRestoreDocument-1",
    });

    public static TheoryData<string> RestoreCases() => Names("hostile-restore-inputs.json");

    public static TheoryData<string> BackupCases() => Names("hostile-backup-inputs.json");

    public static TheoryData<string> CommandCases() => Names("hostile-command-parameters.json");

    [Theory]
    [MemberData(nameof(RestoreCases))]
    public async Task Hostile_Restore_Input_Is_Refused_Before_The_Catalog_Is_Read(string name)
    {
        // Arrange
        var (input, expect) = Case("hostile-restore-inputs.json", name);
        var function = new PlanRestoreFunction(Settings);

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => function.Handle(Stream(input)));

        // Assert
        Assert.Contains(expect!, error.Message);
        Assert.True(error.Message.Length < 600, $"message not bounded: {error.Message.Length} characters");
        Assert.DoesNotContain('\0', error.Message);
    }

    [Theory]
    [MemberData(nameof(BackupCases))]
    public async Task Hostile_Backup_Input_Is_Refused_Before_Any_Replica_Is_Asked(string name)
    {
        // Arrange
        var (input, expect) = Case("hostile-backup-inputs.json", name);
        var function = new ChooseReplicaFunction(Settings);

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => function.Handle(Stream(input)));

        // Assert
        Assert.Contains(expect!, error.Message);
        Assert.True(error.Message.Length < 600, $"message not bounded: {error.Message.Length} characters");
    }

    [Theory]
    [MemberData(nameof(CommandCases))]
    public async Task Command_Parameters_Are_Checked_Against_The_Documents_Own_Patterns_Before_Sending(string name)
    {
        // Arrange
        var item = Fixture("hostile-command-parameters.json").Single(c => c!["name"]!.GetValue<string>() == name)!;
        var remote = new ScriptedRemoteCommands();
        var documents = new Dictionary<string, string>
        {
            ["restore"] = "lifeboat-RestoreDocument-1",
            ["replay"] = "lifeboat-ReplayBinlogsDocument-1",
            ["validate"] = "lifeboat-ValidateRestoreDocument-1",
        };
        var checkedRemote = new CheckedRemoteCommands(remote, new Dictionary<string, string>
        {
            ["lifeboat-RestoreDocument-1"] = LifeboatDocuments.Restore,
            ["lifeboat-ReplayBinlogsDocument-1"] = LifeboatDocuments.ReplayBinlogs,
            ["lifeboat-ValidateRestoreDocument-1"] = LifeboatDocuments.ValidateRestore,
        });
        var starter = new CommandStarter(checkedRemote, documents, TimeProvider.System);
        var input = new StartCommandInput
        {
            InstanceId = item["instanceId"]!.GetValue<string>(),
            Document = item["document"]!.GetValue<string>(),
            Parameters = item["parameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()),
        };
        var expect = item["expect"]?.GetValue<string>();

        // Act
        var attempt = Record.ExceptionAsync(() => starter.StartAsync(input, CancellationToken.None));
        var error = await attempt;

        // Assert
        if (expect is null)
        {
            Assert.Null(error);
            Assert.Single(remote.Sent);
            return;
        }
        Assert.IsType<InvalidInputException>(error);
        Assert.Contains(expect, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(remote.Sent);
    }

    [Fact]
    public async Task Start_Command_Handler_Refuses_A_Hostile_Parameter_Before_Calling_Ssm()
    {
        // Arrange
        var function = new StartCommandFunction(Settings);
        var input = new JsonObject
        {
            ["instanceId"] = "i-0123456789abcdef0",
            ["document"] = "validate",
            ["parameters"] = new JsonObject { ["Cluster"] = "demo", ["Bucket"] = "lifeboat-backups", ["ReportKey"] = "reports/demo/x/../../../catalog.json" },
        };

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => function.Handle(Stream(input)));

        // Assert
        Assert.Contains("parameter ReportKey of the validate-restore document", error.Message);
        Assert.Contains("nothing was sent", error.Message);
    }

    [Fact]
    public async Task A_Document_Not_Named_In_The_Functions_Environment_Is_Never_Sent()
    {
        // Arrange: a function that runs the status document only.
        var remote = new ScriptedRemoteCommands();
        var checkedRemote = new CheckedRemoteCommands(remote, new Dictionary<string, string> { ["lifeboat-ReplicaStatusDocument-1"] = LifeboatDocuments.ReplicaStatus });
        var command = new RemoteCommand("i-0123456789abcdef0", "AWS-RunShellScript", new Dictionary<string, string> { ["commands"] = "reboot" }, TimeSpan.FromMinutes(1), "x");

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => checkedRemote.SendAsync(command, CancellationToken.None));

        // Assert
        Assert.Contains("'AWS-RunShellScript' is not one of this deployment's Lifeboat documents", error.Message);
        Assert.Empty(remote.Sent);
    }

    private static TheoryData<string> Names(string file)
    {
        var data = new TheoryData<string>();
        foreach (var item in Fixture(file))
        {
            data.Add(item!["name"]!.GetValue<string>());
        }
        return data;
    }

    private static (JsonNode Input, string? Expect) Case(string file, string name)
    {
        var item = Fixture(file).Single(c => c!["name"]!.GetValue<string>() == name)!;
        return (item["input"]!, item["expect"]?.GetValue<string>());
    }

    private static JsonArray Fixture(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Security", file)))!.AsArray();

    private static MemoryStream Stream(JsonNode input) => new(Encoding.UTF8.GetBytes(input.ToJsonString()));
}
