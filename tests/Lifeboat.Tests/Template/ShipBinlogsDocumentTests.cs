using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>
/// ssm/ship-binlogs.yaml run as the agent runs it (sh, then the bash script it writes out), against stand-ins for the
/// mariadb client and the AWS CLI (Fixtures/Template/ship-binlogs/): the passes of one run, a failing pass, the lock.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ShipBinlogsDocumentTests : IDisposable
{
    private const string Prefix = "binlogs/orders/";

    private readonly string _dir = Directory.CreateTempSubdirectory("ship-binlogs-").FullName;

    public ShipBinlogsDocumentTests()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        foreach (var tool in new[] { "mariadb", "aws" })
        {
            var target = Path.Combine(bin, tool);
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Template", "ship-binlogs", tool), target);
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Directory.CreateDirectory(Path.Combine(_dir, "home"));
        Directory.CreateDirectory(Path.Combine(_dir, "s3"));
        // The primary is writing mysql-bin.000001; nothing has been shipped yet.
        Directory.CreateDirectory(Path.Combine(_dir, "datadir"));
        File.WriteAllText(Path.Combine(_dir, "datadir", "mysql-bin.000001"), "events up to transaction 0\n");
        File.WriteAllText(Path.Combine(_dir, "transactions"), "0");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Second_Pass_Flushes_Again_And_Ships_The_File_The_First_Pass_Left_Open()
    {
        // Act
        var run = Run(passes: 2, intervalSeconds: 10);

        // Assert
        Assert.True(run.ExitCode == 0, run.Output);
        var result = LastJson(run);
        var passes = result["passes"]!.AsArray();
        Assert.Equal(2, passes.Count);
        Assert.Equal(["mysql-bin.000001"], Files(passes[0]!));
        Assert.Equal(["mysql-bin.000002"], Files(passes[1]!));
        Assert.Equal(["mysql-bin.000001", "mysql-bin.000002"], Files(result));
        Assert.Equal(2, result["shipped"]!.GetValue<int>());
        Assert.Equal(passes[1]!["position"]!.GetValue<string>(), result["position"]!.GetValue<string>());
        Assert.NotEqual(passes[0]!["position"]!.GetValue<string>(), passes[1]!["position"]!.GetValue<string>());
        Assert.Equal(2, Queries().Count(q => q == "FLUSH BINARY LOGS"));
        Assert.Equal(["mysql-bin.000001", "mysql-bin.000002"], Shipped());
    }

    [Fact]
    public void Failed_Second_Pass_Fails_The_Run_Naming_The_Pass()
    {
        // Arrange: S3 becomes unreachable after the first pass's listing.
        File.WriteAllText(Path.Combine(_dir, "fail-list-from"), "2");

        // Act
        var run = Run(passes: 2, intervalSeconds: 10);

        // Assert
        Assert.NotEqual(0, run.ExitCode);
        var error = LastJson(run)["error"]!.GetValue<string>();
        Assert.StartsWith("pass 2 of 2: cannot list s3://bucket/binlogs/orders/", error, StringComparison.Ordinal);
        Assert.Contains("pass 2 of 2: FAILED: cannot list", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(["mysql-bin.000001"], Shipped());
    }

    [Fact]
    public void Run_That_Finds_Another_In_Progress_Skips_Without_Flushing()
    {
        // Arrange: another run holds the lock (flock on the same file, as the document takes it).
        var state = Directory.CreateDirectory(Path.Combine(_dir, "home", ".lifeboat")).FullName;

        // Act
        var run = Run(passes: 2, intervalSeconds: 10, underLock: Path.Combine(state, "ship-binlogs.lock"));

        // Assert
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(LastJson(run)["skipped"]!.GetValue<bool>());
        Assert.DoesNotContain("FLUSH BINARY LOGS", Queries());
        Assert.Empty(Shipped());
    }

    /// <summary>The document's runCommand with its parameters filled in, run with sh as the agent does.</summary>
    private ProcessResult Run(int passes, int intervalSeconds, string? underLock = null)
    {
        var content = Map(ParseYaml(File.ReadAllText(Repo.Path("ssm/ship-binlogs.yaml"))))!;
        var command = string.Join('\n', List(content["mainSteps"]).Select(Map)
            .SelectMany(step => List(Map(step!["inputs"])!["runCommand"]).OfType<string>()));
        var values = new Dictionary<string, string>
        {
            ["Cluster"] = "orders",
            ["Bucket"] = "bucket",
            ["Passes"] = passes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PassIntervalSeconds"] = intervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in values)
        {
            command = command.Replace($"{{{{ {name} }}}}", value, StringComparison.Ordinal);
        }
        var wrapper = Path.Combine(_dir, "command.sh");
        File.WriteAllText(wrapper, command);

        var start = new ProcessStartInfo(underLock is null ? "sh" : "flock")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (underLock is not null)
        {
            start.ArgumentList.Add(underLock);
            start.ArgumentList.Add("sh");
        }
        start.ArgumentList.Add(wrapper);
        start.Environment["HOME"] = Path.Combine(_dir, "home");
        start.Environment["PATH"] = $"{Path.Combine(_dir, "bin")}:/usr/local/bin:/usr/bin:/bin";
        start.Environment["STUB_DIR"] = _dir;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the shipping document did not finish");
        }
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static JsonNode LastJson(ProcessResult run) =>
        JsonNode.Parse(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;

    private static List<string> Files(JsonNode node) => node["files"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();

    private List<string> Queries() =>
        File.Exists(Path.Combine(_dir, "queries")) ? File.ReadAllLines(Path.Combine(_dir, "queries")).ToList() : [];

    /// <summary>The binlog files in the stand-in bucket, by name.</summary>
    private List<string> Shipped() =>
        Directory.GetFiles(Path.Combine(_dir, "s3"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(_dir, "s3"), f))
            .Where(k => k.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList()!;
}
