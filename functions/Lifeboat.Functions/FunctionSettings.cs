using System.Collections;
using System.Globalization;

namespace Lifeboat.Functions;

/// <summary>
/// A function's configuration: its environment variables as the template sets them. The sandbox passes the same
/// variables, read from template.yaml, so a name that differs between the two fails locally first.
/// </summary>
public sealed class FunctionSettings(IReadOnlyDictionary<string, string> variables)
{
    public static FunctionSettings FromProcess() => new(
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? ""));

    public string Required(string name) =>
        variables.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new InvalidOperationException($"environment variable {name} is not set: the function's template entry must define it");

    public string? Optional(string name) => variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public long Long(string name, long fallback) =>
        Optional(name) is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string? Region => Optional("AWS_REGION") ?? Optional("AWS_DEFAULT_REGION");

    public string Bucket => Required("BUCKET_NAME");

    /// <summary>The stack's name: the Deployment dimension of the metrics the alarms watch across clusters.</summary>
    public string? Deployment => Optional("STACK_NAME");

    /// <summary>Set only in the sandbox: where its S3, SSM and Step Functions stand-ins listen.</summary>
    public string? S3Endpoint => Optional("LIFEBOAT_S3_ENDPOINT");

    public string? SsmEndpoint => Optional("LIFEBOAT_SSM_ENDPOINT");

    public string? StepFunctionsEndpoint => Optional("LIFEBOAT_SFN_ENDPOINT");
}
