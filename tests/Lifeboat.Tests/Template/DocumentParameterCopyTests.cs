using Lifeboat.Core.Commands;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>The Lambdas' copy of the documents' parameters (LifeboatDocuments) is the documents' own, name for name and pattern for pattern.</summary>
public sealed class DocumentParameterCopyTests
{
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repo.Path("ssm"), "*.yaml").Order())
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Lambdas_Check_Each_Parameter_With_The_Documents_Own_Pattern_And_Default(string document)
    {
        // Arrange
        var declared = Map(Map(ParseYaml(File.ReadAllText(Repo.Path($"ssm/{document}.yaml"))))?.GetValueOrDefault("parameters")) ?? [];

        // Act
        var inDocument = declared.Select(p => $"{p.Key} {Map(p.Value)?["allowedPattern"]} default={Map(p.Value)?.GetValueOrDefault("default") ?? "(none)"}").Order();
        var inLambdas = Assert.Contains(document, LifeboatDocuments.Parameters).Select(p => $"{p.Name} {p.Pattern} default={p.Default ?? "(none)"}").Order();

        // Assert
        Assert.Equal(inDocument, inLambdas);
    }

    [Fact]
    public void Every_Document_The_Lambdas_Know_Has_A_File()
    {
        // Arrange
        var files = Directory.GetFiles(Repo.Path("ssm"), "*.yaml").Select(Path.GetFileNameWithoutExtension).ToHashSet();

        // Act
        var unknown = LifeboatDocuments.Parameters.Keys.Where(k => !files.Contains(k));

        // Assert
        Assert.Empty(unknown);
    }
}
