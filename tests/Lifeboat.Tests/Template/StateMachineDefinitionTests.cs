using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>The statemachines/*.asl.json files and the StateMachine resources that deploy them (DESIGN.md §1, §8).</summary>
public sealed partial class StateMachineDefinitionTests
{
    private static readonly CfnTemplate Template = Repo.Template;

    public static TheoryData<string> Definitions()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repo.Path("statemachines"), "*.asl.json").Order(StringComparer.Ordinal))
        {
            data.Add(Repo.Relative(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Definition_Passes_Asl_Validator(string definition)
    {
        // Arrange
        var validator = Repo.Path("sandbox/node/node_modules/.bin/asl-validator");
        Assert.True(File.Exists(validator), $"{validator} is missing: run `npm ci` in sandbox/node first");

        // Act
        var result = Repo.Run(Repo.Node, [validator, "--json-path", Repo.Path(definition)]);

        // Assert
        Assert.True(result.ExitCode == 0, $"asl-validator {definition}:\n{result.Output}");
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Definition_Is_Deployed_By_Exactly_One_State_Machine(string definition)
    {
        // Arrange, Act
        var users = Template.ResourcesOfType("AWS::Serverless::StateMachine")
            .Where(id => Template.PropertiesWithGlobals(id).GetValueOrDefault("DefinitionUri") as string == definition);

        // Assert
        Assert.Single(users);
    }

    [Fact]
    public void Every_State_Machine_Definition_Uri_Exists()
    {
        // Arrange, Act
        var missing = Template.ResourcesOfType("AWS::Serverless::StateMachine")
            .Select(id => (Id: id, Uri: Template.PropertiesWithGlobals(id).GetValueOrDefault("DefinitionUri") as string))
            .Where(m => m.Uri is null || !File.Exists(Repo.Path(m.Uri)))
            .Select(m => $"{m.Id}: DefinitionUri {m.Uri ?? "(none)"} is not a file in the repository");

        // Assert
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Every_Token_Is_Substituted_And_Every_Substitution_Used(string definition)
    {
        // Arrange
        var text = File.ReadAllText(Repo.Path(definition));
        var substitutions = Substitutions(definition);

        // Act
        var tokens = Token().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.Empty(tokens.Except(substitutions.Keys).Select(t => $"${{{t}}} has no DefinitionSubstitutions entry"));
        Assert.Empty(substitutions.Keys.Except(tokens).Select(k => $"DefinitionSubstitutions.{k} is not used in {definition}"));
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Every_Task_Has_Timeout_Retry_And_Catch_All(string definition)
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var (name, state) in States(definition).Where(s => (string?)s.State["Type"] == "Task"))
        {
            if (state["TimeoutSeconds"] is null && state["TimeoutSecondsPath"] is null)
            {
                problems.Add($"\"{name}\": no TimeoutSeconds (aws-local-stepfunctions times out after 60 s, Lambda's default is 99999999)");
            }
            if (state["Retry"] is not JsonArray { Count: > 0 })
            {
                problems.Add($"\"{name}\": no Retry");
            }
            if (state["Catch"] is not JsonArray catchers
                || !catchers.Any(c => c?["ErrorEquals"] is JsonArray errors && errors.Any(e => (string?)e == "States.ALL")))
            {
                problems.Add($"\"{name}\": no Catch for States.ALL");
            }
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Task_Resources_Are_Substituted_Or_Service_Integrations(string definition)
    {
        // Arrange
        var text = File.ReadAllText(Repo.Path(definition));

        // Act
        var bad = States(definition)
            .Where(s => (string?)s.State["Type"] == "Task")
            .Select(s => (s.Name, Resource: (string?)s.State["Resource"] ?? ""))
            .Where(s => !WholeToken().IsMatch(s.Resource) && !s.Resource.StartsWith("arn:aws:states:::", StringComparison.Ordinal))
            .Select(s => $"\"{s.Name}\": Resource {s.Resource} is neither a ${{Token}} nor an arn:aws:states::: integration");
        var accountArns = AccountArn().Matches(text).Select(m => $"hard-coded account ARN {m.Value}");

        // Assert
        Assert.Empty(bad.Concat(accountArns));
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void State_Names_Are_Plain_English(string definition)
    {
        // Arrange, Act
        var bad = States(definition)
            .Select(s => s.Name)
            .Where(name => name.Contains(' ', StringComparison.Ordinal)
                ? name.Contains('_', StringComparison.Ordinal) || name.Split(' ').Any(CamelCaseWord().IsMatch)
                : !SingleWord().IsMatch(name));

        // Assert
        Assert.Empty(bad);
    }

    [Fact]
    public void Substitutions_Name_Existing_Resources_Of_The_Right_Kind()
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var machine in Template.ResourcesOfType("AWS::Serverless::StateMachine"))
        {
            var substitutions = Map(Template.PropertiesWithGlobals(machine).GetValueOrDefault("DefinitionSubstitutions")) ?? [];
            foreach (var (key, value) in substitutions)
            {
                foreach (var reference in References(value).Where(r => !Template.Parameters.ContainsKey(r.Target)))
                {
                    var type = Template.TypeOf(reference.Target);
                    if (type == "")
                    {
                        problems.Add($"{machine}.{key}: {reference.Target} is not a resource of the template");
                    }
                    else if (key.Contains("Function", StringComparison.Ordinal) && type is not ("AWS::Serverless::Function" or "AWS::Lambda::Function"))
                    {
                        problems.Add($"{machine}.{key}: {reference.Target} is a {type}, not a function");
                    }
                }
            }
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void State_Machine_May_Invoke_Every_Function_It_Uses()
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var machine in Template.ResourcesOfType("AWS::Serverless::StateMachine"))
        {
            var properties = Template.PropertiesWithGlobals(machine);
            var used = References(properties.GetValueOrDefault("DefinitionSubstitutions"))
                .Select(r => r.Target)
                .Where(t => Template.TypeOf(t) == "AWS::Serverless::Function");
            var invocable = List(properties.GetValueOrDefault("Policies"))
                .Select(p => Map(p)?.GetValueOrDefault("LambdaInvokePolicy"))
                .SelectMany(p => References(Map(p)?.GetValueOrDefault("FunctionName")))
                .Select(r => r.Target)
                .ToHashSet(StringComparer.Ordinal);
            problems.AddRange(used.Except(invocable).Select(f => $"{machine}: no LambdaInvokePolicy for {f}"));
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static Dictionary<string, object?> Substitutions(string definition) =>
        Template.ResourcesOfType("AWS::Serverless::StateMachine")
            .Select(Template.PropertiesWithGlobals)
            .Where(p => p.GetValueOrDefault("DefinitionUri") as string == definition)
            .Select(p => Map(p.GetValueOrDefault("DefinitionSubstitutions")))
            .FirstOrDefault() ?? [];

    /// <summary>Every state, including those inside Parallel branches and Map iterators.</summary>
    private static IEnumerable<(string Name, JsonObject State)> States(string definition)
    {
        static IEnumerable<(string, JsonObject)> In(JsonNode? machine)
        {
            foreach (var (name, node) in machine?["States"] as JsonObject ?? [])
            {
                if (node is not JsonObject state)
                {
                    continue;
                }
                yield return (name, state);
                var nested = (state["Branches"] as JsonArray ?? []).Append(state["Iterator"]).Append(state["ItemProcessor"]);
                foreach (var inner in nested.SelectMany(In))
                {
                    yield return inner;
                }
            }
        }
        return In(JsonNode.Parse(File.ReadAllText(Repo.Path(definition))));
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex Token();

    [GeneratedRegex(@"^\$\{[A-Za-z0-9]+\}$")]
    private static partial Regex WholeToken();

    [GeneratedRegex(@"arn:[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:[0-9]{12}:")]
    private static partial Regex AccountArn();

    // A lower-case start followed by an upper-case letter: choose_replica and chooseReplica, not GTID or VerifyBackup.
    [GeneratedRegex("^[a-z]+[A-Z]")]
    private static partial Regex CamelCaseWord();

    [GeneratedRegex("^[A-Z][a-z]+$")]
    private static partial Regex SingleWord();
}
