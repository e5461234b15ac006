using Xunit;

namespace Lifeboat.Tests.Template;

public sealed class CfnTemplateTests
{
    private static readonly CfnTemplate Fixture = CfnTemplate.Load(Repo.Fixture("short-forms.yaml"));

    private static object? Value(string name) => CfnTemplate.Map(Fixture.Root["Values"])![name];

    private static Dictionary<string, object?> Call(string function, object? argument) => new() { [function] = argument };

    [Theory]
    [InlineData("Ref", "Ref")]
    [InlineData("SubString", "Fn::Sub")]
    [InlineData("SubList", "Fn::Sub")]
    [InlineData("GetAttString", "Fn::GetAtt")]
    [InlineData("If", "Fn::If")]
    [InlineData("Join", "Fn::Join")]
    [InlineData("Select", "Fn::Select")]
    [InlineData("FindInMap", "Fn::FindInMap")]
    [InlineData("Base64", "Fn::Base64")]
    [InlineData("ImportValue", "Fn::ImportValue")]
    [InlineData("GetAZs", "Fn::GetAZs")]
    public void Short_Form_Tag_Becomes_Long_Form(string name, string function)
    {
        // Arrange, Act
        var value = CfnTemplate.Map(Value(name));

        // Assert
        Assert.NotNull(value);
        Assert.Equal([function], value.Keys);
    }

    [Fact]
    public void GetAtt_String_And_List_Forms_Load_Alike()
    {
        // Arrange
        var expected = Call("Fn::GetAtt", new List<object?> { "Role", "Arn" });

        // Act, Assert
        Assert.True(CfnTemplate.TreeEquals(expected, Value("GetAttString")));
        Assert.True(CfnTemplate.TreeEquals(expected, Value("GetAttList")));
    }

    [Fact]
    public void Nested_Short_Forms_Convert_Inside_Sequences()
    {
        // Arrange
        var expected = Call("Fn::Not", new List<object?> { Call("Condition", "IsProd") });

        // Act
        var notProd = Fixture.Conditions["NotProd"];

        // Assert
        Assert.True(CfnTemplate.TreeEquals(expected, notProd));
    }

    [Fact]
    public void Sub_References_Skip_Pseudo_Parameters_Literals_And_Own_Variables()
    {
        // Arrange, Act
        var fromString = CfnTemplate.References(Value("SubString")).ToList();
        var fromList = CfnTemplate.References(Value("SubList")).ToList();

        // Assert
        Assert.Equal([new("Bucket", null, "Fn::Sub"), new("Role", "Arn", "Fn::Sub")], fromString);
        Assert.Equal([new("Bucket", null, "Fn::Sub"), new("Stage", null, "Ref")], fromList);
    }

    [Fact]
    public void Plain_Scalars_Stay_Strings_And_Empty_Is_Null()
    {
        // Arrange, Act, Assert
        Assert.Equal("true", Value("Plain"));
        Assert.Null(Value("Empty"));
    }

    [Fact]
    public void Function_Properties_Merge_Globals_As_Sam_Does()
    {
        // Arrange
        var template = CfnTemplate.Load(Repo.Fixture("globals.yaml"));

        // Act
        var plain = template.PropertiesWithGlobals("Plain");
        var tuned = template.PropertiesWithGlobals("Tuned");

        // Assert
        Assert.Equal("300", plain["Timeout"]);
        Assert.Equal("900", tuned["Timeout"]);
        Assert.Equal("dotnet10", tuned["Runtime"]);
        Assert.Equal(["SharedLayer", "OwnLayer"], CfnTemplate.References(tuned["Layers"]).Select(r => r.Target));
        Assert.Equal(["BUCKET_NAME", "LOG_LEVEL"], template.EnvironmentOf("Plain").Keys);
        Assert.Equal("debug", template.EnvironmentOf("Tuned")["LOG_LEVEL"]);
        Assert.Equal(["BUCKET_NAME", "LOG_LEVEL", "EXTRA"], template.EnvironmentOf("Tuned").Keys);
        Assert.False(template.PropertiesWithGlobals("Bucket").ContainsKey("Runtime"));
    }
}
