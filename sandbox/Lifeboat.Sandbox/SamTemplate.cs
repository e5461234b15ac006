using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Lifeboat.Sandbox;

/// <summary>
/// What the sandbox reads from template.yaml, so that it runs what would be deployed: functions (handler,
/// environment, S3 event filters), SSM documents (their content files) and state machines (definition,
/// substitutions). Values are resolved against the sandbox's own names.
/// </summary>
public sealed class SamTemplate
{
    public required IReadOnlyList<FunctionSpec> Functions { get; init; }
    public required IReadOnlyDictionary<string, string> Documents { get; init; }
    public required IReadOnlyList<StateMachineSpec> StateMachines { get; init; }
    public required IReadOnlyList<AlarmSpec> Alarms { get; init; }
    public required IReadOnlyList<ScheduleSpec> Schedules { get; init; }

    /// <summary>An EventBridge Scheduler schedule (a ScheduleV2 event): what it starts, when, with which input.</summary>
    public sealed record ScheduleSpec(string Name, string Target, string Expression, string Input);

    /// <summary>EventBridge rules (Events of type EventBridgeRule) and the function or state machine each targets.</summary>
    public required IReadOnlyList<EventRuleSpec> EventRules { get; init; }

    public sealed record EventRuleSpec(string TargetLogicalId, bool TargetIsStateMachine, JsonNode Pattern);

    /// <summary>The stack's Outputs (those whose Condition holds), resolved as CloudFormation would report them.</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>();

    public sealed record AlarmSpec(
        string Name, string Description, string Namespace, string MetricName, IReadOnlyDictionary<string, string> Dimensions,
        string Statistic, int Period, int EvaluationPeriods, double Threshold, string ComparisonOperator, string TreatMissingData);

    public sealed record FunctionSpec(string LogicalId, string Handler, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<S3Trigger> S3Triggers);

    public sealed record S3Trigger(string Events, string Prefix, string Suffix)
    {
        public bool Matches(string eventName, string key) =>
            EventMatches(eventName) && key.StartsWith(Prefix, StringComparison.Ordinal) && key.EndsWith(Suffix, StringComparison.Ordinal);

        private bool EventMatches(string eventName)
        {
            var wanted = Events.StartsWith("s3:", StringComparison.Ordinal) ? Events[3..] : Events;
            return wanted.EndsWith('*') ? eventName.StartsWith(wanted[..^1], StringComparison.Ordinal) : eventName == wanted;
        }
    }

    public sealed record StateMachineSpec(string LogicalId, string DefinitionFile, IReadOnlyDictionary<string, string> Substitutions);

    public static SamTemplate Load(SandboxLayout layout, IReadOnlyDictionary<string, string> parameters)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(layout.TemplateFile))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var resources = (YamlMappingNode)root["Resources"];
        var conditions = root.Children.TryGetValue("Conditions", out var c) ? (YamlMappingNode)c : new YamlMappingNode();
        var resolver = new Resolver(parameters, resources, conditions);

        var globalsEnv = new Dictionary<string, string>();
        if (root.Children.TryGetValue("Globals", out var globals) && Child(globals, "Function", "Environment", "Variables") is YamlMappingNode gv)
        {
            foreach (var (k, v) in gv.Children)
            {
                globalsEnv[k.ToString()] = resolver.Resolve(v);
            }
        }

        var functions = new List<FunctionSpec>();
        var documents = new Dictionary<string, string>();
        var machines = new List<StateMachineSpec>();
        var alarms = new List<AlarmSpec>();
        var rules = new List<EventRuleSpec>();
        var schedules = new List<ScheduleSpec>();
        foreach (var (idNode, node) in resources.Children)
        {
            var id = idNode.ToString();
            var type = node["Type"].ToString();
            var props = node is YamlMappingNode m && m.Children.TryGetValue("Properties", out var p) ? (YamlMappingNode)p : new YamlMappingNode();
            if (Child(props, "Events") is YamlMappingNode events)
            {
                schedules.AddRange(events.Children
                    .Where(e => e.Value["Type"].ToString() == "ScheduleV2")
                    .Select(e => new ScheduleSpec(e.Key.ToString(), id, resolver.Resolve(e.Value["Properties"]["ScheduleExpression"]), resolver.Resolve(e.Value["Properties"]["Input"]))));
            }
            switch (type)
            {
                case "AWS::Serverless::Function":
                    var env = new Dictionary<string, string>(globalsEnv);
                    if (Child(props, "Environment", "Variables") is YamlMappingNode fv)
                    {
                        foreach (var (k, v) in fv.Children)
                        {
                            env[k.ToString()] = resolver.Resolve(v);
                        }
                    }
                    functions.Add(new FunctionSpec(id, props["Handler"].ToString(), env, S3Triggers(props)));
                    rules.AddRange(RulesOf(id, targetIsStateMachine: false, props, resolver));
                    break;
                case "AWS::SSM::Document":
                    var location = Child(props, "Content", "Fn::Transform", "Parameters", "Location")?.ToString()
                        ?? throw new InvalidDataException($"{id}: Content must be Fn::Transform AWS::Include with a Location under ssm/");
                    documents[DocumentName(id)] = Path.Combine(layout.RepoRoot, location);
                    break;
                case "AWS::CloudWatch::Alarm" when resolver.Applies(node):
                    alarms.Add(new AlarmSpec(
                        resolver.Resolve(props["AlarmName"]),
                        props.Children.TryGetValue("AlarmDescription", out var d) ? resolver.Resolve(d) : "",
                        resolver.Resolve(props["Namespace"]),
                        resolver.Resolve(props["MetricName"]),
                        Child(props, "Dimensions") is YamlSequenceNode dims
                            ? dims.Children.ToDictionary(x => resolver.Resolve(x["Name"]), x => resolver.Resolve(x["Value"]))
                            : new Dictionary<string, string>(),
                        resolver.Resolve(props["Statistic"]),
                        int.Parse(resolver.Resolve(props["Period"]), System.Globalization.CultureInfo.InvariantCulture),
                        int.Parse(resolver.Resolve(props["EvaluationPeriods"]), System.Globalization.CultureInfo.InvariantCulture),
                        double.Parse(resolver.Resolve(props["Threshold"]), System.Globalization.CultureInfo.InvariantCulture),
                        resolver.Resolve(props["ComparisonOperator"]),
                        props.Children.TryGetValue("TreatMissingData", out var missing) ? resolver.Resolve(missing) : "missing"));
                    break;
                case "AWS::Serverless::StateMachine":
                    var subs = new Dictionary<string, string>();
                    if (Child(props, "DefinitionSubstitutions") is YamlMappingNode sm)
                    {
                        foreach (var (k, v) in sm.Children)
                        {
                            subs[k.ToString()] = resolver.Resolve(v);
                        }
                    }
                    machines.Add(new StateMachineSpec(id, Path.Combine(layout.RepoRoot, props["DefinitionUri"].ToString()), subs));
                    rules.AddRange(RulesOf(id, targetIsStateMachine: true, props, resolver));
                    break;
            }
        }
        var outputs = new Dictionary<string, string>();
        if (root.Children.TryGetValue("Outputs", out var outputNodes))
        {
            foreach (var (k, v) in ((YamlMappingNode)outputNodes).Children.Where(o => resolver.Applies(o.Value)))
            {
                outputs[k.ToString()] = resolver.Resolve(v["Value"]);
            }
        }
        return new SamTemplate { Functions = functions, Documents = documents, StateMachines = machines, Alarms = alarms, EventRules = rules, Schedules = schedules, Outputs = outputs };
    }

    /// <summary>The sandbox names each document after its logical id, as CloudFormation would prefix it with the stack's.</summary>
    public static string DocumentName(string logicalId) => $"lifeboat-{logicalId}";

    private static List<S3Trigger> S3Triggers(YamlMappingNode props)
    {
        var triggers = new List<S3Trigger>();
        if (Child(props, "Events") is not YamlMappingNode events)
        {
            return triggers;
        }
        foreach (var (_, ev) in events.Children)
        {
            if (ev["Type"].ToString() != "S3")
            {
                continue;
            }
            var ep = (YamlMappingNode)ev["Properties"];
            string prefix = "", suffix = "";
            if (Child(ep, "Filter", "S3Key", "Rules") is YamlSequenceNode rules)
            {
                foreach (var rule in rules.Children)
                {
                    var name = rule["Name"].ToString();
                    var value = rule["Value"].ToString();
                    if (name.Equals("prefix", StringComparison.OrdinalIgnoreCase)) prefix = value;
                    if (name.Equals("suffix", StringComparison.OrdinalIgnoreCase)) suffix = value;
                }
            }
            var names = ep["Events"] is YamlSequenceNode seq ? seq.Children.Select(c => c.ToString()) : [ep["Events"].ToString()];
            triggers.AddRange(names.Select(n => new S3Trigger(n, prefix, suffix)));
        }
        return triggers;
    }

    private static IEnumerable<EventRuleSpec> RulesOf(string id, bool targetIsStateMachine, YamlMappingNode props, Resolver resolver)
    {
        if (Child(props, "Events") is not YamlMappingNode events)
        {
            yield break;
        }
        foreach (var (_, ev) in events.Children)
        {
            if (ev["Type"].ToString() == "EventBridgeRule" && Child(ev, "Properties", "Pattern") is { } pattern)
            {
                yield return new EventRuleSpec(id, targetIsStateMachine, ToJson(pattern, resolver));
            }
        }
    }

    /// <summary>A YAML mapping/sequence as JSON, intrinsic functions resolved at the leaves.</summary>
    private static JsonNode ToJson(YamlNode node, Resolver resolver) => node switch
    {
        YamlMappingNode map when map.Tag.IsEmpty => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(c.Key.ToString(), (JsonNode?)ToJson(c.Value, resolver)))),
        YamlSequenceNode seq when seq.Tag.IsEmpty => new JsonArray(seq.Children.Select(c => (JsonNode?)ToJson(c, resolver)).ToArray()),
        _ => JsonValue.Create(resolver.Resolve(node)),
    };

    private static YamlNode? Child(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(key, out var next))
            {
                return null;
            }
            node = next;
        }
        return node;
    }

    /// <summary>Resolves the intrinsic functions the template uses to sandbox values.</summary>
    private sealed class Resolver(IReadOnlyDictionary<string, string> parameters, YamlMappingNode resources, YamlMappingNode conditions)
    {
        public string Resolve(YamlNode node)
        {
            var tag = node.Tag.IsEmpty ? "" : node.Tag.Value;
            return tag switch
            {
                "!Ref" => Ref(node.ToString()),
                "!GetAtt" => GetAtt(node.ToString()),
                "!Sub" => Sub(node),
                "!If" => If((YamlSequenceNode)node),
                _ when node is YamlScalarNode s => s.Value ?? "",
                _ => throw new NotSupportedException($"the sandbox cannot resolve {node} ({tag})"),
            };
        }

        /// <summary>False for a resource whose Condition does not hold with the sandbox's parameters.</summary>
        public bool Applies(YamlNode resource) =>
            resource is not YamlMappingNode map || !map.Children.TryGetValue("Condition", out var condition) || Condition(condition.ToString());

        private string If(YamlSequenceNode node) =>
            Resolve(Condition(node.Children[0].ToString()) ? node.Children[1] : node.Children[2]);

        private bool Condition(string name) =>
            conditions.Children.TryGetValue(name, out var expression)
                ? Evaluate(expression)
                : throw new InvalidDataException($"condition {name} is not defined in template.yaml");

        private bool Evaluate(YamlNode node) => node.Tag.Value switch
        {
            "!Not" => !Evaluate(((YamlSequenceNode)node).Children[0]),
            "!Equals" => Resolve(((YamlSequenceNode)node).Children[0]) == Resolve(((YamlSequenceNode)node).Children[1]),
            "!Condition" => Condition(node.ToString()),
            var t => throw new NotSupportedException($"condition function {t} is not modelled by the sandbox"),
        };

        private string Ref(string name)
        {
            if (parameters.TryGetValue(name, out var value))
            {
                return value;
            }
            if (name.StartsWith("AWS::", StringComparison.Ordinal))
            {
                return Pseudo(name);
            }
            if (!resources.Children.TryGetValue(name, out var resource))
            {
                throw new InvalidDataException($"!Ref {name}: no such parameter or resource in template.yaml");
            }
            return resource["Type"].ToString() switch
            {
                "AWS::SSM::Document" => DocumentName(name),
                "AWS::EC2::LaunchTemplate" => "lt-0sandbox00000000",
                "AWS::S3::Bucket" => SandboxLayout.Bucket,
                "AWS::Serverless::Function" => name,
                "AWS::Serverless::StateMachine" => SandboxLayout.StateMachineArn(name),
                // Physical names as CloudFormation generates them; only the stack's Outputs refer to these.
                "AWS::SNS::Topic" => $"arn:aws:sns:{SandboxLayout.Region}:{SandboxLayout.Account}:{SandboxLayout.StackName}-{name}",
                "AWS::IAM::InstanceProfile" => $"{SandboxLayout.StackName}-{name}",
                "AWS::CloudWatch::Dashboard" => Resolve(resource["Properties"]["DashboardName"]),
                var t => throw new NotSupportedException($"!Ref to {t} is not modelled by the sandbox"),
            };
        }

        private static string Pseudo(string name) => name switch
        {
            "AWS::Region" => SandboxLayout.Region,
            "AWS::AccountId" => SandboxLayout.Account,
            "AWS::Partition" => "aws",
            "AWS::StackName" => SandboxLayout.StackName,
            _ => throw new NotSupportedException($"the pseudo parameter {name} is not modelled by the sandbox"),
        };

        private string GetAtt(string text)
        {
            var (name, attribute) = (text[..text.IndexOf('.')], text[(text.IndexOf('.') + 1)..]);
            var type = resources.Children.TryGetValue(name, out var r) ? r["Type"].ToString() : throw new InvalidDataException($"!GetAtt {text}: no resource {name}");
            return (type, attribute) switch
            {
                ("AWS::Serverless::Function", "Arn") => SandboxLayout.FunctionArn(name),
                ("AWS::Serverless::StateMachine", "Arn") => SandboxLayout.StateMachineArn(name),
                _ => throw new NotSupportedException($"!GetAtt {text} is not modelled by the sandbox"),
            };
        }

        private string Sub(YamlNode node)
        {
            string text;
            var variables = new Dictionary<string, string>();
            if (node is YamlSequenceNode seq)
            {
                text = seq.Children[0].ToString();
                foreach (var (k, v) in (YamlMappingNode)seq.Children[1])
                {
                    variables[k.ToString()] = Resolve(v);
                }
            }
            else
            {
                text = node.ToString();
            }
            return System.Text.RegularExpressions.Regex.Replace(text, @"\$\{([^}]+)\}", m =>
            {
                var name = m.Groups[1].Value;
                return variables.TryGetValue(name, out var v) ? v : name switch
                {
                    _ when name.StartsWith("AWS::", StringComparison.Ordinal) => Pseudo(name),
                    _ when name.Contains('.') => GetAtt(name),
                    _ => Ref(name),
                };
            });
        }
    }
}
