using System.Text.RegularExpressions;
using Xunit;

namespace Lifeboat.Tests.Template;

/// <summary>docs/RELIABILITY.md is what a user reads before trusting Lifeboat: every test it names must exist.</summary>
public sealed partial class ReliabilityDocTests
{
    [Fact]
    public void Every_Test_Named_In_The_Reliability_Table_Exists()
    {
        // Arrange: every test method in both test projects, as Class.Method.
        var methods = new HashSet<string>(StringComparer.Ordinal);
        var classes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Repo.Path("tests"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            string? current = null;
            foreach (var line in File.ReadLines(file))
            {
                if (ClassDeclaration().Match(line) is { Success: true } c)
                {
                    current = c.Groups[1].Value;
                    classes.Add(current);
                }
                else if (current is not null && MethodDeclaration().Match(line) is { Success: true } m)
                {
                    methods.Add($"{current}.{m.Groups[1].Value}");
                }
            }
        }
        var doc = File.ReadAllText(Repo.Path("docs/RELIABILITY.md"));

        // Act
        var named = TestReference().Matches(doc).Select(m => m.Groups[1].Value).Distinct().ToList();
        var missing = named.Where(n => n.EndsWith(".*", StringComparison.Ordinal)
                ? !classes.Contains(n[..^2])
                : !methods.Contains(n))
            .ToList();

        // Assert
        Assert.True(named.Count > 40, $"only {named.Count} test names found in docs/RELIABILITY.md");
        Assert.True(missing.Count == 0, "docs/RELIABILITY.md names tests that do not exist:\n" + string.Join("\n", missing));
    }

    [GeneratedRegex(@"\bclass\s+([A-Z][A-Za-z0-9]*)")]
    private static partial Regex ClassDeclaration();

    [GeneratedRegex(@"public\s+(?:async\s+Task|void)\s+([A-Z][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex MethodDeclaration();

    // `Class.Method` or `Faults.Class.Method` or `Class.*` in backticks, where Method has an underscore (test names do).
    [GeneratedRegex(@"`(?:Faults\.)?([A-Z][A-Za-z0-9]*\.(?:[A-Z][A-Za-z0-9]*_[A-Za-z0-9_]+|\*))`")]
    private static partial Regex TestReference();
}
