using System.Globalization;
using System.Xml.Linq;

namespace Lifeboat.Sandbox;

/// <summary>An error the query-protocol stand-ins answer as AWS does: HTTP 400 with an ErrorResponse.</summary>
public sealed class QueryProtocolException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// The AWS query protocol's envelope for the CloudFormation and CloudWatch stand-ins: form-encoded requests in,
/// <c>&lt;{Action}Response&gt;&lt;{Action}Result&gt;…&lt;ResponseMetadata&gt;</c> or <c>&lt;ErrorResponse&gt;</c> out.
/// </summary>
public static class QueryProtocol
{
    public static string Response(XNamespace ns, string action, params object[] result) =>
        new XDocument(new XElement(ns + $"{action}Response",
            new XElement(ns + $"{action}Result", result),
            new XElement(ns + "ResponseMetadata", new XElement(ns + "RequestId", Guid.NewGuid().ToString())))).ToString();

    public static string Error(XNamespace ns, string code, string message) =>
        new XDocument(new XElement(ns + "ErrorResponse",
            new XElement(ns + "Error", new XElement(ns + "Type", "Sender"), new XElement(ns + "Code", code), new XElement(ns + "Message", message)),
            new XElement(ns + "RequestId", Guid.NewGuid().ToString()))).ToString();

    /// <summary>A list the way the query protocol writes one: the element, then one <c>member</c> per item.</summary>
    public static XElement Members(XNamespace ns, string name, IEnumerable<object[]> items) =>
        new(ns + name, items.Select(item => new XElement(ns + "member", item)));

    /// <summary>The values of a flattened list parameter (<c>Name.member.1</c>, <c>Name.member.2</c>, …), in order.</summary>
    public static IReadOnlyList<string> ListParameter(IReadOnlyDictionary<string, string> form, string name) =>
        form.Where(p => p.Key.StartsWith($"{name}.member.", StringComparison.Ordinal))
            .OrderBy(p => int.Parse(p.Key[(name.Length + ".member.".Length)..], CultureInfo.InvariantCulture))
            .Select(p => p.Value)
            .ToList();
}

/// <summary>
/// CloudFormation's <c>DescribeStacks</c> for the one stack the sandbox deploys, "lifeboat-sandbox": its parameters
/// are the sandbox's and its Outputs are template.yaml's, resolved against the sandbox's names.
/// </summary>
public sealed class CloudFormationStandIn(SamTemplate template)
{
    public static readonly XNamespace Ns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    public static string StackId => $"arn:aws:cloudformation:{SandboxLayout.Region}:{SandboxLayout.Account}:stack/{SandboxLayout.StackName}/00000000-0000-0000-0000-000000000000";

    public string Handle(IReadOnlyDictionary<string, string> form) => form.GetValueOrDefault("Action") switch
    {
        "DescribeStacks" => DescribeStacks(form.GetValueOrDefault("StackName")),
        var action => throw new QueryProtocolException("InvalidAction", $"the sandbox does not implement cloudformation:{action}"),
    };

    private string DescribeStacks(string? stackName)
    {
        if (stackName != SandboxLayout.StackName && stackName != StackId)
        {
            throw new QueryProtocolException("ValidationError", $"Stack with id {stackName} does not exist");
        }
        var stack = new object[]
        {
            new XElement(Ns + "StackId", StackId),
            new XElement(Ns + "StackName", SandboxLayout.StackName),
            QueryProtocol.Members(Ns, "Parameters", SandboxParameters.Values.Select(p => new object[]
            {
                new XElement(Ns + "ParameterKey", p.Key), new XElement(Ns + "ParameterValue", p.Value),
            })),
            new XElement(Ns + "CreationTime", "2026-01-01T00:00:00.000Z"),
            new XElement(Ns + "StackStatus", "CREATE_COMPLETE"),
            new XElement(Ns + "DisableRollback", "false"),
            QueryProtocol.Members(Ns, "Outputs", template.Outputs.Select(o => new object[]
            {
                new XElement(Ns + "OutputKey", o.Key), new XElement(Ns + "OutputValue", o.Value),
            })),
        };
        return QueryProtocol.Response(Ns, "DescribeStacks", QueryProtocol.Members(Ns, "Stacks", [stack]));
    }
}

/// <summary>
/// CloudWatch's <c>DescribeAlarms</c> over the template's alarms, each evaluated at the time of the call by
/// <see cref="SandboxAlarms"/> (so a call also pages state changes, as CloudWatch's own evaluation would). The state's
/// "since" is the time of the alarm's last page. Supports AlarmNames, AlarmNamePrefix, StateValue, MaxRecords and NextToken.
/// </summary>
public sealed class CloudWatchStandIn(SandboxAlarms alarms)
{
    public static readonly XNamespace Ns = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    private static readonly Lock Gate = new();

    public string Handle(IReadOnlyDictionary<string, string> form) => form.GetValueOrDefault("Action") switch
    {
        "DescribeAlarms" => DescribeAlarms(form),
        var action => throw new QueryProtocolException("InvalidAction", $"the sandbox does not implement cloudwatch:{action}"),
    };

    private string DescribeAlarms(IReadOnlyDictionary<string, string> form)
    {
        var names = QueryProtocol.ListParameter(form, "AlarmNames");
        var prefix = form.GetValueOrDefault("AlarmNamePrefix");
        var stateValue = form.GetValueOrDefault("StateValue");
        var maxRecords = form.TryGetValue("MaxRecords", out var max) ? int.Parse(max, CultureInfo.InvariantCulture) : 50;
        var start = form.TryGetValue("NextToken", out var token) ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        if (names.Count > 0 && prefix is not null)
        {
            throw new QueryProtocolException("InvalidParameterCombination", "AlarmNames and AlarmNamePrefix cannot be given together");
        }

        IReadOnlyList<SandboxAlarms.AlarmState> states;
        IReadOnlyList<SandboxAlarms.Page> pages;
        lock (Gate)
        {
            states = alarms.Evaluate(DateTimeOffset.UtcNow);
            pages = alarms.Pages();
        }
        var matching = states
            .Where(s => (names.Count == 0 || names.Contains(s.Name)) && (prefix is null || s.Name.StartsWith(prefix, StringComparison.Ordinal))
                        && (stateValue is null || s.State == stateValue))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        var page = matching.Skip(start).Take(maxRecords).Select(s => new object[]
        {
            new XElement(Ns + "AlarmName", s.Name),
            new XElement(Ns + "AlarmArn", $"arn:aws:cloudwatch:{SandboxLayout.Region}:{SandboxLayout.Account}:alarm:{s.Name}"),
            new XElement(Ns + "AlarmDescription", s.Description),
            new XElement(Ns + "StateValue", s.State),
            new XElement(Ns + "StateReason", s.Reason),
            new XElement(Ns + "StateUpdatedTimestamp", Since(pages, s).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
        });
        var result = new List<object> { QueryProtocol.Members(Ns, "MetricAlarms", page), new XElement(Ns + "CompositeAlarms") };
        if (start + maxRecords < matching.Count)
        {
            result.Add(new XElement(Ns + "NextToken", (start + maxRecords).ToString(CultureInfo.InvariantCulture)));
        }
        return QueryProtocol.Response(Ns, "DescribeAlarms", [.. result]);
    }

    private static DateTimeOffset Since(IReadOnlyList<SandboxAlarms.Page> pages, SandboxAlarms.AlarmState state) =>
        pages.LastOrDefault(p => p.Alarm == state.Name && p.To == state.State)?.Time ?? DateTimeOffset.UtcNow;
}
