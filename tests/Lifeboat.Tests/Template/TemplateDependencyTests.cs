using Xunit;

namespace Lifeboat.Tests.Template;

/// <summary>DESIGN.md §8: a circular dependency is only found by CloudFormation, at deploy time, unless found here.</summary>
public sealed class TemplateDependencyTests
{
    [Fact]
    public void Template_Has_No_Dependency_Cycle()
    {
        // Arrange
        var graph = CfnDependencyGraph.Build(Repo.Template);

        // Act
        var cycles = graph.FindCycles();

        // Assert
        Assert.True(cycles.Count == 0, "circular dependencies after the SAM transform:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void Bucket_Notifying_A_Function_Whose_Policy_Refs_The_Bucket_Is_A_Cycle()
    {
        // Arrange
        var graph = CfnDependencyGraph.Build(CfnTemplate.Load(Repo.Fixture("cycle.yaml")));

        // Act
        var cycles = graph.FindCycles();

        // Assert
        var cycle = Assert.Single(cycles);
        Assert.Equal("BackupBucket -> VerifyBackupFunction -> VerifyBackupFunctionRole -> BackupBucket", cycle);
    }

    [Fact]
    public void Graph_Models_Sam_Implicit_Resources_Of_The_Template()
    {
        // Arrange
        var template = Repo.Template;

        // Act
        var graph = CfnDependencyGraph.Build(template);

        // Assert: every S3 event makes its bucket wait for the function and its permission.
        foreach (var function in template.ResourcesOfType("AWS::Serverless::Function"))
        {
            // SAM makes a role only when the function names none; an explicit Role is a reference like any other.
            var explicitRole = template.PropertiesWithGlobals(function).GetValueOrDefault("Role");
            var role = explicitRole is null ? $"{function}Role" : CfnTemplate.References(explicitRole).First().Target;
            Assert.Contains(role, graph.DependenciesOf(function));
            var events = CfnTemplate.Map(template.PropertiesWithGlobals(function).GetValueOrDefault("Events")) ?? [];
            foreach (var (eventId, definition) in events.Where(e => CfnTemplate.Map(e.Value)?["Type"] as string == "S3"))
            {
                var bucket = CfnTemplate.References(CfnTemplate.Map(CfnTemplate.Map(definition)!["Properties"])!["Bucket"]).First().Target;
                Assert.Contains(function, graph.DependenciesOf(bucket));
                Assert.Contains($"{function}{eventId}Permission", graph.DependenciesOf(bucket));
                Assert.Contains(function, graph.DependenciesOf($"{function}{eventId}Permission"));
            }
        }
    }
}
