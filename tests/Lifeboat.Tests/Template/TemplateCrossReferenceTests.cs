using System.Text.RegularExpressions;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>Names that must agree across the template and the code: environment variables, logical ids, conditions.</summary>
public sealed partial class TemplateCrossReferenceTests
{
    private static readonly CfnTemplate Template = Repo.Template;
    private static readonly FunctionSourceScanner Sources = new(Repo.Path("functions/Lifeboat.Functions"));

    [Fact]
    public void Every_Variable_A_Handler_Reads_Is_Set_For_Its_Function()
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var function in Template.ResourcesOfType("AWS::Serverless::Function"))
        {
            var typeName = HandlerType(function);
            var read = Sources.VariablesReadBy(typeName);
            if (read is null)
            {
                problems.Add($"{function}: no source under functions/Lifeboat.Functions declares class {typeName}");
                continue;
            }
            var set = Template.EnvironmentOf(function).Keys.ToHashSet(StringComparer.Ordinal);
            problems.AddRange(read.Where(v => !set.Contains(v) && !SetOutsideTheTemplate(v)).Order(StringComparer.Ordinal)
                .Select(v => $"{function} ({typeName}) reads {v}, which the template does not set"));
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_Variable_A_Function_Sets_Is_Read_By_Its_Handler()
    {
        // Arrange
        var problems = new List<string>();

        // Act: Globals are shared by design, so only each function's own variables are held to this.
        foreach (var function in Template.ResourcesOfType("AWS::Serverless::Function"))
        {
            var own = Map(Map(Map(Map(Template.Resources[function])?.GetValueOrDefault("Properties"))?.GetValueOrDefault("Environment"))
                ?.GetValueOrDefault("Variables")) ?? [];
            var read = Sources.VariablesReadBy(HandlerType(function)) ?? new HashSet<string>();
            problems.AddRange(own.Keys.Where(v => !read.Contains(v)).Select(v => $"{function} sets {v}, which its handler never reads"));
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Scanner_Follows_Settings_Members_And_Adapters()
    {
        // Arrange, Act
        var verifyBackup = Sources.VariablesReadBy("VerifyBackupFunction");
        var chooseReplica = Sources.VariablesReadBy("ChooseReplicaFunction");

        // Assert: BUCKET_NAME arrives through Adapters.Bucket → settings.Bucket; the region through settings.Region.
        Assert.NotNull(verifyBackup);
        Assert.Contains("BUCKET_NAME", verifyBackup);
        Assert.Contains("AWS_REGION", verifyBackup);
        Assert.NotNull(chooseReplica);
        Assert.Contains("REPLICA_STATUS_DOCUMENT", chooseReplica);
        Assert.Contains("LIFEBOAT_SSM_ENDPOINT", chooseReplica);
    }

    [Fact]
    public void Every_Ref_GetAtt_Sub_And_DependsOn_Target_Exists()
    {
        // Arrange
        var generated = CfnDependencyGraph.Build(Template).Nodes.ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();

        // Act
        foreach (var (section, node) in Template.Root.Where(s => s.Key is "Resources" or "Outputs" or "Globals" or "Conditions"))
        {
            foreach (var reference in References(node))
            {
                var isResource = Template.Resources.ContainsKey(reference.Target) || generated.Contains(reference.Target);
                var isValue = Template.Parameters.ContainsKey(reference.Target) || PseudoParameters.Contains(reference.Target);
                if (reference.Via == "Fn::GetAtt" ? !isResource : !(isResource || isValue))
                {
                    problems.Add($"{section}: {reference.Via} {reference.Target} names no {(reference.Via == "Fn::GetAtt" ? "resource" : "resource or parameter")}");
                }
            }
        }

        foreach (var (id, resource) in Template.Resources)
        {
            problems.AddRange(List(Map(resource)?.GetValueOrDefault("DependsOn")).OfType<string>()
                .Where(d => !Template.Resources.ContainsKey(d))
                .Select(d => $"Resources: {id} DependsOn {d}, which is not a resource"));
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_Condition_Used_Is_Defined()
    {
        // Arrange
        var used = new List<(string Where, string Name)>();
        foreach (var (id, resource) in Template.Resources.Concat(Template.Outputs))
        {
            if (Map(resource)?.GetValueOrDefault("Condition") is string name)
            {
                used.Add((id, name));
            }
        }

        // Act: Fn::If's first argument, and { Condition: X } inside the Conditions section.
        foreach (var node in Walk(Template.Root).Select(Map).OfType<Dictionary<string, object?>>())
        {
            if (node.Count == 1 && node.GetValueOrDefault("Fn::If") is List<object?> { Count: 3 } args && args[0] is string name)
            {
                used.Add(("Fn::If", name));
            }
        }
        used.AddRange(Walk(Template.Conditions.Values.ToList()).Select(Map)
            .Where(n => n is { Count: 1 } && n.GetValueOrDefault("Condition") is string)
            .Select(n => ("Conditions", (string)n!["Condition"]!)));

        // Assert
        Assert.Empty(used.Where(u => !Template.Conditions.ContainsKey(u.Name)).Select(u => $"{u.Where}: condition {u.Name} is not defined"));
    }

    // Lambda sets the region itself; the endpoints exist only in the sandbox.
    private static bool SetOutsideTheTemplate(string variable) =>
        variable is "AWS_REGION" or "AWS_DEFAULT_REGION" || SandboxEndpoint().IsMatch(variable);

    /// <summary>The simple type name of a function's handler (Assembly::Namespace.Type::Method).</summary>
    private static string HandlerType(string function)
    {
        var handler = Template.PropertiesWithGlobals(function).GetValueOrDefault("Handler") as string ?? "";
        var parts = handler.Split("::");
        return parts.Length == 3 ? parts[1][(parts[1].LastIndexOf('.') + 1)..] : handler;
    }

    [GeneratedRegex("^LIFEBOAT_[A-Z0-9_]+_ENDPOINT$")]
    private static partial Regex SandboxEndpoint();
}
