using System.Xml.Linq;

namespace Lifeboat.Aws.Protocol;

/// <summary>The CloudFormation operations Lifeboat uses (query protocol, API version 2010-05-15).</summary>
public sealed class CloudFormationClient : IDisposable
{
    private readonly AwsQueryClient _client;

    /// <param name="handler">Transport override for tests; not disposed by this client.</param>
    public CloudFormationClient(AwsClientOptions? options = null, HttpMessageHandler? handler = null)
    {
        _client = new AwsQueryClient(AwsQueryService.CloudFormation, options, handler);
    }

    public Uri Endpoint => _client.Endpoint;

    public string Region => _client.Region;

    /// <summary>
    /// The stack named <paramref name="stackName"/> (a name or stack id). A stack that does not exist is an
    /// <see cref="AwsServiceException"/> with ErrorCode ValidationError, as CloudFormation answers it.
    /// </summary>
    public async Task<IReadOnlyList<CloudFormationStack>> DescribeStacksAsync(string stackName, CancellationToken cancellationToken)
    {
        var result = await _client.InvokeAsync("DescribeStacks", [KeyValuePair.Create("StackName", stackName)], cancellationToken).ConfigureAwait(false);
        return AwsQueryClient.ChildMembers(result, "Stacks").Select(Stack).ToList();
    }

    public void Dispose() => _client.Dispose();

    private static CloudFormationStack Stack(XElement member) => new(
        AwsQueryClient.Child(member, "StackName") ?? "",
        AwsQueryClient.Child(member, "StackId") ?? "",
        AwsQueryClient.Child(member, "StackStatus") ?? "",
        AwsQueryClient.Child(member, "StackStatusReason"),
        Pairs(member, "Outputs", "OutputKey", "OutputValue"),
        Pairs(member, "Parameters", "ParameterKey", "ParameterValue"));

    private static Dictionary<string, string> Pairs(XElement member, string list, string key, string value) =>
        AwsQueryClient.ChildMembers(member, list)
            .Where(m => AwsQueryClient.Child(m, key) is not null)
            .ToDictionary(m => AwsQueryClient.Child(m, key)!, m => AwsQueryClient.Child(m, value) ?? "", StringComparer.Ordinal);
}

/// <summary>The part of CloudFormation's Stack that locates a deployment's resources.</summary>
public sealed record CloudFormationStack(
    string StackName,
    string StackId,
    string StackStatus,
    string? StackStatusReason,
    IReadOnlyDictionary<string, string> Outputs,
    IReadOnlyDictionary<string, string> Parameters);
