using System.Text.Json;

namespace Lifeboat.Tests.Aws;

/// <summary>A botocore service-2.json model from shared/aws-models, the reference for the client's wire format.</summary>
internal sealed class AwsServiceModel
{
    private static readonly Lazy<AwsServiceModel> SsmModel = new(() => Load("ssm-2014-11-06.service-2.json"));
    private static readonly Lazy<AwsServiceModel> StepFunctionsModel = new(() => Load("stepfunctions-2016-11-23.service-2.json"));

    private readonly JsonElement _root;

    private AwsServiceModel(JsonElement root) => _root = root;

    public static AwsServiceModel Ssm => SsmModel.Value;

    public static AwsServiceModel StepFunctions => StepFunctionsModel.Value;

    public string Metadata(string name) => _root.GetProperty("metadata").GetProperty(name).GetString()!;

    /// <summary>SigV4 signs with metadata.signingName when the model has one, else with the endpoint prefix.</summary>
    public string SigningName =>
        _root.GetProperty("metadata").TryGetProperty("signingName", out var name) ? name.GetString()! : Metadata("endpointPrefix");

    public bool HasOperation(string operation) => _root.GetProperty("operations").TryGetProperty(operation, out _);

    public JsonElement Operation(string operation) => _root.GetProperty("operations").GetProperty(operation);

    public string InputShape(string operation) => Operation(operation).GetProperty("input").GetProperty("shape").GetString()!;

    public string OutputShape(string operation) => Operation(operation).GetProperty("output").GetProperty("shape").GetString()!;

    public JsonElement Shape(string name) => _root.GetProperty("shapes").GetProperty(name);

    public IReadOnlyList<string> Enum(string shape) =>
        Shape(shape).GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToList();

    private static AwsServiceModel Load(string file)
    {
        var path = Path.Combine(ModelsDirectory(), file);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return new AwsServiceModel(document.RootElement.Clone());
    }

    // The repo and shared/ are siblings (here and in CI), so look for shared/aws-models beside each ancestor.
    private static string ModelsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "aws-models");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No shared/aws-models beside any ancestor of {AppContext.BaseDirectory}.");
    }
}
