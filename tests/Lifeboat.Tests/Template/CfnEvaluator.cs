using System.Text.RegularExpressions;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>
/// A template as CloudFormation would see it at deploy time for one set of parameter values (defaults for the rest):
/// Conditions evaluated, Fn::If branches chosen, Ref to a parameter replaced by its value, and Fn::Sub strings filled in.
/// What only a deployment knows (a resource's Ref, an attribute, the pseudo-parameters) becomes a recognisable placeholder.
/// </summary>
public sealed partial class CfnEvaluator(CfnTemplate template, IReadOnlyDictionary<string, string>? values = null)
{
    private static readonly Dictionary<string, string> PseudoValues = new(StringComparer.Ordinal)
    {
        ["AWS::AccountId"] = "123456789012",
        ["AWS::Partition"] = "aws",
        ["AWS::Region"] = "eu-west-1",
        ["AWS::StackName"] = "lifeboat-test",
        ["AWS::StackId"] = "arn:aws:cloudformation:eu-west-1:123456789012:stack/lifeboat-test/00000000-0000-0000-0000-000000000000",
        ["AWS::URLSuffix"] = "amazonaws.com",
    };

    private readonly IReadOnlyDictionary<string, string> _values = values ?? new Dictionary<string, string>();
    private readonly Dictionary<string, bool> _conditions = new(StringComparer.Ordinal);

    /// <summary>What stands for a resource's Ref (an ARN-like string, so ARN-shaped places stay ARN-shaped).</summary>
    public static string RefPlaceholder(string logicalId) => $"arn:aws:placeholder:eu-west-1:123456789012:{logicalId}";

    /// <summary>What stands for a resource's attribute.</summary>
    public static string GetAttPlaceholder(string logicalId, string attribute) => $"{RefPlaceholder(logicalId)}/{attribute}";

    /// <summary>A parameter's value (the given one, else its Default) or a pseudo-parameter's value (overridable too).</summary>
    public string Value(string name)
    {
        if (_values.TryGetValue(name, out var given))
        {
            return given;
        }
        if (PseudoValues.TryGetValue(name, out var pseudo))
        {
            return pseudo;
        }
        return template.Parameters.ContainsKey(name)
            ? Map(template.Parameters[name])?.GetValueOrDefault("Default") as string ?? ""
            : throw new KeyNotFoundException($"{name} is neither a parameter nor a pseudo-parameter");
    }

    public bool IsValue(string name) => template.Parameters.ContainsKey(name) || PseudoValues.ContainsKey(name) || _values.ContainsKey(name);

    public bool Condition(string name)
    {
        if (_conditions.TryGetValue(name, out var known))
        {
            return known;
        }
        var expression = template.Conditions.GetValueOrDefault(name)
            ?? throw new KeyNotFoundException($"condition {name} is not defined");
        return _conditions[name] = Evaluate(expression);
    }

    /// <summary>Whether a resource (or an output) is created: it names no Condition, or its Condition holds.</summary>
    public bool Exists(string logicalId) =>
        (Map(template.Resources.GetValueOrDefault(logicalId)) ?? Map(template.Outputs.GetValueOrDefault(logicalId))) is { } entry
        && (entry.GetValueOrDefault("Condition") is not string condition || Condition(condition));

    /// <summary>
    /// The tree with every Fn::If replaced by its chosen branch (a branch of AWS::NoValue drops the key or the element)
    /// and every Ref to a parameter or pseudo-parameter replaced by its value. Resource references stay as they are.
    /// </summary>
    public object? Resolve(object? node)
    {
        var resolved = ResolveOrNoValue(node);
        return ReferenceEquals(resolved, NoValue) ? null : resolved;
    }

    /// <summary>A scalar as deployed: literals, parameter values, Fn::If, Fn::Sub, Fn::Join; resource Refs and attributes as placeholders.</summary>
    public string Scalar(object? node) => Resolve(node) switch
    {
        null => "",
        string text => text,
        Dictionary<string, object?> { Count: 1 } map when map.TryGetValue("Ref", out var target) && target is string id => RefPlaceholder(id),
        Dictionary<string, object?> { Count: 1 } map when map.TryGetValue("Fn::GetAtt", out var args) && args is List<object?> { Count: 2 } pair =>
            GetAttPlaceholder((string)pair[0]!, (string)pair[1]!),
        Dictionary<string, object?> { Count: 1 } map when map.TryGetValue("Fn::Sub", out var sub) => Substitute(sub),
        Dictionary<string, object?> { Count: 1 } map when map.TryGetValue("Fn::Join", out var join) && join is List<object?> { Count: 2 } parts =>
            string.Join(Scalar(parts[0]), List(parts[1]).Select(Scalar)),
        var other => throw new NotSupportedException($"cannot make a scalar of {Describe(other)}"),
    };

    /// <summary>A Fn::Sub's argument (either form) with every <c>${…}</c> filled in and <c>${!…}</c> made literal.</summary>
    public string Substitute(object? sub)
    {
        var (text, variables) = SubParts(sub);
        if (text is null)
        {
            throw new NotSupportedException($"not a Fn::Sub argument: {Describe(sub)}");
        }
        return SubPlaceholder().Replace(text, match =>
        {
            var body = match.Groups[1].Value;
            if (body.StartsWith('!'))
            {
                return "${" + body[1..] + "}";
            }
            if (variables.TryGetValue(body, out var variable))
            {
                return Scalar(variable);
            }
            if (IsValue(body))
            {
                return Value(body);
            }
            var dot = body.IndexOf('.');
            return dot < 0 ? RefPlaceholder(body) : GetAttPlaceholder(body[..dot], body[(dot + 1)..]);
        });
    }

    private static readonly object NoValue = new();

    private object? ResolveOrNoValue(object? node)
    {
        switch (node)
        {
            case Dictionary<string, object?> { Count: 1 } map when map.TryGetValue("Fn::If", out var args):
                if (args is not List<object?> { Count: 3 } branches || branches[0] is not string condition)
                {
                    throw new FormatException($"malformed Fn::If: {Describe(args)}");
                }
                return ResolveOrNoValue(Condition(condition) ? branches[1] : branches[2]);
            case Dictionary<string, object?> { Count: 1 } map when map.TryGetValue("Ref", out var target) && target is string name:
                return name == "AWS::NoValue" ? NoValue : IsValue(name) ? Value(name) : map;
            case Dictionary<string, object?> map:
                var resolvedMap = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in map)
                {
                    var resolved = ResolveOrNoValue(value);
                    if (!ReferenceEquals(resolved, NoValue))
                    {
                        resolvedMap[key] = resolved;
                    }
                }
                return resolvedMap;
            case List<object?> list:
                return list.Select(ResolveOrNoValue).Where(v => !ReferenceEquals(v, NoValue)).ToList();
            default:
                return node;
        }
    }

    private bool Evaluate(object? expression)
    {
        if (Map(expression) is not { Count: 1 } map)
        {
            throw new NotSupportedException($"not a condition function: {Describe(expression)}");
        }
        var (function, argument) = map.Single();
        return function switch
        {
            "Fn::Equals" when argument is List<object?> { Count: 2 } pair => Scalar(pair[0]) == Scalar(pair[1]),
            "Fn::Not" when argument is List<object?> { Count: 1 } one => !Evaluate(one[0]),
            "Fn::And" when argument is List<object?> { Count: >= 2 } all => all.All(Evaluate),
            "Fn::Or" when argument is List<object?> { Count: >= 2 } any => any.Any(Evaluate),
            "Condition" when argument is string name => Condition(name),
            _ => throw new NotSupportedException($"condition function {function} with {Describe(argument)}"),
        };
    }

    private static string Describe(object? node) => node switch
    {
        null => "null",
        string text => $"\"{text}\"",
        Dictionary<string, object?> map => "{" + string.Join(", ", map.Select(e => $"{e.Key}: {Describe(e.Value)}")) + "}",
        List<object?> list => "[" + string.Join(", ", list.Select(Describe)) + "]",
        _ => node.ToString() ?? "",
    };

    [GeneratedRegex(@"\$\{([^}]*)\}")]
    private static partial Regex SubPlaceholder();
}
