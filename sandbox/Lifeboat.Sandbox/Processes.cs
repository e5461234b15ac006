using System.Diagnostics;

namespace Lifeboat.Sandbox;

/// <summary>Starts detached background processes (they outlive the CLI) and stops them by PID.</summary>
public static class Processes
{
    /// <summary>Starts <paramref name="arguments"/> in its own session with output to <paramref name="logFile"/>; returns its PID.</summary>
    public static int StartDetached(IReadOnlyList<string> arguments, string logFile, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("setsid \"$@\" >>\"$LIFEBOAT_LOG\" 2>&1 </dev/null & echo $!");
        start.ArgumentList.Add("sh");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["LIFEBOAT_LOG"] = logFile;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var shell = Process.Start(start) ?? throw new InvalidOperationException($"could not start {arguments[0]}");
        var pid = shell.StandardOutput.ReadLine();
        shell.WaitForExit();
        return int.Parse(pid ?? throw new InvalidOperationException($"no PID for {arguments[0]}"), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static bool IsAlive(int pid)
    {
        // A zombie or a reused PID of another program is not ours.
        var stat = $"/proc/{pid}/stat";
        return File.Exists(stat) && !File.ReadAllText(stat).Split(' ')[2].Equals("Z", StringComparison.Ordinal);
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>. True when the process is gone.</summary>
    public static async Task<bool> StopAsync(int pid, TimeSpan grace)
    {
        if (!IsAlive(pid))
        {
            return true;
        }
        await RunAsync("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline)
        {
            if (!IsAlive(pid))
            {
                return true;
            }
            await Task.Delay(100);
        }
        await RunAsync("kill", ["-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await Task.Delay(200);
        return !IsAlive(pid);
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string file, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
