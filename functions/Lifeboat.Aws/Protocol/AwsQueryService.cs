namespace Lifeboat.Aws.Protocol;

/// <summary>What the query protocol needs to know about one AWS service.</summary>
/// <param name="ServiceId">The model's serviceId, used in error reports.</param>
/// <param name="EndpointPrefix">The host label of the regional endpoint.</param>
/// <param name="SigningName">The SigV4 service name.</param>
/// <param name="Version">The API version sent as the Version parameter.</param>
public sealed record AwsQueryService(string ServiceId, string EndpointPrefix, string SigningName, string Version)
{
    public static AwsQueryService CloudWatch { get; } = new("CloudWatch", "monitoring", "monitoring", "2010-08-01");

    public static AwsQueryService CloudFormation { get; } = new("CloudFormation", "cloudformation", "cloudformation", "2010-05-15");
}
