using System.Globalization;

namespace Lifeboat.Core;

/// <summary>Bytes, rate and ETA for a long transfer, logged at most every few seconds.</summary>
public sealed class TransferProgress(string what, long totalBytes, IProgressLog log, TimeProvider clock)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly long _started = clock.GetTimestamp();
    private long _lastReport = clock.GetTimestamp();

    public long Bytes { get; private set; }

    public void Advance(int bytes)
    {
        Bytes += bytes;
        if (clock.GetElapsedTime(_lastReport) >= Interval)
        {
            _lastReport = clock.GetTimestamp();
            log.Info(Describe());
        }
    }

    public void Complete() => log.Info(Describe() + " — done");

    public string Describe()
    {
        var elapsed = clock.GetElapsedTime(_started).TotalSeconds;
        var rate = elapsed > 0 ? Bytes / elapsed : 0;
        var text = $"{what}: {Format(Bytes)}";
        if (totalBytes > 0)
        {
            text += $" of {Format(totalBytes)} ({100.0 * Bytes / totalBytes:0}%)";
        }
        text += $", {Format((long)rate)}/s";
        if (totalBytes > Bytes && rate > 0)
        {
            var eta = TimeSpan.FromSeconds((totalBytes - Bytes) / rate);
            text += $", ETA {(long)eta.TotalHours:00}:{eta:mm\\:ss}";
        }
        return text;
    }

    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
