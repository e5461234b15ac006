using System.Globalization;

namespace Lifeboat.Bench;

/// <summary>Whose CPU time a sample counts: the process's own, or that of its children once they have exited and been waited for.</summary>
internal enum CpuOf
{
    Process,
    Children,
}

/// <summary>
/// Samples, every 100 ms, the CPU time of the whole machine and of named processes from /proc, so that a window of a
/// run (one SSM command) can be attributed: which process used how much of the cores while it ran. The SSM stand-in's
/// commands are the host's children, so they count as its children's time once they have ended.
/// </summary>
internal sealed class CpuSampler : IAsyncDisposable
{
    private static readonly double TicksPerSecond = ClockTicks();

    private readonly IReadOnlyDictionary<string, (int Pid, CpuOf Of)> _processes;
    private readonly List<(DateTime At, long Busy, Dictionary<string, long> Ticks)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public CpuSampler(IReadOnlyDictionary<string, (int Pid, CpuOf Of)> processes)
    {
        _processes = processes;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>CPU seconds per named process, and the machine's, between the samples nearest to <paramref name="from"/> and <paramref name="to"/>.</summary>
    public (double Machine, IReadOnlyDictionary<string, double> Processes) Between(DateTime from, DateTime to)
    {
        lock (_samples)
        {
            var first = _samples.LastOrDefault(s => s.At <= from, _samples[0]);
            // A command's time counts once it has been waited for: take the first sample half a second after its end.
            var last = _samples.FirstOrDefault(s => s.At >= to.AddMilliseconds(500), _samples[^1]);
            var processes = _processes.Keys.ToDictionary(name => name, name => (last.Ticks[name] - first.Ticks[name]) / TicksPerSecond);
            return ((last.Busy - first.Busy) / TicksPerSecond, processes);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var sample = (DateTime.UtcNow, MachineBusyTicks(), _processes.ToDictionary(p => p.Key, p => ProcessTicks(p.Value.Pid, p.Value.Of)));
            lock (_samples)
            {
                _samples.Add(sample);
            }
            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>user + nice + system + irq + softirq of every core, from /proc/stat's first line.</summary>
    private static long MachineBusyTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
    }

    /// <summary>utime + stime, or cutime + cstime, from /proc/&lt;pid&gt;/stat; 0 once the process is gone.</summary>
    private static long ProcessTicks(int pid, CpuOf of)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return 0;
        }
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return of == CpuOf.Process ? Field(14) + Field(15) : Field(16) + Field(17);
    }

    private static double ClockTicks()
    {
        var output = Shell.OutputAsync("getconf CLK_TCK").GetAwaiter().GetResult();
        return double.TryParse(output, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
    }
}
