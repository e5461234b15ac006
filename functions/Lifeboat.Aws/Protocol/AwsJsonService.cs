namespace Lifeboat.Aws.Protocol;

/// <summary>What the JSON protocol needs to know about one AWS service (from its service-2.json metadata).</summary>
/// <param name="ServiceId">The model's serviceId, used in error reports.</param>
/// <param name="EndpointPrefix">The host label of the regional endpoint.</param>
/// <param name="SigningName">The SigV4 service name.</param>
/// <param name="TargetPrefix">The prefix of the X-Amz-Target header.</param>
/// <param name="JsonVersion">Selects the content type application/x-amz-json-{JsonVersion}.</param>
public sealed record AwsJsonService(
    string ServiceId,
    string EndpointPrefix,
    string SigningName,
    string TargetPrefix,
    string JsonVersion)
{
    public static AwsJsonService Ssm { get; } = new("SSM", "ssm", "ssm", "AmazonSSM", "1.1");

    public static AwsJsonService StepFunctions { get; } = new("SFN", "states", "states", "AWSStepFunctions", "1.0");

    public string ContentType => $"application/x-amz-json-{JsonVersion}";

    public string Target(string operation) => $"{TargetPrefix}.{operation}";
}
