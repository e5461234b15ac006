using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Lifeboat.Sandbox;

/// <summary>An SSM Command document (schema 2.2) as the agent would run it: parameters, then the shell script.</summary>
public sealed partial class SsmDocument
{
    public sealed record Parameter(string Name, string? Default, string? AllowedPattern);

    public required string Name { get; init; }
    public required IReadOnlyDictionary<string, Parameter> Parameters { get; init; }
    public required string Script { get; init; }
    public required TimeSpan Timeout { get; init; }

    public static SsmDocument Load(string name, string file)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(file))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        if (root["schemaVersion"].ToString() != "2.2")
        {
            throw new InvalidDataException($"{file}: schemaVersion must be 2.2");
        }
        var parameters = new Dictionary<string, Parameter>();
        if (root.Children.TryGetValue("parameters", out var ps))
        {
            foreach (var (key, value) in (YamlMappingNode)ps)
            {
                var map = (YamlMappingNode)value;
                parameters[key.ToString()] = new Parameter(
                    key.ToString(),
                    map.Children.TryGetValue("default", out var d) ? d.ToString() : null,
                    map.Children.TryGetValue("allowedPattern", out var p) ? p.ToString() : null);
            }
        }
        var step = (YamlMappingNode)((YamlSequenceNode)root["mainSteps"]).Children.Single();
        if (step["action"].ToString() != "aws:runShellScript")
        {
            throw new InvalidDataException($"{file}: the sandbox runs aws:runShellScript steps only");
        }
        var inputs = (YamlMappingNode)step["inputs"];
        var commands = inputs["runCommand"] is YamlSequenceNode seq ? seq.Children.Select(c => c.ToString()) : [inputs["runCommand"].ToString()];
        var timeout = inputs.Children.TryGetValue("timeoutSeconds", out var t) ? int.Parse(t.ToString(), System.Globalization.CultureInfo.InvariantCulture) : 3600;
        return new SsmDocument { Name = name, Parameters = parameters, Script = string.Join('\n', commands), Timeout = TimeSpan.FromSeconds(timeout) };
    }

    /// <summary>SSM's checks on SendCommand: every parameter declared, required ones given, each value matching its pattern.</summary>
    public IReadOnlyDictionary<string, string> Bind(IReadOnlyDictionary<string, IReadOnlyList<string>> given)
    {
        var unknown = given.Keys.Except(Parameters.Keys).ToList();
        if (unknown.Count > 0)
        {
            throw new SsmException("InvalidParameters", $"document {Name} has no parameter(s) {string.Join(", ", unknown)}");
        }
        var bound = new Dictionary<string, string>();
        foreach (var parameter in Parameters.Values)
        {
            var value = given.TryGetValue(parameter.Name, out var values) ? string.Join(',', values) : parameter.Default
                ?? throw new SsmException("InvalidParameters", $"document {Name} requires parameter {parameter.Name}");
            if (parameter.AllowedPattern is { } pattern && !Regex.IsMatch(value, pattern))
            {
                throw new SsmException("InvalidParameters", $"parameter {parameter.Name} value '{value}' does not match the allowed pattern {pattern}");
            }
            bound[parameter.Name] = value;
        }
        return bound;
    }

    /// <summary>{{ Name }} replaced textually, exactly as the agent does.</summary>
    public string Render(IReadOnlyDictionary<string, string> bound) =>
        PlaceholderRegex().Replace(Script, m => bound.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex PlaceholderRegex();
}

public sealed class SsmException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
}
