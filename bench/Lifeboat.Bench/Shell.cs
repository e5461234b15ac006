using System.Diagnostics;
using System.Globalization;

namespace Lifeboat.Bench;

/// <summary>Runs bash pipelines for the suite, timed, with their output in a log file per step.</summary>
internal sealed class Shell(string logDir)
{
    /// <summary>Runs <paramref name="script"/> under <c>set -euo pipefail</c>; returns wall seconds, throws with the log tail.</summary>
    public async Task<double> TimeAsync(string label, string script)
    {
        Directory.CreateDirectory(logDir);
        var log = Path.Combine(logDir, $"{label}.log");
        var start = new ProcessStartInfo("/bin/bash") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec >{Quote(log)} 2>&1\nset -euo pipefail\n{script}");
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        await process.WaitForExitAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            var tail = string.Join('\n', File.ReadLines(log).TakeLast(15));
            throw new InvalidOperationException($"{label} failed (exit {process.ExitCode}); log {log}:\n{tail}");
        }
        return seconds;
    }

    /// <summary>Runs a short command and returns its trimmed stdout.</summary>
    public static async Task<string> OutputAsync(string script)
    {
        var result = await Lifeboat.Sandbox.Processes.RunAsync("/bin/bash", ["-c", "set -euo pipefail\n" + script], timeout: TimeSpan.FromMinutes(30));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{script}` failed: {result.Stderr.Trim()}");
        }
        return result.Stdout.Trim();
    }

    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string Number(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
