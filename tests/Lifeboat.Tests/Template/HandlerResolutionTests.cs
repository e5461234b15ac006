using System.Reflection;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>DESIGN.md §5, §8: handler strings resolve the way the managed dotnet10 runtime resolves them.</summary>
public sealed class HandlerResolutionTests
{
    private static readonly CfnTemplate Template = Repo.Template;

    [Fact]
    public void Every_Handler_Resolves_To_A_Stream_Method()
    {
        // Arrange
        var problems = new List<string>();
        var functions = Template.ResourcesOfType("AWS::Serverless::Function").ToList();

        // Act
        foreach (var function in functions)
        {
            var handler = Template.PropertiesWithGlobals(function).GetValueOrDefault("Handler") as string ?? "";
            if (Resolve(handler) is { } problem)
            {
                problems.Add($"{function}: Handler \"{handler}\": {problem}");
            }
        }

        // Assert
        Assert.NotEmpty(functions);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_Function_Runs_On_Dotnet10_Arm64()
    {
        // Arrange, Act
        var problems = Template.ResourcesOfType("AWS::Serverless::Function")
            .Select(id => (Id: id, Properties: Template.PropertiesWithGlobals(id)))
            .SelectMany(f => new[]
            {
                f.Properties.GetValueOrDefault("Runtime") as string == "dotnet10" ? null : $"{f.Id}: Runtime is not dotnet10",
                List(f.Properties.GetValueOrDefault("Architectures")) is [string only] && only == "arm64" ? null : $"{f.Id}: Architectures is not [arm64]",
            })
            .OfType<string>();

        // Assert
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("Lifeboat.Functions::Lifeboat.Functions.VerifyBackupFunction::Handle", null)]
    [InlineData("Lifeboat.Functions::Lifeboat.Functions.NoSuchFunction::Handle", "type Lifeboat.Functions.NoSuchFunction not found")]
    [InlineData("Lifeboat.Functions::Lifeboat.Functions.VerifyBackupFunction::Run", "no public method Run(Stream) returning Task<Stream> or Stream")]
    [InlineData("Lifeboat.Functions::Lifeboat.Functions.LambdaIO::ReadAsync", "type Lifeboat.Functions.LambdaIO is not public")]
    [InlineData("Lifeboat.Functions.VerifyBackupFunction::Handle", "not Assembly::Namespace.Type::Method")]
    public void Resolver_Reports_What_Is_Wrong(string handler, string? expected)
    {
        // Arrange, Act
        var problem = Resolve(handler);

        // Assert
        Assert.Equal(expected, problem);
    }

    /// <summary>Null when the handler resolves; otherwise what the runtime would fail on.</summary>
    private static string? Resolve(string handler)
    {
        var parts = handler.Split("::");
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return "not Assembly::Namespace.Type::Method";
        }
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(parts[0]);
        }
        catch (FileNotFoundException)
        {
            return $"assembly {parts[0]} cannot be loaded";
        }
        var type = assembly.GetType(parts[1]);
        if (type is null)
        {
            return $"type {parts[1]} not found";
        }
        if (!type.IsPublic || type.IsAbstract)
        {
            return $"type {parts[1]} is not public";
        }
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            return $"type {parts[1]} has no public parameterless constructor";
        }
        var method = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == parts[2]
                && m.GetParameters() is [{ ParameterType: var input }] && input == typeof(Stream)
                && (m.ReturnType == typeof(Task<Stream>) || m.ReturnType == typeof(Stream)));
        return method is null ? $"no public method {parts[2]}(Stream) returning Task<Stream> or Stream" : null;
    }
}
