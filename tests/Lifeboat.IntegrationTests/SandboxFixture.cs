using System.Globalization;
using Lifeboat.Aws.Protocol;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>
/// One real sandbox for the whole suite, on its own ports and folder so it never touches a hand-run one:
/// MariaDB primary + replica, s3rver, the Step Functions runner, the Lambda/SSM host.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public Sandbox.Sandbox Sandbox { get; }

    public SandboxFixture()
    {
        var repoRoot = SandboxLayout.FindRepoRoot(AppContext.BaseDirectory);
        // LIFEBOAT_TEST_BASE_PORT lets two checkouts run their suites side by side.
        var basePort = Environment.GetEnvironmentVariable("LIFEBOAT_TEST_BASE_PORT") is { Length: > 0 } port
            ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)
            : 15300;
        var layout = new SandboxLayout(repoRoot, Path.Combine(repoRoot, ".sandbox-test", "sandbox"), basePort);
        Sandbox = new Sandbox.Sandbox(layout, TextWriter.Null);
    }

    public InstanceEntry Primary => Sandbox.State.Instance("primary");
    public InstanceEntry Replica => Sandbox.State.Instance("replica");

    public async Task InitializeAsync()
    {
        await Sandbox.DestroyAsync();
        await Sandbox.UpAsync();
        await SampleData.LoadAsync(Primary, 5_000);
        await MariaDb.WaitCaughtUpAsync(Replica, Primary, TimeSpan.FromSeconds(60));
    }

    public Task DisposeAsync() => Sandbox.DownAsync();

    /// <summary>Sends one of the template's SSM documents to <paramref name="host"/>, as a Lambda would, and waits for it to end.</summary>
    public async Task<GetCommandInvocationResponse> RunDocumentAsync(
        InstanceEntry host, string documentResource, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters)
    {
        using var ssm = Sandbox.Layout.SsmClient();
        var sent = await ssm.SendCommandAsync(new SendCommandRequest
        {
            InstanceIds = [host.InstanceId],
            DocumentName = SamTemplate.DocumentName(documentResource),
            Parameters = parameters,
        }, CancellationToken.None);
        GetCommandInvocationResponse result;
        do
        {
            await Task.Delay(250);
            result = await ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = sent.Command!.CommandId!, InstanceId = host.InstanceId }, CancellationToken.None);
        }
        while (result.Status is "InProgress" or "Pending");
        return result;
    }

    /// <summary>The restore document's parameters for a backup, with the source settings of the sandbox's servers.</summary>
    public static Dictionary<string, IReadOnlyList<string>> RestoreParameters(string backupId, string sha256, long rawBytes) => new()
    {
        ["Cluster"] = [SandboxLayout.Cluster], ["Bucket"] = [SandboxLayout.Bucket], ["BackupId"] = [backupId],
        ["Sha256"] = [sha256], ["RawBytes"] = [rawBytes.ToString(CultureInfo.InvariantCulture)],
        ["SqlMode"] = ["STRICT_TRANS_TABLES"], ["CharacterSetServer"] = ["utf8mb4"], ["CollationServer"] = ["utf8mb4_general_ci"],
        ["LowerCaseTableNames"] = ["0"],
    };
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}
