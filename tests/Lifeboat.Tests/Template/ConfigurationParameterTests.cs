using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>
/// Configuration is operator input too: every template parameter is constrained, says what it must be when refused
/// (CloudFormation shows ConstraintDescription and creates nothing), and refuses the hostile and out-of-range values in
/// Fixtures/Security/hostile-template-parameters.json.
/// </summary>
public sealed class ConfigurationParameterTests
{
    private static readonly CfnTemplate Template = Repo.Template;

    public static TheoryData<string> HostileParameters()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in Fixture())
        {
            data.Add(name);
        }
        return data;
    }

    [Fact]
    public void Every_Parameter_Is_Constrained_And_Says_What_It_Must_Be()
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var (name, node) in Template.Parameters)
        {
            var definition = Map(node)!;
            var type = definition["Type"] as string;
            var constrained = type switch
            {
                "String" => definition.ContainsKey("AllowedPattern") || definition.ContainsKey("AllowedValues"),
                "Number" => (definition.ContainsKey("MinValue") && definition.ContainsKey("MaxValue")) || definition.ContainsKey("AllowedValues"),
                // AWS-specific types (an image id from SSM) are checked by CloudFormation against the account.
                _ => true,
            };
            if (!constrained)
            {
                problems.Add($"{name} ({type}) has no AllowedPattern/AllowedValues/MinValue+MaxValue");
            }
            else if (type is "String" or "Number" && definition.GetValueOrDefault("ConstraintDescription") is not string)
            {
                problems.Add($"{name} has no ConstraintDescription: a refused value would be reported without the rule");
            }
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_Free_Text_Parameter_Has_Hostile_Fixtures()
    {
        // Arrange
        var covered = Fixture().Select(p => p.Key).ToHashSet();

        // Act
        var missing = Template.Parameters.Where(p => Map(p.Value)!["Type"] as string is "String" or "Number" && !covered.Contains(p.Key)).Select(p => p.Key);

        // Assert
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(HostileParameters))]
    public void Hostile_And_Out_Of_Range_Values_Are_Refused_And_The_Default_Is_Accepted(string name)
    {
        // Arrange
        var definition = Map(Template.Parameters[name])!;
        var values = Fixture().Single(p => p.Key == name).Value!.AsArray().Select(v => v!.GetValue<string>()).ToList();

        // Act
        var accepted = values.Where(v => Accepts(definition, v)).Select(v => $"'{v}'");

        // Assert
        Assert.Empty(accepted);
        Assert.True(Accepts(definition, definition.GetValueOrDefault("Default") as string ?? ""), $"{name}'s default is refused by its own constraint");
    }

    /// <summary>CloudFormation's checks: AllowedPattern matches the whole value (Java's matches()), numbers within MinValue..MaxValue.</summary>
    private static bool Accepts(Dictionary<string, object?> definition, string value)
    {
        if (definition.GetValueOrDefault("AllowedValues") is List<object?> allowed)
        {
            return allowed.OfType<string>().Contains(value);
        }
        if (definition.GetValueOrDefault("AllowedPattern") is string pattern)
        {
            return Regex.Match(value, pattern) is { Success: true } m && m.Index == 0 && m.Length == value.Length;
        }
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        return (definition.GetValueOrDefault("MinValue") is not string min || number >= double.Parse(min, CultureInfo.InvariantCulture))
            && (definition.GetValueOrDefault("MaxValue") is not string max || number <= double.Parse(max, CultureInfo.InvariantCulture));
    }

    private static JsonObject Fixture() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Security", "hostile-template-parameters.json")))!.AsObject();
}
