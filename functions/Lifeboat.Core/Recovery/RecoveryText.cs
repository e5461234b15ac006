using System.Globalization;

namespace Lifeboat.Core.Recovery;

/// <summary>Culture-invariant text for the CLI and dry-run lines.</summary>
internal static class RecoveryText
{
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Span(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 ? Count((long)span.TotalDays, "day")
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? Count((long)span.TotalHours, "hour")
        : span.ToString("c", CultureInfo.InvariantCulture);

    public static string Count(long count, string noun, string? plural = null) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : plural ?? noun + "s");

    /// <summary>The numeric suffix of a binlog file name: <c>mysql-bin.000057</c> → <c>000057</c>.</summary>
    public static string Suffix(string file)
    {
        var dot = file.LastIndexOf('.');
        return dot < 0 ? file : file[(dot + 1)..];
    }

    /// <summary>A file of the same series as <paramref name="sibling"/> with another sequence number, zero-padded alike.</summary>
    public static string Sibling(string sibling, long sequence)
    {
        var dot = sibling.LastIndexOf('.');
        var width = dot < 0 ? 6 : sibling.Length - dot - 1;
        return sibling[..(dot + 1)] + sequence.ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary><c>mysql-bin.000003..000120</c>; the full name twice when the series differ.</summary>
    public static string Files(string first, string last)
    {
        if (first == last)
        {
            return first;
        }
        var dot = first.LastIndexOf('.');
        var sameSeries = dot >= 0 && last.Length == first.Length && string.CompareOrdinal(first, 0, last, 0, dot + 1) == 0;
        return first + ".." + (sameSeries ? Suffix(last) : last);
    }
}
