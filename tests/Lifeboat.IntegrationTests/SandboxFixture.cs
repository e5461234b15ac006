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
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}
