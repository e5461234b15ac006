namespace Lifeboat.Aws.Protocol;

/// <summary>The Step Functions operations Lifeboat uses.</summary>
public sealed class StepFunctionsClient : IDisposable
{
    private readonly AwsJsonClient _client;

    /// <param name="handler">Transport override for tests; not disposed by this client.</param>
    public StepFunctionsClient(AwsClientOptions? options = null, HttpMessageHandler? handler = null)
    {
        _client = new AwsJsonClient(AwsJsonService.StepFunctions, options, handler);
    }

    public Uri Endpoint => _client.Endpoint;

    public Task<StartExecutionResponse> StartExecutionAsync(StartExecutionRequest request, CancellationToken cancellationToken) =>
        _client.InvokeAsync(
            "StartExecution",
            request,
            AwsWireJsonContext.Default.StartExecutionRequest,
            AwsWireJsonContext.Default.StartExecutionResponse,
            cancellationToken);

    public Task<DescribeExecutionResponse> DescribeExecutionAsync(DescribeExecutionRequest request, CancellationToken cancellationToken) =>
        _client.InvokeAsync(
            "DescribeExecution",
            request,
            AwsWireJsonContext.Default.DescribeExecutionRequest,
            AwsWireJsonContext.Default.DescribeExecutionResponse,
            cancellationToken);

    /// <summary>Aborts a running execution (ops: an operator cancelling a restore); its cleanup runs on the status change.</summary>
    public Task<StopExecutionResponse> StopExecutionAsync(StopExecutionRequest request, CancellationToken cancellationToken) =>
        _client.InvokeAsync(
            "StopExecution",
            request,
            AwsWireJsonContext.Default.StopExecutionRequest,
            AwsWireJsonContext.Default.StopExecutionResponse,
            cancellationToken);

    public void Dispose() => _client.Dispose();
}
