using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lifeboat.Sandbox;

/// <summary>
/// CloudWatch alarms, evaluated the way the template defines them, on the metrics the sandbox collected: the EMF lines
/// the functions logged (in the host's log) and the Step Functions runner's finished executions. State changes are
/// "paged" to an outbox, ALARM and OK (recovery) alike. Gauges are judged on each series' (each cluster's) latest datapoint
/// in the window, combined by the alarm's statistic (the worst cluster wins), and counters on their sum, so a recovery
/// shows at the next evaluation rather than a period later.
/// </summary>
public sealed class SandboxAlarms(SandboxLayout layout, SamTemplate template)
{
    public sealed record Datapoint(string Namespace, string Metric, IReadOnlyDictionary<string, string> Dimensions, double Value, DateTimeOffset Time);

    public sealed record AlarmState(string Name, string State, string Reason, string Description);

    public sealed record Page(DateTimeOffset Time, string Alarm, string From, string To, string Reason, string Description);

    public string OutboxFile => Path.Combine(layout.Root, "outbox.jsonl");

    private string StateFile => Path.Combine(layout.Root, "alarms.json");

    /// <summary>Evaluates every alarm now; returns their states and appends a page for each change.</summary>
    public IReadOnlyList<AlarmState> Evaluate(DateTimeOffset now)
    {
        var datapoints = Datapoints();
        var previous = File.Exists(StateFile)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(StateFile)) ?? []
            : new Dictionary<string, string>();
        var states = new List<AlarmState>();
        foreach (var alarm in template.Alarms)
        {
            var window = TimeSpan.FromSeconds(alarm.Period * alarm.EvaluationPeriods);
            var points = datapoints
                .Where(d => d.Namespace == alarm.Namespace && d.Metric == alarm.MetricName && d.Time > now - window && d.Time <= now
                            && alarm.Dimensions.All(a => d.Dimensions.TryGetValue(a.Key, out var v) && v == a.Value))
                .OrderBy(d => d.Time)
                .ToList();
            string state;
            string reason;
            if (points.Count == 0)
            {
                state = alarm.TreatMissingData == "breaching" ? "ALARM" : "OK";
                reason = $"no {alarm.MetricName} datapoint in the last {window.TotalSeconds:0} s (missing data is {alarm.TreatMissingData})";
            }
            else
            {
                // Each series' (each cluster's) latest value, then the alarm's statistic across them: the worst cluster wins.
                var latest = points.GroupBy(p => string.Join(',', p.Dimensions.OrderBy(d => d.Key).Select(d => $"{d.Key}={d.Value}")))
                    .Select(series => series.Last().Value)
                    .ToList();
                var value = alarm.Statistic switch
                {
                    "Sum" => points.Sum(p => p.Value),
                    "Minimum" => latest.Min(),
                    "Maximum" => latest.Max(),
                    "Average" => latest.Average(),
                    var statistic => throw new NotSupportedException($"{alarm.Name}: statistic {statistic} is not modelled by the sandbox"),
                };
                var breaching = alarm.ComparisonOperator switch
                {
                    "GreaterThanThreshold" => value > alarm.Threshold,
                    "GreaterThanOrEqualToThreshold" => value >= alarm.Threshold,
                    "LessThanThreshold" => value < alarm.Threshold,
                    "LessThanOrEqualToThreshold" => value <= alarm.Threshold,
                    var op => throw new NotSupportedException($"{alarm.Name}: comparison {op} is not modelled by the sandbox"),
                };
                state = breaching ? "ALARM" : "OK";
                reason = $"{alarm.MetricName} {(alarm.Statistic == "Sum" ? "sum" : "latest")} {value.ToString("0.##", CultureInfo.InvariantCulture)} {Symbol(alarm.ComparisonOperator)} {alarm.Threshold.ToString("0.##", CultureInfo.InvariantCulture)}: {(breaching ? "breaching" : "within threshold")}";
            }
            states.Add(new AlarmState(alarm.Name, state, reason, alarm.Description));
            var before = previous.GetValueOrDefault(alarm.Name, "INSUFFICIENT_DATA");
            if (before != state)
            {
                File.AppendAllText(OutboxFile, JsonSerializer.Serialize(new Page(now, alarm.Name, before, state, reason, alarm.Description)) + "\n");
            }
            previous[alarm.Name] = state;
        }
        File.WriteAllText(StateFile, JsonSerializer.Serialize(previous));
        return states;
    }

    public IReadOnlyList<Page> Pages() =>
        File.Exists(OutboxFile)
            ? File.ReadAllLines(OutboxFile).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Page>(l)!).ToList()
            : [];

    /// <summary>Everything the sandbox measured: EMF lines from the host's log, and execution outcomes.</summary>
    public IReadOnlyList<Datapoint> Datapoints()
    {
        var points = new List<Datapoint>();
        var hostLog = Path.Combine(layout.LogDir, "host.log");
        if (File.Exists(hostLog))
        {
            using var stream = new FileStream(hostLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.StartsWith("{\"_aws\"", StringComparison.Ordinal))
                {
                    points.AddRange(FromEmf(JsonNode.Parse(line)!));
                }
            }
        }
        var executions = Path.Combine(layout.LogDir, "executions.jsonl");
        if (File.Exists(executions))
        {
            foreach (var line in File.ReadAllLines(executions).Where(l => l.Length > 0))
            {
                var execution = JsonNode.Parse(line)!;
                var metric = execution["status"]?.GetValue<string>() switch
                {
                    "FAILED" => "ExecutionsFailed",
                    "TIMED_OUT" => "ExecutionsTimedOut",
                    "ABORTED" => "ExecutionsAborted",
                    _ => null,
                };
                if (metric is not null)
                {
                    var stopped = DateTimeOffset.FromUnixTimeMilliseconds((long)(execution["stopDate"]!.GetValue<double>() * 1000));
                    points.Add(new Datapoint("AWS/States", metric,
                        new Dictionary<string, string> { ["StateMachineArn"] = execution["stateMachineArn"]!.GetValue<string>() }, 1, stopped));
                }
            }
        }
        return points;
    }

    private static IEnumerable<Datapoint> FromEmf(JsonNode line)
    {
        var aws = line["_aws"]!;
        var time = DateTimeOffset.FromUnixTimeMilliseconds(aws["Timestamp"]!.GetValue<long>());
        foreach (var directive in aws["CloudWatchMetrics"]!.AsArray())
        {
            var ns = directive!["Namespace"]!.GetValue<string>();
            var dimensionNames = directive["Dimensions"]!.AsArray().SelectMany(set => set!.AsArray()).Select(n => n!.GetValue<string>()).ToList();
            var dimensions = dimensionNames.ToDictionary(n => n, n => line[n]?.GetValue<string>() ?? "");
            foreach (var metric in directive["Metrics"]!.AsArray())
            {
                var name = metric!["Name"]!.GetValue<string>();
                if (line[name] is JsonValue value)
                {
                    yield return new Datapoint(ns, name, dimensions, value.GetValue<double>(), time);
                }
            }
        }
    }

    private static string Symbol(string comparison) => comparison switch
    {
        "GreaterThanThreshold" => ">",
        "GreaterThanOrEqualToThreshold" => ">=",
        "LessThanThreshold" => "<",
        _ => "<=",
    };
}
