namespace Lifeboat.Tests.Template;

/// <summary>
/// The resource dependency graph CloudFormation builds after the SAM transform: an edge A → B means A cannot be created
/// before B. Besides Ref, GetAtt, Sub and DependsOn it models the resources SAM generates (roles, permissions, schedules,
/// event source mappings) and the edges they add, which is where a deployable-looking template gets its cycles.
/// </summary>
public sealed class CfnDependencyGraph
{
    // Event types SAM turns into an event source mapping: the function's role is granted read on the source.
    private static readonly HashSet<string> PollingEvents = new(StringComparer.Ordinal)
    {
        "SQS", "Kinesis", "DynamoDB", "MSK", "MQ", "SelfManagedKafka", "DocumentDB",
    };

    private readonly CfnTemplate _template;
    private readonly Dictionary<string, SortedSet<string>> _edges = new(StringComparer.Ordinal);

    private CfnDependencyGraph(CfnTemplate template) => _template = template;

    /// <summary>Every node: the template's resources and the ones SAM would add.</summary>
    public IReadOnlyCollection<string> Nodes => _edges.Keys;

    public IReadOnlySet<string> DependenciesOf(string node) => _edges.TryGetValue(node, out var targets) ? targets : [];

    public static CfnDependencyGraph Build(CfnTemplate template)
    {
        var graph = new CfnDependencyGraph(template);
        foreach (var id in template.Resources.Keys)
        {
            graph.AddNode(id);
        }
        foreach (var (id, resource) in template.Resources)
        {
            foreach (var dependency in CfnTemplate.List(CfnTemplate.Map(resource)?.GetValueOrDefault("DependsOn")).OfType<string>())
            {
                graph.AddEdge(id, dependency);
            }
            switch (template.TypeOf(id))
            {
                case "AWS::Serverless::Function":
                    graph.AddFunction(id);
                    break;
                case "AWS::Serverless::StateMachine":
                    graph.AddStateMachine(id);
                    break;
                default:
                    graph.AddReferences(id, template.PropertiesWithGlobals(id));
                    break;
            }
        }
        return graph;
    }

    /// <summary>One cycle per strongly connected component, each written <c>A -> B -> C -> A</c>.</summary>
    public IReadOnlyList<string> FindCycles()
    {
        var cycles = new List<string>();
        foreach (var component in StronglyConnectedComponents())
        {
            var start = component[0];
            if (component.Count == 1 && !DependenciesOf(start).Contains(start))
            {
                continue;
            }
            cycles.Add(string.Join(" -> ", CycleThrough(start, component.ToHashSet(StringComparer.Ordinal))));
        }
        return cycles;
    }

    private void AddFunction(string id)
    {
        var properties = _template.PropertiesWithGlobals(id);
        var role = RoleOf(id, properties);
        foreach (var (name, value) in properties)
        {
            // What SAM moves into the generated role's policies is the role's dependency, not the function's.
            var owner = name is "Policies" or "PermissionsBoundary" or "AssumeRolePolicyDocument" or "DeadLetterQueue" && role is not null
                ? role
                : id;
            if (name != "Events")
            {
                AddReferences(owner, value);
            }
        }
        foreach (var (eventId, definition) in Events(properties))
        {
            var type = CfnTemplate.Map(definition)?.GetValueOrDefault("Type") as string ?? "";
            var eventProperties = CfnTemplate.Map(definition)?.GetValueOrDefault("Properties");
            switch (type)
            {
                case "S3":
                    // The bucket's NotificationConfiguration names the function, and SAM makes the bucket DependsOn
                    // the permission that lets S3 invoke it.
                    AddPushedBy(id, eventId, "Bucket", eventProperties);
                    break;
                case "Cognito":
                    AddPushedBy(id, eventId, "UserPool", eventProperties);
                    break;
                case "ScheduleV2":
                    AddEventResource(id, eventId, eventProperties);
                    AddEdge($"{id}{eventId}", $"{id}{eventId}Role");
                    AddEdge($"{id}{eventId}Role", id);
                    break;
                case var polling when PollingEvents.Contains(polling):
                    AddEventResource(id, eventId, eventProperties);
                    AddReferences(role ?? id, eventProperties);
                    break;
                default:
                    AddEventResource(id, eventId, eventProperties);
                    AddEdge($"{id}{eventId}Permission", id);
                    break;
            }
        }
    }

    private void AddStateMachine(string id)
    {
        var properties = _template.PropertiesWithGlobals(id);
        var role = RoleOf(id, properties);
        foreach (var (name, value) in properties)
        {
            var owner = name is "Policies" or "PermissionsBoundary" && role is not null ? role : id;
            if (name != "Events")
            {
                AddReferences(owner, value);
            }
        }
        foreach (var (eventId, definition) in Events(properties))
        {
            // Schedules, rules and APIs start executions through a role SAM generates for the event.
            AddEventResource(id, eventId, CfnTemplate.Map(definition)?.GetValueOrDefault("Properties"));
            AddEdge($"{id}{eventId}", $"{id}{eventId}Role");
            AddEdge($"{id}{eventId}Role", id);
        }
    }

    /// <summary>The generated role (function → role), or null when the resource names its own Role.</summary>
    private string? RoleOf(string id, Dictionary<string, object?> properties)
    {
        if (properties.ContainsKey("Role"))
        {
            return null;
        }
        AddEdge(id, $"{id}Role");
        return $"{id}Role";
    }

    private void AddPushedBy(string functionId, string eventId, string sourceProperty, object? eventProperties)
    {
        var permission = $"{functionId}{eventId}Permission";
        AddEdge(permission, functionId);
        var source = CfnTemplate.References(CfnTemplate.Map(eventProperties)?.GetValueOrDefault(sourceProperty))
            .Select(r => r.Target)
            .FirstOrDefault(_template.Resources.ContainsKey);
        if (source is not null)
        {
            AddEdge(source, functionId);
            AddEdge(source, permission);
        }
    }

    private void AddEventResource(string targetId, string eventId, object? eventProperties)
    {
        var node = $"{targetId}{eventId}";
        AddEdge(node, targetId);
        AddReferences(node, eventProperties);
    }

    private static IEnumerable<KeyValuePair<string, object?>> Events(Dictionary<string, object?> properties) =>
        CfnTemplate.Map(properties.GetValueOrDefault("Events")) ?? [];

    private void AddReferences(string from, object? tree)
    {
        AddNode(from);
        // Parameters and pseudo-parameters are not created, so they order nothing; unknown names are another test's concern.
        foreach (var reference in CfnTemplate.References(tree)
                     .Where(r => !_template.Parameters.ContainsKey(r.Target) && !r.Target.Contains("::", StringComparison.Ordinal)))
        {
            AddEdge(from, reference.Target);
        }
    }

    private void AddNode(string node) => _edges.TryAdd(node, new SortedSet<string>(StringComparer.Ordinal));

    private void AddEdge(string from, string to)
    {
        AddNode(from);
        AddNode(to);
        _edges[from].Add(to);
    }

    /// <summary>Tarjan's algorithm; components come out in a stable order, each listing its members in visit order.</summary>
    private List<List<string>> StronglyConnectedComponents()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLink = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = lowLink[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in DependenciesOf(node))
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    lowLink[node] = Math.Min(lowLink[node], lowLink[next]);
                }
                else if (onStack.Contains(next))
                {
                    lowLink[node] = Math.Min(lowLink[node], index[next]);
                }
            }
            if (lowLink[node] != index[node])
            {
                return;
            }
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);
            component.Reverse();
            components.Add(component);
        }

        foreach (var node in _edges.Keys.Where(n => !index.ContainsKey(n)).ToList())
        {
            Visit(node);
        }
        return components;
    }

    /// <summary>The shortest path from <paramref name="start"/> back to itself inside its component.</summary>
    private List<string> CycleThrough(string start, HashSet<string> component)
    {
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var next in DependenciesOf(node).Where(component.Contains))
            {
                if (next == start)
                {
                    var path = new List<string> { start };
                    for (var step = node; step != start; step = previous[step])
                    {
                        path.Add(step);
                    }
                    path.Add(start);
                    path.Reverse();
                    return path;
                }
                if (previous.TryAdd(next, node))
                {
                    queue.Enqueue(next);
                }
            }
        }
        throw new InvalidOperationException($"{start} is in a component but on no cycle");
    }
}
