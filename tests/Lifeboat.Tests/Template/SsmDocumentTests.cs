using System.Text.RegularExpressions;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>The ssm/*.yaml Run Command documents and their AWS::SSM::Document resources (DESIGN.md §2, §8).</summary>
public sealed partial class SsmDocumentTests
{
    private static readonly CfnTemplate Template = Repo.Template;

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repo.Path("ssm"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Repo.Relative(file));
        }
        return data;
    }

    [Fact]
    public void Every_Document_Resource_Includes_An_Existing_File_Under_Ssm()
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var id in Template.ResourcesOfType("AWS::SSM::Document"))
        {
            var location = IncludedLocation(id);
            if (location is null)
            {
                problems.Add($"{id}: Content is not Fn::Transform AWS::Include with Parameters.Location");
            }
            else if (!location.StartsWith("ssm/", StringComparison.Ordinal) || !File.Exists(Repo.Path(location)))
            {
                problems.Add($"{id}: Location {location} is not a file under ssm/");
            }
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_File_Is_Included_By_Exactly_One_Resource(string document)
    {
        // Arrange, Act
        var users = Template.ResourcesOfType("AWS::SSM::Document").Where(id => IncludedLocation(id) == document).ToList();

        // Assert
        Assert.True(users.Count == 1, $"{document} is included by [{string.Join(", ", users)}]");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_Is_Schema_2_2_Running_Shell_Scripts(string document)
    {
        // Arrange
        var content = Content(document);

        // Act
        var steps = List(content.GetValueOrDefault("mainSteps")).Select(Map).ToList();

        // Assert
        Assert.Equal("2.2", content.GetValueOrDefault("schemaVersion"));
        Assert.NotEmpty(steps);
        Assert.All(steps, step => Assert.Equal("aws:runShellScript", step?.GetValueOrDefault("action")));
        Assert.All(steps, step => Assert.NotEmpty(RunCommand(step)));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_Parameter_Has_An_Anchored_Allowed_Pattern_That_Accepts_Its_Default(string document)
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var (name, definition) in Parameters(document))
        {
            if (definition?.GetValueOrDefault("allowedPattern") is not string pattern)
            {
                problems.Add($"{name}: no allowedPattern");
                continue;
            }
            Regex regex;
            try
            {
                regex = new Regex(pattern);
            }
            catch (ArgumentException e)
            {
                problems.Add($"{name}: allowedPattern {pattern} does not compile: {e.Message}");
                continue;
            }
            if (!IsAnchored(pattern))
            {
                problems.Add($"{name}: allowedPattern {pattern} is not anchored ^…$ in every alternative");
            }
            if (definition.GetValueOrDefault("default") is string fallback && !regex.IsMatch(fallback))
            {
                problems.Add($"{name}: default \"{fallback}\" does not match its own allowedPattern {pattern}");
            }
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Declared_And_Used_Parameters_Are_The_Same(string document)
    {
        // Arrange
        var declared = Parameters(document).Keys.ToHashSet(StringComparer.Ordinal);

        // Act
        var used = Steps(document).SelectMany(RunCommand)
            .SelectMany(line => Placeholder().Matches(line))
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.Empty(used.Except(declared).Select(p => $"{{{{ {p} }}}} is not a declared parameter"));
        Assert.Empty(declared.Except(used).Select(p => $"parameter {p} is never used"));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Parameters_Are_Only_Assigned_Inside_Single_Quotes(string document)
    {
        // Arrange, Act
        var bare = Steps(document).SelectMany(RunCommand)
            .SelectMany(command => command.Split('\n'))
            .Where(line => line.Contains("{{", StringComparison.Ordinal) && !QuotedAssignment().IsMatch(line))
            .Select(line => line.Trim());

        // Assert
        Assert.Empty(bare);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Script_Sets_Strict_Mode_Before_Anything_Else(string document)
    {
        // Arrange
        var script = Script(document);

        // Act: the wrapper's self-removal of the temporary script file may come first; nothing else may.
        var first = script.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && line != "rm -f -- \"$0\"")
            .FirstOrDefault();

        // Assert
        Assert.Equal("set -euo pipefail", first);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Script_Passes_Bash_Syntax_Check(string document)
    {
        // Arrange
        var wrapper = Path.GetTempFileName();
        var script = Path.GetTempFileName();
        File.WriteAllText(wrapper, string.Join('\n', Steps(document).SelectMany(RunCommand)));
        File.WriteAllText(script, Script(document));

        try
        {
            // Act: the agent runs the wrapper with sh; the heredoc it writes out runs with bash.
            var wrapperCheck = Repo.Run("sh", ["-n", wrapper]);
            var scriptCheck = Repo.Run("bash", ["-n", script]);

            // Assert
            Assert.True(wrapperCheck.ExitCode == 0, $"sh -n on {document}'s runCommand:\n{wrapperCheck.Output}");
            Assert.True(scriptCheck.ExitCode == 0, $"bash -n on {document}'s script:\n{scriptCheck.Output}");
        }
        finally
        {
            File.Delete(wrapper);
            File.Delete(script);
        }
    }

    [Theory]
    [InlineData("^[a-z]+$", true)]
    [InlineData("^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$", true)]
    [InlineData("^$|^[a-z]+$", true)]
    [InlineData("^[a-z]+", false)]
    [InlineData("[a-z]+$", false)]
    [InlineData("^a$|b", false)]
    [InlineData(@"^a\$", false)]
    [InlineData("^[|]$", true)]
    public void Anchoring_Check_Looks_At_Every_Top_Level_Alternative(string pattern, bool anchored)
    {
        // Arrange, Act, Assert
        Assert.Equal(anchored, IsAnchored(pattern));
    }

    /// <summary>Whether each top-level alternative starts with ^ and ends with an unescaped $.</summary>
    private static bool IsAnchored(string pattern)
    {
        var alternatives = new List<string>();
        var (depth, inClass, start) = (0, false, 0);
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[' when !inClass:
                    inClass = true;
                    break;
                case ']' when inClass:
                    inClass = false;
                    break;
                case '(' when !inClass:
                    depth++;
                    break;
                case ')' when !inClass:
                    depth--;
                    break;
                case '|' when !inClass && depth == 0:
                    alternatives.Add(pattern[start..i]);
                    start = i + 1;
                    break;
            }
        }
        alternatives.Add(pattern[start..]);
        return alternatives.All(a => a.StartsWith('^') && a.EndsWith('$') && !a.EndsWith(@"\$", StringComparison.Ordinal));
    }

    private static string? IncludedLocation(string documentId)
    {
        var transform = Map(Map(Template.PropertiesWithGlobals(documentId).GetValueOrDefault("Content"))?.GetValueOrDefault("Fn::Transform"));
        return transform?.GetValueOrDefault("Name") as string == "AWS::Include"
            ? Map(transform.GetValueOrDefault("Parameters"))?.GetValueOrDefault("Location") as string
            : null;
    }

    private static Dictionary<string, object?> Content(string document) =>
        Map(ParseYaml(File.ReadAllText(Repo.Path(document)))) ?? throw new FormatException($"{document} is not a YAML mapping");

    private static Dictionary<string, Dictionary<string, object?>?> Parameters(string document) =>
        (Map(Content(document).GetValueOrDefault("parameters")) ?? []).ToDictionary(p => p.Key, p => Map(p.Value));

    private static IEnumerable<Dictionary<string, object?>?> Steps(string document) =>
        List(Content(document).GetValueOrDefault("mainSteps")).Select(Map);

    private static IEnumerable<string> RunCommand(Dictionary<string, object?>? step) =>
        List(Map(step?.GetValueOrDefault("inputs"))?.GetValueOrDefault("runCommand")).OfType<string>();

    /// <summary>The bash script: the body of the quoted heredoc the wrapper writes out, or the whole command without one.</summary>
    internal static string Script(string document)
    {
        var command = string.Join('\n', Steps(document).SelectMany(RunCommand));
        var heredoc = Heredoc().Match(command);
        return heredoc.Success ? heredoc.Groups["body"].Value : command;
    }

    [GeneratedRegex(@"\{\{\s*(\w+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^\s*[a-z_][a-z0-9_]*='\{\{\s*\w+\s*\}\}'\s*$")]
    private static partial Regex QuotedAssignment();

    [GeneratedRegex(@"<<-?'(?<end>\w+)'[^\n]*\n(?<body>.*?)^\s*\k<end>\s*$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Heredoc();
}
