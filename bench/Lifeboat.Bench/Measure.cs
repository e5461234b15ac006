using System.Diagnostics;

namespace Lifeboat.Bench;

/// <summary>
/// Times cases round-robin after one warm-up pass: every run times each case back to back,
/// so a busy neighbour slows the baseline and the candidate alike, and ratios are taken
/// per run before the median.
/// </summary>
internal static class Measure
{
    public static Timing[] RoundRobin(int runs, IReadOnlyList<Action> cases)
    {
        foreach (var action in cases)
        {
            action();
        }

        var seconds = new double[cases.Count][];
        for (int c = 0; c < cases.Count; c++)
        {
            seconds[c] = new double[runs];
        }

        for (int r = 0; r < runs; r++)
        {
            for (int c = 0; c < cases.Count; c++)
            {
                var watch = Stopwatch.StartNew();
                cases[c]();
                seconds[c][r] = watch.Elapsed.TotalSeconds;
            }
        }

        return seconds.Select(s => new Timing(s, seconds[0])).ToArray();
    }

    public static long AllocatedBytes(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

/// <summary>Per-run seconds of one case and of the baseline timed next to it.</summary>
internal sealed class Timing(double[] seconds, double[] baseline)
{
    public double BestSeconds => seconds.Min();

    public double MedianSeconds => Median(seconds);

    /// <summary>Case speed over baseline speed, the median of per-run ratios.</summary>
    public double RatioToBaseline => Median(seconds.Zip(baseline, (s, b) => b / s).ToArray());

    public double BestMBps(long bytes) => bytes / BestSeconds / 1e6;

    public double MedianMBps(long bytes) => bytes / MedianSeconds / 1e6;

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
