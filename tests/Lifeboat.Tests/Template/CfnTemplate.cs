using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Lifeboat.Tests.Template;

/// <summary>A reference from one part of a template to a logical id: <c>Ref</c>, <c>Fn::GetAtt</c> or <c>${X}</c> in <c>Fn::Sub</c>.</summary>
public readonly record struct CfnReference(string Target, string? Attribute, string Via);

/// <summary>
/// A CloudFormation/SAM template as a plain tree: maps are <see cref="Dictionary{TKey,TValue}"/> of string to object,
/// sequences are <see cref="List{T}"/>, scalars stay strings (YAML's <c>true</c> and <c>1</c> are "true" and "1", as
/// CloudFormation mostly treats them) and short-form tags (<c>!Ref</c>, <c>!Sub</c>, …) become their long form.
/// </summary>
public sealed partial class CfnTemplate
{
    public static readonly IReadOnlySet<string> PseudoParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId",
        "AWS::StackName", "AWS::URLSuffix",
    };

    private static readonly Dictionary<string, string> ShortForms = new(StringComparer.Ordinal)
    {
        ["!Ref"] = "Ref",
        ["!Condition"] = "Condition",
        ["!Sub"] = "Fn::Sub",
        ["!GetAtt"] = "Fn::GetAtt",
        ["!If"] = "Fn::If",
        ["!Not"] = "Fn::Not",
        ["!Equals"] = "Fn::Equals",
        ["!And"] = "Fn::And",
        ["!Or"] = "Fn::Or",
        ["!Join"] = "Fn::Join",
        ["!Select"] = "Fn::Select",
        ["!Split"] = "Fn::Split",
        ["!FindInMap"] = "Fn::FindInMap",
        ["!Base64"] = "Fn::Base64",
        ["!ImportValue"] = "Fn::ImportValue",
        ["!GetAZs"] = "Fn::GetAZs",
        ["!Cidr"] = "Fn::Cidr",
        ["!Transform"] = "Fn::Transform",
        ["!Length"] = "Fn::Length",
        ["!ToJsonString"] = "Fn::ToJsonString",
    };

    private CfnTemplate(Dictionary<string, object?> root) => Root = root;

    public IReadOnlyDictionary<string, object?> Root { get; }

    public IReadOnlyDictionary<string, object?> Resources => Section("Resources");

    public IReadOnlyDictionary<string, object?> Parameters => Section("Parameters");

    public IReadOnlyDictionary<string, object?> Conditions => Section("Conditions");

    public IReadOnlyDictionary<string, object?> Globals => Section("Globals");

    public IReadOnlyDictionary<string, object?> Outputs => Section("Outputs");

    public static CfnTemplate Load(string path) => Parse(File.ReadAllText(path));

    public static CfnTemplate Parse(string yaml) =>
        new(ParseYaml(yaml) as Dictionary<string, object?> ?? throw new FormatException("the template is not a YAML mapping"));

    /// <summary>Any YAML document (templates, SSM documents) as a plain tree, short-form tags in long form.</summary>
    public static object? ParseYaml(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    public string TypeOf(string logicalId) =>
        Map(Resources.GetValueOrDefault(logicalId))?.GetValueOrDefault("Type") as string ?? "";

    public IEnumerable<string> ResourcesOfType(string type) =>
        Resources.Where(r => (Map(r.Value)?.GetValueOrDefault("Type") as string) == type).Select(r => r.Key);

    /// <summary>A resource's Properties with the matching Globals section merged in, as SAM does for AWS::Serverless::*.</summary>
    public Dictionary<string, object?> PropertiesWithGlobals(string logicalId)
    {
        var type = TypeOf(logicalId);
        var own = Map(Map(Resources[logicalId])?.GetValueOrDefault("Properties")) ?? new Dictionary<string, object?>();
        const string serverless = "AWS::Serverless::";
        if (!type.StartsWith(serverless, StringComparison.Ordinal)
            || Map(Globals.GetValueOrDefault(type[serverless.Length..])) is not { } globals)
        {
            return own;
        }
        return (Dictionary<string, object?>)MergeGlobals(globals, own)!;
    }

    /// <summary>The environment variables a function gets: Globals.Function.Environment plus its own.</summary>
    public IReadOnlyDictionary<string, object?> EnvironmentOf(string functionId) =>
        Map(Map(PropertiesWithGlobals(functionId).GetValueOrDefault("Environment"))?.GetValueOrDefault("Variables"))
        ?? new Dictionary<string, object?>();

    public static Dictionary<string, object?>? Map(object? node) => node as Dictionary<string, object?>;

    /// <summary>A sequence as a list; a single value as a one-element list (IAM's Action, Resource, DependsOn…).</summary>
    public static List<object?> List(object? node) => node switch
    {
        null => [],
        List<object?> list => list,
        _ => [node],
    };

    /// <summary>Every node in a tree, depth first.</summary>
    public static IEnumerable<object?> Walk(object? node)
    {
        yield return node;
        var children = node switch
        {
            Dictionary<string, object?> map => map.Values,
            List<object?> list => (IEnumerable<object?>)list,
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Walk(child))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>Every logical id or parameter a tree refers to; <c>${AWS::…}</c>, <c>${!Literal}</c> and a Sub's own variables excluded.</summary>
    public static IEnumerable<CfnReference> References(object? node)
    {
        switch (node)
        {
            case Dictionary<string, object?> map when map.Count == 1 && map.TryGetValue("Ref", out var target) && target is string name:
                yield return new CfnReference(name, null, "Ref");
                break;
            case Dictionary<string, object?> map when map.Count == 1 && map.TryGetValue("Fn::GetAtt", out var args):
                if (GetAttTarget(args) is { } getAtt)
                {
                    yield return getAtt;
                }
                foreach (var nested in References(args))
                {
                    yield return nested;
                }
                break;
            case Dictionary<string, object?> map when map.Count == 1 && map.TryGetValue("Fn::Sub", out var sub):
                var (text, variables) = SubParts(sub);
                foreach (var reference in SubReferences(text ?? "").Where(r => !variables.ContainsKey(r.Target)))
                {
                    yield return reference;
                }
                foreach (var nested in variables.Values.SelectMany(References))
                {
                    yield return nested;
                }
                break;
            case Dictionary<string, object?> map:
                foreach (var nested in map.Values.SelectMany(References))
                {
                    yield return nested;
                }
                break;
            case List<object?> list:
                foreach (var nested in list.SelectMany(References))
                {
                    yield return nested;
                }
                break;
        }
    }

    /// <summary>A Fn::Sub's string and variable map, from either of its forms.</summary>
    public static (string? Text, Dictionary<string, object?> Variables) SubParts(object? sub) => sub switch
    {
        string text => (text, new Dictionary<string, object?>()),
        List<object?> { Count: 2 } list => (list[0] as string, Map(list[1]) ?? new Dictionary<string, object?>()),
        _ => (null, new Dictionary<string, object?>()),
    };

    /// <summary>The <c>${Name}</c> and <c>${Name.Attr}</c> placeholders of a Sub string, pseudo-parameters and <c>${!…}</c> excluded.</summary>
    public static IEnumerable<CfnReference> SubReferences(string text)
    {
        foreach (Match match in SubPlaceholder().Matches(text))
        {
            var body = match.Groups[1].Value;
            if (body.StartsWith('!') || body.Contains("::", StringComparison.Ordinal))
            {
                continue;
            }
            var dot = body.IndexOf('.');
            yield return dot < 0
                ? new CfnReference(body, null, "Fn::Sub")
                : new CfnReference(body[..dot], body[(dot + 1)..], "Fn::Sub");
        }
    }

    /// <summary>Structural equality of two trees (to recognise the same expression written twice).</summary>
    public static bool TreeEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (string x, string y) => x == y,
        (Dictionary<string, object?> x, Dictionary<string, object?> y) =>
            x.Count == y.Count && x.All(e => y.TryGetValue(e.Key, out var other) && TreeEquals(e.Value, other)),
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => TreeEquals(p.First, p.Second)),
        _ => false,
    };

    private static CfnReference? GetAttTarget(object? args) => args switch
    {
        List<object?> { Count: 2 } list when list[0] is string resource =>
            new CfnReference(resource, list[1] as string, "Fn::GetAtt"),
        string dotted when dotted.IndexOf('.') is > 0 and var dot =>
            new CfnReference(dotted[..dot], dotted[(dot + 1)..], "Fn::GetAtt"),
        _ => null,
    };

    private IReadOnlyDictionary<string, object?> Section(string name) =>
        Map(Root.GetValueOrDefault(name)) ?? new Dictionary<string, object?>();

    /// <summary>SAM's Globals merge: maps merge key by key, lists concatenate (globals first), the resource's scalars win.</summary>
    private static object? MergeGlobals(object? global, object? own) => (global, own) switch
    {
        (Dictionary<string, object?> g, Dictionary<string, object?> o) when !IsIntrinsic(g) && !IsIntrinsic(o) =>
            g.Keys.Union(o.Keys).ToDictionary(
                k => k,
                k => g.TryGetValue(k, out var gv) ? (o.TryGetValue(k, out var ov) ? MergeGlobals(gv, ov) : gv) : o[k]),
        (List<object?> g, List<object?> o) => g.Concat(o).ToList(),
        (_, null) => global,
        _ => own,
    };

    private static bool IsIntrinsic(Dictionary<string, object?> map) =>
        map.Count == 1 && map.Keys.Single() is var key && (key == "Ref" || key == "Condition" || key.StartsWith("Fn::", StringComparison.Ordinal));

    private static object? Convert(YamlNode node)
    {
        object? value = node switch
        {
            YamlMappingNode map => map.Children.ToDictionary(
                e => ((YamlScalarNode)e.Key).Value ?? "", e => Convert(e.Value), StringComparer.Ordinal),
            YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
            YamlScalarNode scalar => ScalarValue(scalar),
            _ => throw new FormatException($"unsupported YAML node {node.NodeType} at {node.Start}"),
        };
        if (node.Tag.IsEmpty || node.Tag.IsNonSpecific || !node.Tag.Value.StartsWith('!'))
        {
            return value;
        }
        if (!ShortForms.TryGetValue(node.Tag.Value, out var function))
        {
            throw new FormatException($"unknown tag {node.Tag.Value} at {node.Start}");
        }
        // !GetAtt Resource.Attribute is the one short form whose string argument changes shape.
        if (function == "Fn::GetAtt" && value is string dotted && dotted.IndexOf('.') is > 0 and var dot)
        {
            value = new List<object?> { dotted[..dot], dotted[(dot + 1)..] };
        }
        return new Dictionary<string, object?>(StringComparer.Ordinal) { [function] = value };
    }

    private static string? ScalarValue(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Tag.IsEmpty && scalar.Value is "" or "~" or "null"
            ? null
            : scalar.Value;

    [GeneratedRegex(@"\$\{([^}]*)\}")]
    private static partial Regex SubPlaceholder();
}
