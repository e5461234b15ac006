using System.Text.RegularExpressions;

namespace Lifeboat.Tests.Template;

/// <summary>
/// Reads the Lifeboat.Functions sources for the environment variables each handler class reads: directly
/// (<c>settings.Required("X")</c>, <c>Optional</c>, <c>Long</c>), through FunctionSettings properties
/// (<c>Bucket =&gt; Required("BUCKET_NAME")</c>) and through static helpers taking the settings (<c>Adapters.Bucket(settings)</c>).
/// </summary>
public sealed partial class FunctionSourceScanner
{
    private readonly Dictionary<string, string> _classSources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _settingsMembers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _helperBodies = new(StringComparer.Ordinal);

    public FunctionSourceScanner(string sourceDirectory)
    {
        var files = Directory.GetFiles(sourceDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var source = File.ReadAllText(file);
            foreach (Match declaration in ClassDeclaration().Matches(source))
            {
                _classSources[declaration.Groups[1].Value] = source;
            }
            var declaresSettings = ClassDeclaration().Matches(source).Any(m => m.Groups[1].Value == "FunctionSettings");
            foreach (var property in declaresSettings ? SettingsProperty().Matches(source) : Enumerable.Empty<Match>())
            {
                _settingsMembers[property.Groups["name"].Value] = VariableReads().Matches(property.Groups["body"].Value)
                    .Select(m => m.Groups["variable"].Value)
                    .ToHashSet(StringComparer.Ordinal);
            }
            var helpers = Helper().Matches(source).ToList();
            for (var i = 0; i < helpers.Count; i++)
            {
                var end = i + 1 < helpers.Count ? helpers[i + 1].Index : source.Length;
                var owner = ClassDeclaration().Matches(source[..helpers[i].Index]).LastOrDefault()?.Groups[1].Value;
                _helperBodies[$"{owner}.{helpers[i].Groups["name"].Value}"] = source[helpers[i].Index..end];
            }
        }
    }

    /// <summary>The FunctionSettings properties found, with the variables each reads.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> SettingsMembers => _settingsMembers;

    /// <summary>The variables the class named <paramref name="typeName"/> (simple name) reads, or null if no source declares it.</summary>
    public IReadOnlySet<string>? VariablesReadBy(string typeName) =>
        _classSources.TryGetValue(typeName, out var source) ? VariablesReadIn(source, []) : null;

    private HashSet<string> VariablesReadIn(string source, HashSet<string> visitedHelpers)
    {
        var variables = VariableReads().Matches(source).Select(m => m.Groups["variable"].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var parameter in SettingsParameter().Matches(source).Select(m => m.Groups[1].Value).Distinct())
        {
            foreach (Match access in Regex.Matches(source, $@"\b{parameter}\.(\w+)\b"))
            {
                variables.UnionWith(_settingsMembers.GetValueOrDefault(access.Groups[1].Value) ?? []);
            }
            foreach (Match call in Regex.Matches(source, $@"\b(\w+\.\w+)\(\s*{parameter}\s*\)"))
            {
                if (_helperBodies.TryGetValue(call.Groups[1].Value, out var body) && visitedHelpers.Add(call.Groups[1].Value))
                {
                    variables.UnionWith(VariablesReadIn(body, visitedHelpers));
                }
            }
        }
        return variables;
    }

    [GeneratedRegex(@"\bclass\s+(\w+)")]
    private static partial Regex ClassDeclaration();

    // Required("X"), settings.Optional("X"), Long("X", fallback): any receiver, or none inside FunctionSettings itself.
    [GeneratedRegex(@"\b(?:Required|Optional|Long)\(\s*""(?<variable>[A-Za-z0-9_]+)""")]
    private static partial Regex VariableReads();

    [GeneratedRegex(@"public\s+[\w?<>]+\s+(?<name>\w+)\s*=>(?<body>[^;]*);")]
    private static partial Regex SettingsProperty();

    [GeneratedRegex(@"static\s+[\w.<>?]+\s+(?<name>\w+)\(\s*FunctionSettings\s+\w+\s*\)")]
    private static partial Regex Helper();

    [GeneratedRegex(@"\bFunctionSettings\s+(\w+)")]
    private static partial Regex SettingsParameter();
}
