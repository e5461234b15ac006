using System.Net;
using Amazon.Runtime;
using Lifeboat.Aws.Protocol;
using Xunit;
using static Lifeboat.Tests.Aws.AwsTestSupport;

namespace Lifeboat.Tests.Aws;

public sealed class AwsJsonClientTests
{
    private const string Throttled = """{"__type":"com.amazonaws.ssm#ThrottlingException","message":"Rate exceeded"}""";

    private static GetCommandInvocationRequest Invocation => new() { CommandId = "c-1", InstanceId = "i-1" };

    [Fact]
    public async Task Throttling_Is_Retried_And_Succeeds_On_Third_Attempt()
    {
        // Arrange
        var delays = new List<TimeSpan>();
        var handler = new FakeAwsHandler()
            .Respond(HttpStatusCode.BadRequest, Throttled)
            .Respond(HttpStatusCode.BadRequest, Throttled)
            .RespondJson(Fixture("ssm-GetCommandInvocation-Success.json"));
        using var client = new SsmClient(Options(delays), handler);

        // Act
        var response = await client.GetCommandInvocationAsync(Invocation, CancellationToken.None);

        // Assert
        Assert.Equal(SsmInvocationStatus.Success, response.Status);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(2, delays.Count);
    }

    [Fact]
    public async Task NonRetryable_Error_Is_Thrown_Immediately_With_Its_Name()
    {
        // Arrange
        var delays = new List<TimeSpan>();
        var handler = new FakeAwsHandler().Respond(
            HttpStatusCode.BadRequest,
            """{"__type":"com.amazonaws.ssm#InvalidInstanceId","message":"Instances [[i-1]] not in a valid state"}""",
            ("x-amzn-RequestId", "4d1d5c2a-0000-0000-0000-000000000000"));
        using var client = new SsmClient(Options(delays), handler);

        // Act
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetCommandInvocationAsync(Invocation, CancellationToken.None));

        // Assert
        Assert.Equal("InvalidInstanceId", error.ErrorCode);
        Assert.Equal("Instances [[i-1]] not in a valid state", error.Message);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("SSM", error.Service);
        Assert.Equal("GetCommandInvocation", error.Operation);
        Assert.Equal("4d1d5c2a-0000-0000-0000-000000000000", error.RequestId);
        Assert.Single(handler.Requests);
        Assert.Empty(delays);
    }

    [Fact]
    public async Task Throttling_Gives_Up_After_MaxAttempts_With_The_Last_Error()
    {
        // Arrange
        var handler = new FakeAwsHandler();
        for (var i = 0; i < 3; i++)
        {
            handler.Respond(HttpStatusCode.BadRequest, Throttled);
        }

        using var client = new SsmClient(Options() with { MaxAttempts = 3 }, handler);

        // Act
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetCommandInvocationAsync(Invocation, CancellationToken.None));

        // Assert
        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Http429_5xx_And_Network_Errors_Are_Retried()
    {
        // Arrange
        var handler = new FakeAwsHandler()
            .Respond(HttpStatusCode.TooManyRequests, "Too Many Requests")
            .Respond(HttpStatusCode.ServiceUnavailable, "")
            .Respond(HttpStatusCode.InternalServerError, """{"__type":"InternalServerError","message":"oops"}""")
            .Throw(new HttpRequestException("connection reset"))
            .RespondJson(Fixture("states-StartExecution.json"));
        using var client = new StepFunctionsClient(Options() with { MaxAttempts = 5 }, handler);

        // Act
        var response = await client.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = "arn:sm", Name = "n" }, CancellationToken.None);

        // Assert
        Assert.StartsWith("arn:aws:states:", response.ExecutionArn);
        Assert.Equal(5, handler.Requests.Count);
    }

    [Theory]
    [InlineData("ThrottledException")]
    [InlineData("TooManyRequestsException")]
    [InlineData("RequestLimitExceeded")]
    public async Task Throttling_Error_Names_Are_Retried(string errorName)
    {
        // Arrange
        var handler = new FakeAwsHandler()
            .Respond(HttpStatusCode.BadRequest, $$"""{"__type":"{{errorName}}","message":"slow down"}""")
            .RespondJson(Fixture("ssm-GetCommandInvocation-Success.json"));
        using var client = new SsmClient(Options(), handler);

        // Act
        await client.GetCommandInvocationAsync(Invocation, CancellationToken.None);

        // Assert
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Backoff_Is_Jittered_Under_An_Exponential_Cap()
    {
        // Arrange
        var delays = new List<TimeSpan>();
        var handler = new FakeAwsHandler();
        for (var i = 0; i < 6; i++)
        {
            handler.Respond(HttpStatusCode.BadRequest, Throttled);
        }

        var options = Options(delays) with { MaxAttempts = 6, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(1000) };
        using var client = new SsmClient(options, handler);

        // Act
        await Assert.ThrowsAsync<AwsServiceException>(() => client.GetCommandInvocationAsync(Invocation, CancellationToken.None));

        // Assert
        double[] caps = [100, 200, 400, 800, 1000];
        Assert.Equal(caps.Length, delays.Count);
        Assert.All(delays.Zip(caps), pair => Assert.InRange(pair.First.TotalMilliseconds, 0, pair.Second));
    }

    [Fact]
    public async Task Attempt_Timeout_Is_Retried()
    {
        // Arrange: HttpClient reports its own timeout as a TaskCanceledException.
        var handler = new FakeAwsHandler()
            .Throw(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout."))
            .RespondJson(Fixture("ssm-GetCommandInvocation-Success.json"));
        using var client = new SsmClient(Options(), handler);

        // Act
        var response = await client.GetCommandInvocationAsync(Invocation, CancellationToken.None);

        // Assert
        Assert.Equal(SsmInvocationStatus.Success, response.Status);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Caller_Cancellation_Is_Not_Retried()
    {
        // Arrange
        using var cancellation = new CancellationTokenSource();
        var handler = new FakeAwsHandler().Throw(new TaskCanceledException());
        using var client = new SsmClient(Options(), handler);
        await cancellation.CancelAsync();

        // Act, Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetCommandInvocationAsync(Invocation, cancellation.Token));
    }

    [Theory]
    [InlineData("""{"__type":"com.amazonaws.ssm#InvalidInstanceId","message":"lower-case message"}""", null, "InvalidInstanceId", "lower-case message")]
    [InlineData("""{"__type":"InvocationDoesNotExist","Message":"upper-case message"}""", null, "InvocationDoesNotExist", "upper-case message")]
    [InlineData("""{"message":"header only"}""", "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/", "ValidationException", "header only")]
    [InlineData("""{"__type":"com.amazonaws.swf.service.model#ExecutionDoesNotExist"}""", "ExecutionDoesNotExist", "ExecutionDoesNotExist", "ExecutionDoesNotExist")]
    [InlineData("<html>Forbidden</html>", null, "Http403", "<html>Forbidden</html>")]
    public async Task Error_Name_And_Message_Are_Parsed(string body, string? errorTypeHeader, string expectedCode, string expectedMessage)
    {
        // Arrange
        var headers = errorTypeHeader is null ? [] : new[] { ("x-amzn-ErrorType", errorTypeHeader) };
        var handler = new FakeAwsHandler().Respond(HttpStatusCode.Forbidden, body, headers);
        using var client = new StepFunctionsClient(Options(), handler);

        // Act
        var error = await Assert.ThrowsAsync<AwsServiceException>(
            () => client.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = "arn:execution" }, CancellationToken.None));

        // Assert
        Assert.Equal(expectedCode, error.ErrorCode);
        Assert.Equal(expectedMessage, error.Message);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("SFN", error.Service);
        Assert.Equal("DescribeExecution", error.Operation);
    }

    [Fact]
    public void Default_Endpoints_Are_Regional()
    {
        // Arrange, Act
        using var ssm = new SsmClient(Options());
        using var states = new StepFunctionsClient(Options());
        using var china = new SsmClient(Options() with { Region = "cn-north-1" });

        // Assert
        Assert.Equal(new Uri("https://ssm.eu-west-1.amazonaws.com/"), ssm.Endpoint);
        Assert.Equal(new Uri("https://states.eu-west-1.amazonaws.com/"), states.Endpoint);
        Assert.Equal(new Uri("https://ssm.cn-north-1.amazonaws.com.cn/"), china.Endpoint);
    }

    [Fact]
    public async Task ServiceUrl_Override_Receives_The_Request()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("states-StartExecution.json"));
        using var client = new StepFunctionsClient(Options() with { ServiceUrl = new Uri("http://127.0.0.1:4599") }, handler);

        // Act
        await client.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = "arn:sm" }, CancellationToken.None);

        // Assert
        var sent = handler.Requests.Single();
        Assert.Equal(new Uri("http://127.0.0.1:4599/"), sent.Uri);
        Assert.Equal("127.0.0.1:4599", sent.Headers["Host"]);
    }

    [Fact]
    public async Task Ssm_Requests_Are_SigV4_Signed_For_Ssm()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("ssm-DescribeInstanceInformation-Page2.json"));
        using var client = new SsmClient(Options(), handler);

        // Act
        await client.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest(), CancellationToken.None);

        // Assert
        AssertSigned(handler.Requests.Single(), "ssm");
    }

    [Fact]
    public async Task StepFunctions_Requests_Are_SigV4_Signed_For_States()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("states-DescribeExecution-Succeeded.json"));
        using var client = new StepFunctionsClient(Options(), handler);

        // Act
        await client.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = "arn:execution" }, CancellationToken.None);

        // Assert
        AssertSigned(handler.Requests.Single(), "states");
    }

    [Fact]
    public async Task Session_Token_Is_Sent_And_Signed()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("states-StartExecution.json"));
        var credentials = new SessionAWSCredentials("ASIAEXAMPLE", "secret", "session-token");
        using var client = new StepFunctionsClient(Options(credentials: credentials), handler);

        // Act
        await client.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = "arn:sm" }, CancellationToken.None);

        // Assert
        var headers = handler.Requests.Single().Headers;
        Assert.Equal("session-token", headers["X-Amz-Security-Token"]);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,", headers["Authorization"]);
    }

    [Fact]
    public void Missing_Region_Is_Reported_When_No_Environment_Default_Exists()
    {
        // Arrange
        var fromEnvironment = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");

        // Act
        var create = () => new SsmClient(Options() with { Region = null });

        // Assert
        if (string.IsNullOrWhiteSpace(fromEnvironment))
        {
            Assert.Throws<InvalidOperationException>(create);
        }
        else
        {
            using var client = create();
            Assert.Contains(fromEnvironment.Trim(), client.Endpoint.Host);
        }
    }

    private static void AssertSigned(CapturedRequest request, string signingName)
    {
        Assert.Equal("20240601T101112Z", request.Headers["X-Amz-Date"]);
        Assert.StartsWith(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240601/eu-west-1/{signingName}/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=",
            request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("X-Amz-Security-Token"));
    }
}
