using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>The cluster's dashboard: a body CloudWatch accepts once CloudFormation has filled in its !Sub, showing what the alarms watch.</summary>
public sealed partial class DashboardTests
{
    private const string DashboardType = "AWS::CloudWatch::Dashboard";

    private static readonly CfnTemplate Template = Repo.Template;

    // Distinct values, so that a number in the body can be traced to the parameter it came from.
    private static readonly Dictionary<string, string> Placeholders = new(StringComparer.Ordinal)
    {
        ["ClusterName"] = "placeholder-cluster",
        ["RpoSeconds"] = "4242",
        ["MaxLagSeconds"] = "4343",
        ["RetentionDays"] = "44",
    };

    private static readonly CfnEvaluator Evaluator = new(Template, Placeholders);

    private static readonly HashSet<string> WidgetTypes = new(StringComparer.Ordinal) { "metric", "text", "alarm", "log", "explorer", "custom" };

    // Beyond the alarms' metrics, what the dashboard is for: drill phases over time, data size, the restorable window.
    private static readonly string[] DashboardOnlyMetrics =
    [
        "DrillPhaseDownloadSeconds", "DrillPhasePrepareSeconds", "DrillPhaseStartSeconds", "DrillPhaseReplaySeconds",
        "DrillPhaseValidateSeconds", "DrillSeconds", "BackupRawBytes", "RestorableWindowSeconds",
    ];

    private sealed record Shown(string Namespace, string Metric, IReadOnlyDictionary<string, string> Dimensions)
    {
        public override string ToString() => $"{Namespace}/{Metric} {string.Join(",", Dimensions.Select(d => $"{d.Key}={d.Value}"))}";
    }

    [Fact]
    public void Dashboard_Body_Is_Valid_Json_After_Substitution()
    {
        // Arrange
        var dashboards = Template.ResourcesOfType(DashboardType).ToList();
        var problems = new List<string>();

        // Act
        foreach (var id in dashboards)
        {
            var body = Template.PropertiesWithGlobals(id).GetValueOrDefault("DashboardBody");
            string text;
            try
            {
                text = Evaluator.Scalar(body);
            }
            catch (NotSupportedException e)
            {
                problems.Add($"{id}: DashboardBody is not a string or !Sub: {e.Message}");
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(text);
                problems.AddRange(WidgetProblems(document.RootElement).Select(p => $"{id}: {p}"));
            }
            catch (JsonException e)
            {
                var line = text.Split('\n').ElementAtOrDefault((int)(e.LineNumber ?? 0)) ?? "";
                problems.Add($"{id}: DashboardBody is not JSON after substitution: {e.Message}\n  {line.Trim()}");
            }
        }

        // Assert
        Assert.NotEmpty(dashboards);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Dashboard_Shows_Every_Alarmed_Metric_Per_Cluster_Or_Across_The_Deployment()
    {
        // Arrange
        var shown = AllSeries().ToList();
        var problems = new List<string>();

        // Act
        foreach (var alarm in Template.ResourcesOfType("AWS::CloudWatch::Alarm"))
        {
            var properties = Template.PropertiesWithGlobals(alarm);
            var series = new Shown(
                Evaluator.Scalar(properties.GetValueOrDefault("Namespace")),
                Evaluator.Scalar(properties.GetValueOrDefault("MetricName")),
                List(properties.GetValueOrDefault("Dimensions")).Select(Map).OfType<Dictionary<string, object?>>()
                    .ToDictionary(d => Evaluator.Scalar(d.GetValueOrDefault("Name")), d => Evaluator.Scalar(d.GetValueOrDefault("Value"))));
            if (!shown.Any(s => Same(s, series)))
            {
                problems.Add($"{alarm}: the dashboard does not show {series}");
            }
        }
        problems.AddRange(shown.Where(s => s.Namespace == "Lifeboat"
                && !(s.Dimensions.Count == 1 && s.Dimensions.GetValueOrDefault("Cluster") == Placeholders["ClusterName"])
                && !(s.Dimensions.Count == 1 && s.Dimensions.GetValueOrDefault("Deployment") == "lifeboat-test"))
            .Select(s => $"{s}: a Lifeboat metric is shown for the cluster (Cluster=${{ClusterName}}) or across the deployment (Deployment=${{AWS::StackName}}), nothing else"));

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Dashboard_Shows_Drill_Phases_Data_Size_And_Restorable_Window()
    {
        // Arrange, Act
        var shown = AllSeries().Select(s => s.Metric).ToHashSet(StringComparer.Ordinal);

        // Assert
        var missing = DashboardOnlyMetrics.Where(m => !shown.Contains(m)).ToList();
        Assert.True(missing.Count == 0, "the dashboard does not show " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_Lifeboat_Metric_The_Dashboard_Shows_Is_Emitted_By_The_Functions()
    {
        // Arrange
        var emitted = EmfMetricScanner.FromDirectory(Repo.Path("functions"));

        // Act
        var missing = AllSeries().Where(s => s.Namespace == "Lifeboat" && !emitted.Emits(s.Metric)).Select(s => s.Metric).Distinct().ToList();

        // Assert
        Assert.True(missing.Count == 0, "the dashboard shows Lifeboat metrics no Metrics.Emf call under functions/ emits: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("BinlogShippingLagSeconds", "RpoSeconds")]
    [InlineData("ReplicaLagSeconds", "MaxLagSeconds")]
    public void Threshold_Lines_Come_From_The_Parameters(string metric, string parameter)
    {
        // Arrange
        var expected = double.Parse(Placeholders[parameter], CultureInfo.InvariantCulture);

        // Act
        var values = Widgets()
            .Where(w => Series(w).Any(s => s.Metric == metric))
            .SelectMany(w => Property(w, "annotations") is { } a && a.TryGetProperty("horizontal", out var h) && h.ValueKind == JsonValueKind.Array
                ? h.EnumerateArray().Where(x => x.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number).Select(x => x.GetProperty("value").GetDouble())
                : [])
            .ToList();

        // Assert
        Assert.Contains(expected, values);
    }

    [Fact]
    public void Alarm_Widget_Lists_Every_Alarm()
    {
        // Arrange
        var expected = Template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => CfnEvaluator.GetAttPlaceholder(a, "Arn")).Order(StringComparer.Ordinal);

        // Act
        var listed = Widgets()
            .Where(w => w.GetProperty("type").GetString() == "alarm")
            .SelectMany(w => Property(w, "alarms")?.EnumerateArray().Select(a => a.GetString() ?? "") ?? [])
            .Order(StringComparer.Ordinal);

        // Assert
        Assert.Equal(expected, listed);
    }

    [Fact]
    public void Outputs_Give_The_Dashboard_Url()
    {
        // Arrange
        var dashboard = Assert.Single(Template.ResourcesOfType(DashboardType));

        // Act
        var urls = Template.Outputs.Values.Select(o => Map(o)?.GetValueOrDefault("Value"))
            .Where(v => Map(v)?.GetValueOrDefault("Fn::Sub") is { } sub && SubParts(sub).Text is { } text
                && text.StartsWith("https://", StringComparison.Ordinal) && text.Contains($"#dashboards:name=${{{dashboard}}}", StringComparison.Ordinal))
            .Select(Evaluator.Scalar)
            .ToList();

        // Assert
        var url = Assert.Single(urls);
        Assert.StartsWith("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=", url);
    }

    // -----------------------------------------------------------------------------------------------------------------

    private static IEnumerable<JsonElement> Widgets() =>
        Template.ResourcesOfType(DashboardType)
            .Select(id => JsonDocument.Parse(Evaluator.Scalar(Template.PropertiesWithGlobals(id).GetValueOrDefault("DashboardBody"))).RootElement)
            .SelectMany(root => root.GetProperty("widgets").EnumerateArray());

    private static IEnumerable<Shown> AllSeries() => Widgets().SelectMany(Series);

    private static JsonElement? Property(JsonElement widget, string name) =>
        widget.TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var value) ? value : null;

    /// <summary>The metrics a widget draws: rows [namespace, name, dimension, value, …, {options}?]; expression rows skipped.</summary>
    private static IEnumerable<Shown> Series(JsonElement widget)
    {
        if (Property(widget, "metrics") is not { ValueKind: JsonValueKind.Array } rows)
        {
            yield break;
        }
        foreach (var row in rows.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Array))
        {
            var strings = row.EnumerateArray().TakeWhile(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
            if (strings.Count < 2)
            {
                continue;
            }
            var dimensions = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 2; i + 1 < strings.Count; i += 2)
            {
                dimensions[strings[i]] = strings[i + 1];
            }
            yield return new Shown(strings[0], strings[1], dimensions);
        }
    }

    private static bool Same(Shown a, Shown b) =>
        a.Namespace == b.Namespace && a.Metric == b.Metric && a.Dimensions.Count == b.Dimensions.Count
        && a.Dimensions.All(d => b.Dimensions.GetValueOrDefault(d.Key) == d.Value);

    private static IEnumerable<string> WidgetProblems(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("widgets", out var widgets) || widgets.ValueKind != JsonValueKind.Array
            || widgets.GetArrayLength() == 0)
        {
            yield return "the body needs a non-empty \"widgets\" array";
            yield break;
        }
        var placed = new List<(int Index, int X, int Y, int Width, int Height)>();
        var index = 0;
        foreach (var widget in widgets.EnumerateArray())
        {
            index++;
            var type = widget.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is null || !WidgetTypes.Contains(type))
            {
                yield return $"widget {index}: type {type ?? "(none)"} is not one of {string.Join(", ", WidgetTypes)}";
                continue;
            }
            int? Number(string name) => widget.TryGetProperty(name, out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var v) ? v : null;
            if (Number("x") is not { } x || Number("y") is not { } y || Number("width") is not { } width || Number("height") is not { } height
                || x < 0 || y < 0 || width is < 1 or > 24 || x + width > 24 || height is < 1 or > 1000)
            {
                yield return $"widget {index} ({type}): x, y, width and height must be integers within the 24-column grid";
                continue;
            }
            var overlap = placed.FirstOrDefault(p => x < p.X + p.Width && p.X < x + width && y < p.Y + p.Height && p.Y < y + height);
            if (overlap.Index != 0)
            {
                yield return $"widget {index} overlaps widget {overlap.Index}";
            }
            placed.Add((index, x, y, width, height));
            IEnumerable<string> typeProblems = type switch
            {
                "metric" => MetricWidgetProblems(widget),
                "text" => Property(widget, "markdown")?.ValueKind == JsonValueKind.String ? [] : ["a text widget needs properties.markdown"],
                "alarm" => Property(widget, "alarms") is { ValueKind: JsonValueKind.Array } alarms && alarms.GetArrayLength() is > 0 and <= 100
                    ? []
                    : ["an alarm widget needs properties.alarms (1 to 100 ARNs)"],
                _ => [],
            };
            foreach (var problem in typeProblems)
            {
                yield return $"widget {index} ({type}): {problem}";
            }
        }
    }

    private static IEnumerable<string> MetricWidgetProblems(JsonElement widget)
    {
        if (Property(widget, "region") is not { ValueKind: JsonValueKind.String } region || region.GetString() is not { Length: > 0 })
        {
            yield return "properties.region is required";
        }
        if (Property(widget, "period") is { } period && (!period.TryGetInt32(out var seconds) || (seconds is not (1 or 5 or 10 or 30) && seconds % 60 != 0)))
        {
            yield return "properties.period must be 1, 5, 10, 30 or a multiple of 60";
        }
        if (Property(widget, "metrics") is not { ValueKind: JsonValueKind.Array } rows || rows.GetArrayLength() == 0)
        {
            yield return "properties.metrics must be a non-empty array";
            yield break;
        }
        var widgetStat = Property(widget, "stat") is { ValueKind: JsonValueKind.String };
        var ids = rows.EnumerateArray()
            .Select(r => r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().LastOrDefault() : default)
            .Where(o => o.ValueKind == JsonValueKind.Object && o.TryGetProperty("id", out _))
            .Select(o => o.GetProperty("id").GetString() ?? "")
            .ToHashSet(StringComparer.Ordinal);
        var rowNumber = 0;
        foreach (var row in rows.EnumerateArray())
        {
            rowNumber++;
            var items = row.ValueKind == JsonValueKind.Array ? row.EnumerateArray().ToList() : [];
            var options = items.LastOrDefault() is { ValueKind: JsonValueKind.Object } last ? last : (JsonElement?)null;
            var strings = items.TakeWhile(e => e.ValueKind == JsonValueKind.String).Count();
            if (items.Count == 1 && options is { } expression)
            {
                if (!expression.TryGetProperty("expression", out var math) || !expression.TryGetProperty("id", out _))
                {
                    yield return $"metrics row {rowNumber}: a lone object must be an expression with an id";
                    continue;
                }
                foreach (Match name in ExpressionIdentifier().Matches(math.GetString() ?? ""))
                {
                    if (!ids.Contains(name.Value))
                    {
                        yield return $"metrics row {rowNumber}: the expression uses {name.Value}, which no row's id is";
                    }
                }
                continue;
            }
            if (strings < 2 || strings % 2 != 0 || strings + (options is null ? 0 : 1) != items.Count)
            {
                yield return $"metrics row {rowNumber}: must be [namespace, metric, (dimension, value)*, {{options}}?]";
                continue;
            }
            if (!widgetStat && !(options is { } o && o.TryGetProperty("stat", out _)))
            {
                yield return $"metrics row {rowNumber}: no stat (neither the widget's nor the row's), so CloudWatch would average";
            }
        }
    }

    // Identifiers in metric math start lower-case; functions (SUM, METRICS, …) are upper-case.
    [GeneratedRegex(@"\b[a-z][A-Za-z0-9_]*\b")]
    private static partial Regex ExpressionIdentifier();
}
