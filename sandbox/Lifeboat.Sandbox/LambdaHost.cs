using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Lifeboat.Functions;

namespace Lifeboat.Sandbox;

/// <summary>
/// The Lambda stand-in: each function of template.yaml, built from its Handler string by reflection (as the
/// managed runtime does) with the environment the template gives it, invoked with the same JSON AWS would send.
/// </summary>
public sealed class LambdaHost(SandboxLayout layout, SamTemplate template, Action<string> log)
{
    private readonly ConcurrentDictionary<string, (object Instance, MethodInfo Method)> _warm = new();

    public sealed record Invocation(bool Failed, string Body, string? ErrorType);

    public IReadOnlyList<SamTemplate.FunctionSpec> Functions => template.Functions;

    public async Task<Invocation> InvokeAsync(string functionName, string payload)
    {
        var spec = template.Functions.FirstOrDefault(f => f.LogicalId == functionName)
            ?? throw new ArgumentException($"template.yaml has no function {functionName}");
        try
        {
            var (instance, method) = _warm.GetOrAdd(functionName, _ => Create(spec));
            await using var input = new MemoryStream(Encoding.UTF8.GetBytes(payload));
            var result = method.Invoke(instance, [input]);
            var output = result is Task<Stream> task ? await task : (Stream)result!;
            using var reader = new StreamReader(output);
            return new Invocation(false, await reader.ReadToEndAsync(), null);
        }
        catch (Exception e)
        {
            var error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            log($"lambda {functionName}: {error.GetType().Name}: {error.Message}");
            var body = new JsonObject
            {
                ["errorType"] = error.GetType().Name,
                ["errorMessage"] = error.Message,
                ["stackTrace"] = new JsonArray((error.StackTrace ?? "").Split('\n').Select(l => (JsonNode?)l.Trim()).ToArray()),
            };
            return new Invocation(true, body.ToJsonString(), error.GetType().Name);
        }
    }

    private (object, MethodInfo) Create(SamTemplate.FunctionSpec spec)
    {
        var parts = spec.Handler.Split("::");
        if (parts.Length != 3)
        {
            throw new InvalidDataException($"{spec.LogicalId}: handler '{spec.Handler}' is not Assembly::Type::Method");
        }
        var type = Assembly.Load(parts[0]).GetType(parts[1], throwOnError: true)!;
        var method = type.GetMethod(parts[2], [typeof(Stream)])
            ?? throw new MissingMethodException($"{parts[1]} has no method {parts[2]}(Stream)");
        var environment = new Dictionary<string, string>(spec.Environment)
        {
            ["AWS_REGION"] = SandboxLayout.Region,
            ["AWS_LAMBDA_FUNCTION_NAME"] = spec.LogicalId,
            ["LIFEBOAT_S3_ENDPOINT"] = layout.S3Url,
            ["LIFEBOAT_SSM_ENDPOINT"] = layout.HostUrl,
            ["LIFEBOAT_SFN_ENDPOINT"] = layout.StepFunctionsUrl,
        };
        var instance = Activator.CreateInstance(type, new FunctionSettings(environment))!;
        return (instance, method);
    }
}
