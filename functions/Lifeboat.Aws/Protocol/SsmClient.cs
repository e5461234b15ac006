namespace Lifeboat.Aws.Protocol;

/// <summary>The SSM Run Command operations Lifeboat uses.</summary>
public sealed class SsmClient : IDisposable
{
    private readonly AwsJsonClient _client;

    /// <param name="handler">Transport override for tests; not disposed by this client.</param>
    public SsmClient(AwsClientOptions? options = null, HttpMessageHandler? handler = null)
    {
        _client = new AwsJsonClient(AwsJsonService.Ssm, options, handler);
    }

    public Uri Endpoint => _client.Endpoint;

    public Task<SendCommandResponse> SendCommandAsync(SendCommandRequest request, CancellationToken cancellationToken) =>
        _client.InvokeAsync(
            "SendCommand",
            request,
            AwsWireJsonContext.Default.SendCommandRequest,
            AwsWireJsonContext.Default.SendCommandResponse,
            cancellationToken);

    /// <summary>Right after SendCommand this can fail with InvocationDoesNotExist for a moment; callers poll.</summary>
    public Task<GetCommandInvocationResponse> GetCommandInvocationAsync(GetCommandInvocationRequest request, CancellationToken cancellationToken) =>
        _client.InvokeAsync(
            "GetCommandInvocation",
            request,
            AwsWireJsonContext.Default.GetCommandInvocationRequest,
            AwsWireJsonContext.Default.GetCommandInvocationResponse,
            cancellationToken);

    public Task<DescribeInstanceInformationResponse> DescribeInstanceInformationAsync(
        DescribeInstanceInformationRequest request,
        CancellationToken cancellationToken) =>
        _client.InvokeAsync(
            "DescribeInstanceInformation",
            request,
            AwsWireJsonContext.Default.DescribeInstanceInformationRequest,
            AwsWireJsonContext.Default.DescribeInstanceInformationResponse,
            cancellationToken);

    /// <summary>Every page of DescribeInstanceInformation, starting from <paramref name="request"/>'s NextToken.</summary>
    public async Task<IReadOnlyList<InstanceInformation>> DescribeAllInstanceInformationAsync(
        DescribeInstanceInformationRequest request,
        CancellationToken cancellationToken)
    {
        var all = new List<InstanceInformation>();
        var page = request;
        while (true)
        {
            var response = await DescribeInstanceInformationAsync(page, cancellationToken).ConfigureAwait(false);
            all.AddRange(response.InstanceInformationList ?? []);
            if (string.IsNullOrEmpty(response.NextToken))
            {
                return all;
            }

            page = page with { NextToken = response.NextToken };
        }
    }

    public void Dispose() => _client.Dispose();
}
