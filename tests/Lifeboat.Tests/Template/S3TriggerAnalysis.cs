using System.Text.RegularExpressions;

namespace Lifeboat.Tests.Template;

/// <summary>Keys a function may create: <see cref="Bucket"/> null means any bucket, <see cref="KeyPattern"/> is an IAM glob.</summary>
public sealed record S3Write(string Function, string? Bucket, string KeyPattern)
{
    public override string ToString() => $"s3://{Bucket ?? "*"}/{KeyPattern}";
}

/// <summary>An S3 event that invokes <see cref="Function"/> for ObjectCreated keys with this prefix and suffix.</summary>
public sealed record S3Trigger(string Function, string Bucket, string Prefix, string Suffix)
{
    public override string ToString() => $"s3://{Bucket}/{Prefix}*{Suffix}";
}

/// <summary>
/// Which functions' S3 writes invoke which functions (DESIGN.md §8, recursive triggers), read from the template's IAM
/// statements allowing s3:PutObject and from the functions' S3 event filters.
/// </summary>
public sealed partial class S3TriggerAnalysis
{
    // SAM policy templates that allow s3:PutObject on every key of the bucket they name.
    private static readonly HashSet<string> WritingPolicyTemplates = new(StringComparer.Ordinal)
    {
        "S3CrudPolicy", "S3WritePolicy", "S3FullAccessPolicy",
    };

    private readonly CfnTemplate _template;
    private readonly List<string> _buckets;

    public S3TriggerAnalysis(CfnTemplate template)
    {
        _template = template;
        _buckets = template.ResourcesOfType("AWS::S3::Bucket").ToList();
        foreach (var function in template.ResourcesOfType("AWS::Serverless::Function"))
        {
            var properties = template.PropertiesWithGlobals(function);
            Writes.AddRange(WritesOf(function, properties));
            Triggers.AddRange(TriggersOf(function, properties));
        }
    }

    public List<S3Write> Writes { get; } = [];

    public List<S3Trigger> Triggers { get; } = [];

    /// <summary>Each function that, through its own writes or those of functions it invokes, invokes itself.</summary>
    public IReadOnlyList<string> FindLoops()
    {
        var loops = new List<string>();
        foreach (var start in Triggers.Select(t => t.Function).Distinct())
        {
            // Breadth first over "writes a key that invokes", remembering how each function was reached.
            var reachedBy = new Dictionary<string, (string From, S3Write Write, S3Trigger Trigger)>(StringComparer.Ordinal);
            var queue = new Queue<string>([start]);
            while (queue.Count > 0 && !reachedBy.ContainsKey(start))
            {
                var function = queue.Dequeue();
                foreach (var (write, trigger) in Invocations(function))
                {
                    if (reachedBy.TryAdd(trigger.Function, (function, write, trigger)))
                    {
                        queue.Enqueue(trigger.Function);
                    }
                }
            }
            if (reachedBy.ContainsKey(start))
            {
                var steps = new List<string>();
                var current = start;
                do
                {
                    var (from, write, trigger) = reachedBy[current];
                    steps.Add($"{from} writes {write}, which invokes {trigger.Function} ({trigger})");
                    current = from;
                }
                while (current != start);
                steps.Reverse();
                loops.Add(string.Join("; ", steps));
            }
        }
        return loops;
    }

    /// <summary>The (write, trigger) pairs through which <paramref name="function"/> invokes a function.</summary>
    public IEnumerable<(S3Write Write, S3Trigger Trigger)> Invocations(string function) =>
        from write in Writes.Where(w => w.Function == function)
        from trigger in Triggers
        where (write.Bucket is null || write.Bucket == trigger.Bucket) && Overlaps(write.KeyPattern, trigger.Prefix, trigger.Suffix)
        select (write, trigger);

    /// <summary>Whether some key matching the IAM glob has the prefix and the suffix (conservative: may say yes wrongly, never no).</summary>
    public static bool Overlaps(string keyPattern, string prefix, string suffix)
    {
        var wildcard = keyPattern.IndexOfAny(['*', '?']);
        if (wildcard < 0)
        {
            return keyPattern.StartsWith(prefix, StringComparison.Ordinal) && keyPattern.EndsWith(suffix, StringComparison.Ordinal);
        }
        var head = keyPattern[..wildcard];
        var tail = keyPattern[(keyPattern.LastIndexOfAny(['*', '?']) + 1)..];
        return (head.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(head, StringComparison.Ordinal))
            && (tail.EndsWith(suffix, StringComparison.Ordinal) || suffix.EndsWith(tail, StringComparison.Ordinal));
    }

    private IEnumerable<S3Trigger> TriggersOf(string function, Dictionary<string, object?> properties)
    {
        foreach (var definition in (CfnTemplate.Map(properties.GetValueOrDefault("Events")) ?? []).Values.Select(CfnTemplate.Map))
        {
            if (definition?.GetValueOrDefault("Type") as string != "S3"
                || CfnTemplate.Map(definition.GetValueOrDefault("Properties")) is not { } eventProperties)
            {
                continue;
            }
            var createsObjects = CfnTemplate.List(eventProperties.GetValueOrDefault("Events")).OfType<string>()
                .Any(e => e.StartsWith("s3:ObjectCreated:", StringComparison.Ordinal));
            var bucket = CfnTemplate.References(eventProperties.GetValueOrDefault("Bucket")).Select(r => r.Target).FirstOrDefault();
            if (!createsObjects || bucket is null)
            {
                continue;
            }
            var rules = CfnTemplate.List(CfnTemplate.Map(CfnTemplate.Map(eventProperties.GetValueOrDefault("Filter"))?.GetValueOrDefault("S3Key"))
                    ?.GetValueOrDefault("Rules"))
                .Select(CfnTemplate.Map)
                .ToList();
            string Rule(string name) =>
                rules.FirstOrDefault(r => string.Equals(r?.GetValueOrDefault("Name") as string, name, StringComparison.OrdinalIgnoreCase))
                    ?.GetValueOrDefault("Value") as string ?? "";
            yield return new S3Trigger(function, bucket, Rule("prefix"), Rule("suffix"));
        }
    }

    private IEnumerable<S3Write> WritesOf(string function, Dictionary<string, object?> properties)
    {
        foreach (var policy in PoliciesOf(properties))
        {
            if (Render(policy).Text.Contains("AmazonS3FullAccess", StringComparison.Ordinal))
            {
                yield return new S3Write(function, null, "*");
                continue;
            }
            if (CfnTemplate.Map(policy) is not { } map)
            {
                continue;
            }
            foreach (var (_, argument) in map.Where(p => WritingPolicyTemplates.Contains(p.Key)))
            {
                foreach (var bucket in BucketsNamedBy(CfnTemplate.Map(argument)?.GetValueOrDefault("BucketName")))
                {
                    yield return new S3Write(function, bucket, "*");
                }
            }
            foreach (var statement in CfnTemplate.List(map.GetValueOrDefault("Statement")).Select(CfnTemplate.Map).OfType<Dictionary<string, object?>>())
            {
                foreach (var write in StatementWrites(function, statement))
                {
                    yield return write;
                }
            }
        }
    }

    /// <summary>SAM's Policies entries, or the policy documents and managed policies of the role the function names instead.</summary>
    private IEnumerable<object?> PoliciesOf(Dictionary<string, object?> properties)
    {
        if (properties.GetValueOrDefault("Role") is not { } role)
        {
            return CfnTemplate.List(properties.GetValueOrDefault("Policies"));
        }
        var roleId = CfnTemplate.References(role).Select(r => r.Target).FirstOrDefault(_template.Resources.ContainsKey);
        if (roleId is null)
        {
            return [];
        }
        var roleProperties = _template.PropertiesWithGlobals(roleId);
        return CfnTemplate.List(roleProperties.GetValueOrDefault("Policies"))
            .Select(p => CfnTemplate.Map(p)?.GetValueOrDefault("PolicyDocument"))
            .Concat(CfnTemplate.List(roleProperties.GetValueOrDefault("ManagedPolicyArns")));
    }

    private IEnumerable<S3Write> StatementWrites(string function, Dictionary<string, object?> statement)
    {
        if (statement.GetValueOrDefault("Effect") as string != "Allow" || !AllowsPutObject(statement))
        {
            return [];
        }
        if (statement.ContainsKey("NotResource"))
        {
            return [new S3Write(function, null, "*")];
        }
        return CfnTemplate.List(statement.GetValueOrDefault("Resource")).SelectMany(Alternatives).SelectMany(r => ResourceWrites(function, r));
    }

    private static bool AllowsPutObject(Dictionary<string, object?> statement)
    {
        static bool Matches(object? action) =>
            action is string glob && Regex.IsMatch("s3:PutObject", "^" + Regex.Escape(glob).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase);
        return statement.TryGetValue("NotAction", out var notAction)
            ? !CfnTemplate.List(notAction).Any(Matches)
            : CfnTemplate.List(statement.GetValueOrDefault("Action")).Any(Matches);
    }

    /// <summary>The object keys an IAM Resource allows, bucket-level ARNs (no key) excluded.</summary>
    private IEnumerable<S3Write> ResourceWrites(string function, object? resource)
    {
        var (text, tokens) = Render(resource);
        if (text == "*")
        {
            yield return new S3Write(function, null, "*");
            yield break;
        }
        var arn = S3ObjectArn().Match(text);
        if (!arn.Success)
        {
            yield break;
        }
        // A placeholder in the key could be anything, so it counts as a wildcard.
        var key = TokenPlaceholder().Replace(arn.Groups["key"].Value, "*");
        var bucketText = arn.Groups["bucket"].Value;
        var buckets = TokenPlaceholder().Match(bucketText) is { Success: true } token && token.Value == bucketText
            && tokens[int.Parse(token.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)] is { } named
            ? BucketsNamedBy(named)
            : bucketText.Contains('*', StringComparison.Ordinal) || TokenPlaceholder().IsMatch(bucketText)
                ? [null]
                : _buckets.Where(b => BucketName(b) is string literal && literal == bucketText).Cast<string?>();
        foreach (var bucket in buckets)
        {
            yield return new S3Write(function, bucket, key);
        }
    }

    /// <summary>The template's buckets an expression may name: a Ref to one, or (a branch of) its BucketName expression.</summary>
    private IEnumerable<string> BucketsNamedBy(object? expression) =>
        _buckets.Where(bucket => Alternatives(expression).Any(candidate =>
            CfnTemplate.References(candidate).Any(r => r.Target == bucket && r.Via == "Ref")
            || Alternatives(BucketName(bucket)).Any(name => CfnTemplate.TreeEquals(name, candidate))));

    private object? BucketName(string bucket) => _template.PropertiesWithGlobals(bucket).GetValueOrDefault("BucketName");

    /// <summary>The values an expression may take: both branches of every Fn::If, or the expression itself.</summary>
    private static IEnumerable<object?> Alternatives(object? expression) =>
        CfnTemplate.Map(expression) is { Count: 1 } map && map.TryGetValue("Fn::If", out var args) && args is List<object?> { Count: 3 } branches
            ? Alternatives(branches[1]).Concat(Alternatives(branches[2]))
            : [expression];

    /// <summary>An expression as text, what it cannot spell out replaced by <c>\u0001n\u0002</c> placeholders indexing the returned tokens.</summary>
    private static (string Text, List<object?> Tokens) Render(object? expression)
    {
        var tokens = new List<object?>();
        string Placeholder(object? token)
        {
            tokens.Add(token);
            return $"\u0001{tokens.Count - 1}\u0002";
        }
        string RenderNode(object? node)
        {
            if (node is string text)
            {
                return text;
            }
            if (CfnTemplate.Map(node) is { Count: 1 } map && map.TryGetValue("Fn::Sub", out var sub))
            {
                var (template, variables) = CfnTemplate.SubParts(sub);
                return SubPlaceholder().Replace(template ?? "", m => m.Groups[1].Value switch
                {
                    var literal when literal.StartsWith('!') => "${" + literal[1..] + "}",
                    "AWS::Partition" => "aws",
                    var name when variables.TryGetValue(name, out var value) => value is string text ? text : Placeholder(value),
                    var name when name.Contains("::", StringComparison.Ordinal) => Placeholder(null),
                    var name when name.EndsWith(".Arn", StringComparison.Ordinal) => BucketArn(name[..^4]),
                    var name => Placeholder(new Dictionary<string, object?> { ["Ref"] = name.Split('.')[0] }),
                });
            }
            if (CfnTemplate.Map(node) is { Count: 1 } getAtt && getAtt.ContainsKey("Fn::GetAtt")
                && CfnTemplate.References(getAtt).FirstOrDefault() is { Attribute: "Arn" } arn)
            {
                return BucketArn(arn.Target);
            }
            if (CfnTemplate.Map(node) is { Count: 1 } join && join.TryGetValue("Fn::Join", out var joinArgs)
                && joinArgs is List<object?> { Count: 2 } parts && parts[0] is string separator)
            {
                return string.Join(separator, CfnTemplate.List(parts[1]).Select(RenderNode));
            }
            return Placeholder(node);
        }
        // A bucket's Arn attribute is its name's ARN; for other resources the result names no bucket.
        string BucketArn(string resource) => "arn:aws:s3:::" + Placeholder(new Dictionary<string, object?> { ["Ref"] = resource });
        return (RenderNode(expression), tokens);
    }

    [GeneratedRegex(@"^arn:[^:]*:s3:::(?<bucket>[^/]+)/(?<key>.*)$")]
    private static partial Regex S3ObjectArn();

    [GeneratedRegex("\u0001([0-9]+)\u0002")]
    private static partial Regex TokenPlaceholder();

    [GeneratedRegex(@"\$\{([^}]*)\}")]
    private static partial Regex SubPlaceholder();
}
