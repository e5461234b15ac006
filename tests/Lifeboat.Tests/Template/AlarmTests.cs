using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>
/// DESIGN.md §1 "Alarms": every alarm pages the paging topic (and again on recovery), says what broke and the first step,
/// treats missing data as its metric requires, and watches a metric the code actually emits.
/// </summary>
public sealed partial class AlarmTests
{
    private const string AlarmType = "AWS::CloudWatch::Alarm";
    private const string Lifeboat = "Lifeboat";
    private const string States = "AWS/States";

    private static readonly CfnTemplate Template = Repo.Template;

    // How each watched metric treats silence. The watchdog's gauges are measured every 15 minutes, so their silence is
    // itself a failure; the event counts are emitted only when something happens, so their silence is good news.
    private static readonly Dictionary<(string Namespace, string Metric), string> MissingData = new()
    {
        [(Lifeboat, "BackupAgeSeconds")] = "breaching",
        [(Lifeboat, "BinlogShippingLagSeconds")] = "breaching",
        [(Lifeboat, "ReplicationHealthy")] = "breaching",
        [(Lifeboat, "ReplicaLagSeconds")] = "breaching",
        [(Lifeboat, "DrillAgeSeconds")] = "breaching",
        [(Lifeboat, "VerificationFailures")] = "notBreaching",
        [(Lifeboat, "DrillSuccess")] = "notBreaching",
        [(States, "ExecutionsFailed")] = "notBreaching",
        [(States, "ExecutionsTimedOut")] = "notBreaching",
        [(States, "ExecutionsAborted")] = "notBreaching",
    };

    private static readonly HashSet<string> Comparisons = new(StringComparer.Ordinal)
    {
        "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
    };

    private static readonly HashSet<string> Statistics = new(StringComparer.Ordinal) { "SampleCount", "Average", "Sum", "Minimum", "Maximum" };

    private static readonly HashSet<string> MissingDataTreatments = new(StringComparer.Ordinal) { "breaching", "notBreaching", "ignore", "missing" };

    private static IEnumerable<(string Id, Dictionary<string, object?> Properties)> Alarms() =>
        Template.ResourcesOfType(AlarmType).Select(id => (id, Template.PropertiesWithGlobals(id)));

    public static TheoryData<string, string, string, string, string, string, string, int> DesignedAlarms => new()
    {
        // namespace, metric, dimension value (a Ref; Lifeboat metrics: the Deployment series across every cluster), statistic, comparison, threshold ("Ref X" for a parameter), missing data, period
        { Lifeboat, "BackupAgeSeconds", "AWS::StackName", "Maximum", "GreaterThanThreshold", "93600", "breaching", 900 },
        { Lifeboat, "BinlogShippingLagSeconds", "AWS::StackName", "Maximum", "GreaterThanThreshold", "Ref RpoSeconds", "breaching", 900 },
        { Lifeboat, "ReplicationHealthy", "AWS::StackName", "Minimum", "LessThanThreshold", "1", "breaching", 900 },
        { Lifeboat, "ReplicaLagSeconds", "AWS::StackName", "Maximum", "GreaterThanThreshold", "Ref MaxLagSeconds", "breaching", 900 },
        { Lifeboat, "VerificationFailures", "AWS::StackName", "Sum", "GreaterThanOrEqualToThreshold", "1", "notBreaching", 300 },
        { Lifeboat, "DrillAgeSeconds", "AWS::StackName", "Maximum", "GreaterThanThreshold", "93600", "breaching", 900 },
        { Lifeboat, "DrillSuccess", "AWS::StackName", "Minimum", "LessThanThreshold", "1", "notBreaching", 3600 },
        { States, "ExecutionsFailed", "BackupStateMachine", "Sum", "GreaterThanOrEqualToThreshold", "1", "notBreaching", 300 },
        { States, "ExecutionsTimedOut", "BackupStateMachine", "Sum", "GreaterThanOrEqualToThreshold", "1", "notBreaching", 300 },
        { States, "ExecutionsAborted", "BackupStateMachine", "Sum", "GreaterThanOrEqualToThreshold", "1", "notBreaching", 300 },
        { States, "ExecutionsFailed", "RestoreStateMachine", "Sum", "GreaterThanOrEqualToThreshold", "1", "notBreaching", 300 },
        { States, "ExecutionsTimedOut", "RestoreStateMachine", "Sum", "GreaterThanOrEqualToThreshold", "1", "notBreaching", 300 },
        { States, "ExecutionsAborted", "RestoreStateMachine", "Sum", "GreaterThanOrEqualToThreshold", "1", "notBreaching", 300 },
    };

    [Theory]
    [MemberData(nameof(DesignedAlarms))]
    public void Design_Alarm_Exists_As_Specified(
        string ns, string metric, string dimensionRef, string statistic, string comparison, string threshold, string missing, int period)
    {
        // Arrange
        var expectedDimension = ns == Lifeboat ? "Deployment" : "StateMachineArn";

        // Act
        var matches = Alarms().Where(a =>
                a.Properties.GetValueOrDefault("Namespace") as string == ns
                && a.Properties.GetValueOrDefault("MetricName") as string == metric
                && List(a.Properties.GetValueOrDefault("Dimensions")).Select(Map).Any(d =>
                    d?.GetValueOrDefault("Name") as string == expectedDimension
                    && TreeEquals(d.GetValueOrDefault("Value"), new Dictionary<string, object?> { ["Ref"] = dimensionRef })))
            .ToList();

        // Assert
        var (id, properties) = Assert.Single(matches);
        Assert.Equal(statistic, properties.GetValueOrDefault("Statistic"));
        Assert.Equal(comparison, properties.GetValueOrDefault("ComparisonOperator"));
        var actualThreshold = properties.GetValueOrDefault("Threshold") switch
        {
            string literal => literal,
            var expression when References(expression).SingleOrDefault() is { Via: "Ref" } reference => $"Ref {reference.Target}",
            var other => $"{other}",
        };
        Assert.True(threshold == actualThreshold, $"{id}: Threshold is {actualThreshold}, not {threshold}");
        Assert.Equal(missing, properties.GetValueOrDefault("TreatMissingData"));
        Assert.Equal(period.ToString(CultureInfo.InvariantCulture), properties.GetValueOrDefault("Period"));
    }

    [Fact]
    public void Every_Alarm_Is_Well_Formed()
    {
        // Arrange
        var problems = new List<string>();
        var evaluator = new CfnEvaluator(Template);

        // Act
        foreach (var (id, properties) in Alarms())
        {
            string? Text(string name) => properties.GetValueOrDefault(name) as string;
            if (Text("ComparisonOperator") is not { } comparison || !Comparisons.Contains(comparison))
            {
                problems.Add($"{id}: ComparisonOperator {Text("ComparisonOperator") ?? "(none)"} is not one of {string.Join(", ", Comparisons)}");
            }
            problems.AddRange(ThresholdProblems(id, properties.GetValueOrDefault("Threshold")));
            if (Text("Namespace") is null || Text("MetricName") is null || properties.ContainsKey("Metrics"))
            {
                problems.Add($"{id}: a single-metric alarm needs Namespace and MetricName (and no Metrics)");
            }
            if (Text("Statistic") is not { } statistic || !Statistics.Contains(statistic) || properties.ContainsKey("ExtendedStatistic"))
            {
                problems.Add($"{id}: Statistic must be one of {string.Join(", ", Statistics)}");
            }
            if (!MissingDataTreatments.Contains(Text("TreatMissingData") ?? ""))
            {
                problems.Add($"{id}: TreatMissingData must be set explicitly (one of {string.Join(", ", MissingDataTreatments)})");
            }
            var period = Integer(Text("Period"));
            var evaluations = Integer(Text("EvaluationPeriods"));
            var toAlarm = properties.ContainsKey("DatapointsToAlarm") ? Integer(Text("DatapointsToAlarm")) : evaluations;
            if (period is not (10 or 30) && (period is null or <= 0 || period % 60 != 0))
            {
                problems.Add($"{id}: Period {Text("Period")} must be 10, 30 or a multiple of 60");
            }
            if (evaluations is null or < 1 || toAlarm is null or < 1 || toAlarm > evaluations)
            {
                problems.Add($"{id}: needs EvaluationPeriods >= 1 and 1 <= DatapointsToAlarm <= EvaluationPeriods");
            }
            else if (period * evaluations > 86400)
            {
                problems.Add($"{id}: Period x EvaluationPeriods is {period * evaluations} s; keep the evaluation range within a day");
            }
            if (Text("ActionsEnabled") == "false")
            {
                problems.Add($"{id}: ActionsEnabled is false, so it would never page");
            }
            if (Text("Namespace") == Lifeboat)
            {
                // The Lambdas' EMF lines carry two dimension sets, [Cluster] and [Deployment]; the alarms watch the deployment's
                // series, so that a cluster the template does not name (config/clusters.json) pages too.
                var dimensions = List(properties.GetValueOrDefault("Dimensions")).Select(Map).ToList();
                if (dimensions is not [{ } only] || only.GetValueOrDefault("Name") as string != "Deployment"
                    || !TreeEquals(only.GetValueOrDefault("Value"), new Dictionary<string, object?> { ["Ref"] = "AWS::StackName" }))
                {
                    problems.Add($"{id}: a Lifeboat alarm watches exactly [Deployment: !Ref AWS::StackName], the series across every cluster");
                }
            }
            problems.AddRange(NameAndDescriptionProblems(id, properties, evaluator));
        }

        // Assert
        Assert.NotEmpty(Alarms());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Alarm_Names_Carry_The_Stack_Name_And_Are_Unique()
    {
        // Arrange
        var evaluator = new CfnEvaluator(Template);

        // Act
        var names = Alarms().Select(a => (a.Id, Name: a.Properties.GetValueOrDefault("AlarmName"))).ToList();
        var withoutStack = names.Where(n => Map(n.Name)?.GetValueOrDefault("Fn::Sub") is not { } sub
                || SubParts(sub).Text?.StartsWith("${AWS::StackName}-", StringComparison.Ordinal) != true)
            .Select(n => $"{n.Id}: AlarmName must be !Sub \"${{AWS::StackName}}-...\"");
        var duplicates = names.GroupBy(n => evaluator.Scalar(n.Name)).Where(g => g.Count() > 1)
            .Select(g => $"{string.Join(", ", g.Select(n => n.Id))} share the name {g.Key}");

        // Assert
        Assert.Empty(withoutStack.Concat(duplicates));
    }

    [Fact]
    public void Every_Alarm_Treats_Missing_Data_As_Its_Metric_Requires()
    {
        // Arrange, Act
        var problems = Alarms().Select(a =>
        {
            var key = (a.Properties.GetValueOrDefault("Namespace") as string ?? "", a.Properties.GetValueOrDefault("MetricName") as string ?? "");
            var actual = a.Properties.GetValueOrDefault("TreatMissingData") as string;
            return !MissingData.TryGetValue(key, out var expected)
                ? $"{a.Id}: {key.Item1}/{key.Item2} is not in this test's table; add it with the missing-data treatment it needs"
                : actual != expected ? $"{a.Id}: TreatMissingData is {actual ?? "(unset)"}, but silence of {key.Item2} is {expected}" : null;
        }).OfType<string>();

        // Assert
        Assert.Empty(problems);
    }

    [Fact]
    public void Every_Lifeboat_Metric_An_Alarm_Watches_Is_Emitted_By_The_Functions()
    {
        // Arrange
        var emitted = EmfMetricScanner.FromDirectory(Repo.Path("functions"));

        // Act
        var missing = Alarms()
            .Where(a => a.Properties.GetValueOrDefault("Namespace") as string == Lifeboat)
            .Select(a => (a.Id, Metric: a.Properties.GetValueOrDefault("MetricName") as string ?? ""))
            .Where(a => !emitted.Emits(a.Metric))
            .Select(a => $"{a.Id} watches {a.Metric}")
            .ToList();

        // Assert: an alarm on a metric nobody emits never fires (or, breaching on silence, never stops).
        Assert.True(missing.Count == 0,
            "alarms watch Lifeboat metrics that no Metrics.Emf call under functions/ emits:\n" + string.Join("\n", missing)
            + $"\nemitted: {string.Join(", ", emitted.Names.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void Breaching_Alarms_Do_Not_Page_Between_Two_Watchdog_Runs()
    {
        // Arrange: the watchdog's schedule, the source of every gauge whose silence is breaching.
        var interval = ScheduleIntervals("ScheduleStateMachine", "WatchdogSchedule").ToList();
        var problems = new List<string>();

        // Act
        foreach (var (id, properties) in Alarms().Where(a => a.Properties.GetValueOrDefault("TreatMissingData") as string == "breaching"))
        {
            var window = Integer(properties.GetValueOrDefault("Period") as string) * Integer(properties.GetValueOrDefault("EvaluationPeriods") as string);
            if (window is null || interval.Any(i => window < i.TotalSeconds))
            {
                problems.Add($"{id}: its window ({window} s) is shorter than the watchdog's interval, so every gap between runs pages");
            }
        }

        // Assert
        Assert.NotEmpty(interval);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    // -----------------------------------------------------------------------------------------------------------------
    // The paging topic
    // -----------------------------------------------------------------------------------------------------------------

    public static TheoryData<string, string, bool, bool> TopicSettings => new()
    {
        // AlarmTopicArn, AlarmEmail, the stack creates its topic, an e-mail subscription is created
        { "", "", true, false },
        { "", "oncall@example.com", true, true },
        { "arn:aws:sns:eu-west-1:123456789012:pager", "", false, false },
        { "arn:aws:sns:eu-west-1:123456789012:pager", "oncall@example.com", false, false },
    };

    [Theory]
    [MemberData(nameof(TopicSettings))]
    public void Every_Alarm_Pages_And_Recovers_Through_The_Chosen_Topic(string topicArn, string email, bool createsTopic, bool subscribes)
    {
        // Arrange
        var evaluator = new CfnEvaluator(Template, new Dictionary<string, string> { ["AlarmTopicArn"] = topicArn, ["AlarmEmail"] = email });
        var topics = Template.ResourcesOfType("AWS::SNS::Topic").ToList();
        object expected = createsTopic ? new Dictionary<string, object?> { ["Ref"] = Assert.Single(topics) } : topicArn;
        var problems = new List<string>();

        // Act
        foreach (var (id, properties) in Alarms())
        {
            foreach (var actions in new[] { "AlarmActions", "OKActions" })
            {
                var resolved = List(evaluator.Resolve(properties.GetValueOrDefault(actions)));
                if (resolved is not [var only] || !TreeEquals(only, expected))
                {
                    problems.Add($"{id}: {actions} must be exactly the paging topic here ({(createsTopic ? "the stack's topic" : topicArn)})");
                }
            }
        }
        var output = Template.Outputs.Select(o => Map(o.Value)?.GetValueOrDefault("Value")).Select(evaluator.Resolve);

        // Assert
        Assert.Equal(createsTopic, topics.All(evaluator.Exists));
        Assert.Equal(subscribes, Template.ResourcesOfType("AWS::SNS::Subscription").Any(evaluator.Exists));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains(output, value => TreeEquals(value, expected));
        Assert.Empty(UnresolvedReferences(evaluator));
    }

    [Theory]
    [InlineData("AlarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:pager", true)]
    [InlineData("AlarmTopicArn", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:ops_pager-1", true)]
    [InlineData("AlarmTopicArn", "pager", false)]
    [InlineData("AlarmTopicArn", "arn:aws:sqs:eu-west-1:123456789012:pager", false)]
    [InlineData("AlarmEmail", "oncall@example.com", true)]
    [InlineData("AlarmEmail", "oncall", false)]
    [InlineData("RpoSeconds", "300", true)]
    public void Paging_Parameters_Accept_What_They_Should(string parameter, string value, bool accepted)
    {
        // Arrange
        var definition = Map(Template.Parameters[parameter])!;

        // Act
        var valid = definition.GetValueOrDefault("Type") as string == "Number"
            ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
              && (definition.GetValueOrDefault("MinValue") is not string min || number >= double.Parse(min, CultureInfo.InvariantCulture))
              && (definition.GetValueOrDefault("MaxValue") is not string max || number <= double.Parse(max, CultureInfo.InvariantCulture))
            : definition.GetValueOrDefault("AllowedPattern") is not string pattern || Regex.IsMatch(value, pattern);

        // Assert
        Assert.Equal(accepted, valid);
        Assert.True(Regex.IsMatch("", definition.GetValueOrDefault("AllowedPattern") as string ?? "^$") || parameter == "RpoSeconds",
            $"{parameter}: the empty default must be allowed");
    }

    [Fact]
    public void Paging_Topic_Is_Encrypted_With_A_Key_CloudWatch_May_Use()
    {
        // Arrange: CloudWatch calls KMS itself when it publishes to an encrypted topic. The AWS managed alias/aws/sns key's
        // policy cannot grant it that, so alarms on such a topic deploy, go into ALARM, and page nobody.
        var problems = new List<string>();
        var topics = Template.ResourcesOfType("AWS::SNS::Topic").ToList();

        // Act
        foreach (var topic in topics)
        {
            var key = Template.PropertiesWithGlobals(topic).GetValueOrDefault("KmsMasterKeyId");
            if (key is null)
            {
                problems.Add($"{topic}: not encrypted (KmsMasterKeyId)");
                continue;
            }
            if (key is string alias)
            {
                problems.Add($"{topic}: KmsMasterKeyId {alias} is not a key of this template whose policy lets cloudwatch.amazonaws.com use it"
                    + (alias.Contains("aws/sns", StringComparison.Ordinal) ? " (CloudWatch cannot publish with the AWS managed aws/sns key)" : ""));
                continue;
            }
            var keyId = References(key).Select(r => r.Target).FirstOrDefault(t => Template.TypeOf(t) == "AWS::KMS::Key");
            var statements = keyId is null
                ? []
                : List(Map(Template.PropertiesWithGlobals(keyId).GetValueOrDefault("KeyPolicy"))?.GetValueOrDefault("Statement")).Select(Map).OfType<Dictionary<string, object?>>();
            var grants = statements.Where(s => s.GetValueOrDefault("Effect") as string == "Allow"
                    && List(Map(s.GetValueOrDefault("Principal"))?.GetValueOrDefault("Service")).Contains("cloudwatch.amazonaws.com")
                    && s.GetValueOrDefault("Condition") is null)
                .SelectMany(s => List(s.GetValueOrDefault("Action")).OfType<string>())
                .ToHashSet(StringComparer.Ordinal);
            if (!(grants.Contains("kms:*") || (grants.Contains("kms:Decrypt") && grants.Any(g => g is "kms:GenerateDataKey" or "kms:GenerateDataKey*"))))
            {
                problems.Add($"{topic}: its key {keyId ?? "(not a key of this template)"} must allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*");
            }
            if (keyId is not null
                && Map(Template.Resources[keyId])?.GetValueOrDefault("Condition") as string != Map(Template.Resources[topic])?.GetValueOrDefault("Condition") as string)
            {
                problems.Add($"{topic}: its key {keyId} must be created under the same Condition as the topic");
            }
        }

        // Assert
        Assert.NotEmpty(topics);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    // -----------------------------------------------------------------------------------------------------------------
    // The metric scanner (so that the emission test above reads the sources the way they are written)
    // -----------------------------------------------------------------------------------------------------------------

    [Fact]
    public void Metric_Scanner_Reads_Keys_Conditional_Keys_Unit_Calls_And_Interpolations()
    {
        // Arrange
        const string source = """
            var metrics = new Dictionary<string, (double, string)>
            {
                ["VerificationFailures"] = (failed ? 1 : 0, "Count"),
                [drill ? "DrillSuccess" : "RestoreSuccess"] = (passed ? 1 : 0, "Count"),
            };
            metrics[$"{(drill ? "Drill" : "Restore")}Phase{char.ToUpperInvariant(phase[0])}{phase[1..]}Seconds"] = (seconds, "Seconds");
            metrics[$"{name}"] = (1, "Count");
            Add("BackupAgeSeconds", report.BackupAgeSeconds, "Seconds");
            var settings = new Dictionary<string, string> { ["NotAMetric"] = "x" };
            log.Metric(Metrics.Emf(cluster, now, metrics));
            """;
        const string noEmf = """var x = new Dictionary<string, (int, string)> { ["ElsewhereOnly"] = (1, "Count") };""";

        // Act
        var scanner = EmfMetricScanner.FromSources([source, noEmf]);

        // Assert
        Assert.Equal(["BackupAgeSeconds", "DrillSuccess", "RestoreSuccess", "VerificationFailures"], scanner.Names.Order(StringComparer.Ordinal));
        Assert.True(scanner.Emits("DrillPhaseDownloadSeconds"));
        Assert.False(scanner.Emits("DrillPhaseDownloadBytes"));
        Assert.False(scanner.Emits("NotAMetric"));
        Assert.False(scanner.Emits("ElsewhereOnly"));
    }

    [Fact]
    public void Metric_Scanner_Finds_What_The_Drill_Records_Emit()
    {
        // Arrange, Act
        var scanner = EmfMetricScanner.FromDirectory(Repo.Path("functions"));

        // Assert: RecordDrill's metrics, written with a conditional key and an interpolated one.
        Assert.True(scanner.Emits("DrillSuccess"), "DrillSuccess not found; the scanner no longer reads the sources as written");
        Assert.True(scanner.Emits("DrillSeconds"));
        Assert.True(scanner.Emits("DrillPhaseDownloadSeconds"));
    }

    // -----------------------------------------------------------------------------------------------------------------

    private static IEnumerable<string> ThresholdProblems(string id, object? threshold)
    {
        switch (threshold)
        {
            case string literal when double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                yield break;
            case Dictionary<string, object?> { Count: 1 } map when map.GetValueOrDefault("Ref") is string parameter:
                if (Map(Template.Parameters.GetValueOrDefault(parameter))?.GetValueOrDefault("Type") as string != "Number")
                {
                    yield return $"{id}: Threshold !Ref {parameter} must name a Number parameter";
                }
                yield break;
            default:
                yield return $"{id}: Threshold must be a number or !Ref a Number parameter";
                break;
        }
    }

    private static IEnumerable<string> NameAndDescriptionProblems(string id, Dictionary<string, object?> properties, CfnEvaluator evaluator)
    {
        // The longest values the parameters allow, so that the limits hold for every deployment.
        var longest = new CfnEvaluator(Template, new Dictionary<string, string>
        {
            ["ClusterName"] = new('c', 40),
            ["AWS::StackName"] = new('s', 128),
            ["RpoSeconds"] = "86400",
            ["MaxLagSeconds"] = "86400",
        });
        var description = properties.GetValueOrDefault("AlarmDescription");
        if (description is null || !evaluator.Scalar(description).Contains("First step", StringComparison.Ordinal))
        {
            yield return $"{id}: AlarmDescription must say what broke and the \"First step\" to take";
        }
        else if (longest.Scalar(description).Length > 1024)
        {
            yield return $"{id}: AlarmDescription can exceed CloudWatch's 1024 characters ({longest.Scalar(description).Length})";
        }
        if (properties.GetValueOrDefault("AlarmName") is not { } name)
        {
            yield return $"{id}: no AlarmName";
        }
        else if (longest.Scalar(name).Length > 255)
        {
            yield return $"{id}: AlarmName can exceed 255 characters";
        }
    }

    /// <summary>Every reference from a created resource or output to a resource that this parameter setting does not create.</summary>
    private static IEnumerable<string> UnresolvedReferences(CfnEvaluator evaluator)
    {
        var generated = CfnDependencyGraph.Build(Template).Nodes.Where(n => !Template.Resources.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
        var entries = Template.Resources.Select(r => ("Resources", r.Key, r.Value)).Concat(Template.Outputs.Select(o => ("Outputs", o.Key, o.Value)));
        foreach (var (section, id, node) in entries.Where(e => evaluator.Exists(e.Key)))
        {
            var resolved = Map(node)?.Where(e => e.Key != "Condition").ToDictionary(e => e.Key, e => evaluator.Resolve(e.Value));
            foreach (var reference in References(resolved).Where(r => !evaluator.IsValue(r.Target) && !generated.Contains(r.Target)))
            {
                if (!Template.Resources.ContainsKey(reference.Target) || !evaluator.Exists(reference.Target))
                {
                    yield return $"{section}.{id}: {reference.Via} {reference.Target}, which is not created with these parameters";
                }
            }
        }
    }

    /// <summary>The intervals of a function's rate() schedules.</summary>
    private static IEnumerable<TimeSpan> ScheduleIntervals(string resource, string schedule)
    {
        var events = Map(Template.PropertiesWithGlobals(resource).GetValueOrDefault("Events")) ?? [];
        foreach (var definition in events.Where(e => e.Key == schedule).Select(e => Map(e.Value)).Where(e => e?.GetValueOrDefault("Type") is "ScheduleV2" or "Schedule"))
        {
            var expression = Map(definition!.GetValueOrDefault("Properties"))?.GetValueOrDefault("ScheduleExpression") as string ?? "";
            // cron(2/15 * * * ? *): every 15 minutes from minute 2 of each hour.
            if (EveryNMinutesCron().Match(expression) is { Success: true } cron)
            {
                yield return TimeSpan.FromMinutes(int.Parse(cron.Groups["n"].Value, CultureInfo.InvariantCulture));
                continue;
            }
            var rate = Rate().Match(expression);
            if (!rate.Success)
            {
                continue;
            }
            var count = int.Parse(rate.Groups["n"].Value, CultureInfo.InvariantCulture);
            yield return rate.Groups["unit"].Value switch
            {
                var u when u.StartsWith("minute", StringComparison.Ordinal) => TimeSpan.FromMinutes(count),
                var u when u.StartsWith("hour", StringComparison.Ordinal) => TimeSpan.FromHours(count),
                _ => TimeSpan.FromDays(count),
            };
        }
    }

    private static int? Integer(string? text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    [GeneratedRegex(@"^rate\((?<n>\d+) (?<unit>minutes?|hours?|days?)\)$")]
    private static partial Regex Rate();

    [GeneratedRegex(@"^cron\(\d+/(?<n>\d+) \* \* \* \? \*\)$")]
    private static partial Regex EveryNMinutesCron();
}
