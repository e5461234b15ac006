using System.Text;
using System.Text.RegularExpressions;

namespace Lifeboat.Tests.Template;

/// <summary>
/// The metric names the C# sources emit as CloudWatch EMF lines (namespace Lifeboat), read from the source files that call
/// <c>Metrics.Emf(</c>. A name counts when it is a string literal
/// <list type="bullet">
/// <item>in a dictionary key that is given a tuple: <c>["BackupRawBytes"] = (bytes, "Bytes")</c>, also inside a
/// conditional key (<c>[drill ? "DrillSuccess" : "RestoreSuccess"] = (…)</c>);</item>
/// <item>as the first argument of a call that also passes a CloudWatch unit literal: <c>Add("BackupAgeSeconds", age, "Seconds")</c>.</item>
/// </list>
/// An interpolated key (<c>[$"Drill{phase}Seconds"] = (…)</c>) yields a pattern, each hole matching a word, when its
/// literal text is long enough to say something.
/// </summary>
public sealed partial class EmfMetricScanner
{
    private const int MinimumPatternLiteral = 4;

    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<Regex> _patterns = [];

    private EmfMetricScanner()
    {
    }

    public IReadOnlySet<string> Names => _names;

    public IReadOnlyList<Regex> Patterns => _patterns;

    /// <summary>Every .cs file under <paramref name="directory"/> (bin/ and obj/ excluded) that calls Metrics.Emf.</summary>
    public static EmfMetricScanner FromDirectory(string directory) =>
        FromSources(Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(File.ReadAllText));

    public static EmfMetricScanner FromSources(IEnumerable<string> sources)
    {
        var scanner = new EmfMetricScanner();
        foreach (var source in sources.Where(s => s.Contains("Metrics.Emf(", StringComparison.Ordinal)))
        {
            scanner.Scan(source);
        }
        return scanner;
    }

    public bool Emits(string metric) => _names.Contains(metric) || _patterns.Any(p => p.IsMatch(metric));

    private void Scan(string source)
    {
        foreach (Match entry in DictionaryEntry().Matches(source))
        {
            var key = entry.Groups["key"].Value.Trim();
            if (key.StartsWith("$\"", StringComparison.Ordinal) && key.EndsWith('"'))
            {
                if (InterpolationPattern(key[2..^1]) is { } pattern)
                {
                    _patterns.Add(pattern);
                }
                continue;
            }
            _names.UnionWith(NameLiteral().Matches(key).Select(m => m.Groups["name"].Value));
        }
        _names.UnionWith(CallWithUnit().Matches(source).Select(m => m.Groups["name"].Value));
    }

    /// <summary>The literal text escaped, each <c>{hole}</c> a word; null when too little of it is literal.</summary>
    private static Regex? InterpolationPattern(string body)
    {
        var pattern = new StringBuilder("^");
        var literal = new StringBuilder();
        var literalCount = 0;
        var depth = 0;
        var inString = false;
        foreach (var c in body)
        {
            if (depth == 0 && c == '{')
            {
                pattern.Append(Regex.Escape(literal.ToString())).Append("[A-Za-z0-9]+");
                literalCount += literal.Length;
                literal.Clear();
                depth = 1;
            }
            else if (depth == 0)
            {
                literal.Append(c);
            }
            else if (c == '"')
            {
                inString = !inString;
            }
            else if (!inString && c == '{')
            {
                depth++;
            }
            else if (!inString && c == '}')
            {
                depth--;
            }
        }
        pattern.Append(Regex.Escape(literal.ToString())).Append('$');
        literalCount += literal.Length;
        return literalCount >= MinimumPatternLiteral && depth == 0 ? new Regex(pattern.ToString(), RegexOptions.CultureInvariant) : null;
    }

    // [key] = ( …, where the key may hold one level of brackets (phase[0]) and strings.
    [GeneratedRegex(@"\[(?<key>[^\[\]\r\n]*(?:\[[^\[\]\r\n]*\][^\[\]\r\n]*)*)\]\s*=\s*\(")]
    private static partial Regex DictionaryEntry();

    [GeneratedRegex(@"""(?<name>[A-Z][A-Za-z0-9]{2,})""")]
    private static partial Regex NameLiteral();

    [GeneratedRegex(@"\b\w+\(\s*""(?<name>[A-Z][A-Za-z0-9]{2,})""\s*,[^;]*?,\s*""(?:Seconds|Microseconds|Milliseconds|Bytes|Kilobytes|Megabytes|Gigabytes|Terabytes|Bits|Kilobits|Megabits|Gigabits|Terabits|Percent|Count|None)(?:/Second)?""\s*\)")]
    private static partial Regex CallWithUnit();
}
