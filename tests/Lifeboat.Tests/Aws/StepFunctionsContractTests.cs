using Lifeboat.Aws.Protocol;
using Xunit;
using static Lifeboat.Tests.Aws.AwsTestSupport;

namespace Lifeboat.Tests.Aws;

public sealed class StepFunctionsContractTests
{
    private static readonly AwsServiceModel Model = AwsServiceModel.StepFunctions;

    [Fact]
    public void StepFunctions_Service_Description_Matches_Model_Metadata()
    {
        // Arrange, Act
        var service = AwsJsonService.StepFunctions;

        // Assert
        Assert.Equal("json", Model.Metadata("protocol"));
        Assert.Equal(Model.Metadata("targetPrefix"), service.TargetPrefix);
        Assert.Equal(Model.Metadata("jsonVersion"), service.JsonVersion);
        Assert.Equal(Model.Metadata("endpointPrefix"), service.EndpointPrefix);
        Assert.Equal(Model.Metadata("serviceId"), service.ServiceId);
        Assert.Equal(Model.SigningName, service.SigningName);
        Assert.Equal("application/x-amz-json-1.0", service.ContentType);
    }

    [Theory]
    [InlineData("StartExecution")]
    [InlineData("DescribeExecution")]
    [InlineData("StopExecution")]
    public void Operation_Used_By_Client_Exists_In_Model(string operation)
    {
        // Arrange, Act, Assert
        WireContract.AssertOperationIsJsonPost(Model, operation);
    }

    [Fact]
    public async Task StartExecution_Request_Uses_Model_Member_Names()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("states-StartExecution.json"));
        using var client = new StepFunctionsClient(Options(), handler);
        var request = new StartExecutionRequest
        {
            StateMachineArn = "arn:aws:states:eu-west-1:123456789012:stateMachine:lifeboat-restore",
            Name = "drill-2024-06-01",
            Input = "{\"mode\":\"drill\"}",
        };

        // Act
        await client.StartExecutionAsync(request, CancellationToken.None);

        // Assert
        var sent = handler.Requests.Single();
        WireContract.AssertRequest(Model, "StartExecution", sent, typeof(StartExecutionRequest));
        Assert.Equal(["stateMachineArn", "name", "input"], sent.Json.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task StartExecution_Request_Omits_Null_Members()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("states-StartExecution.json"));
        using var client = new StepFunctionsClient(Options(), handler);

        // Act
        await client.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = "arn:sm" }, CancellationToken.None);

        // Assert
        Assert.Equal(["stateMachineArn"], handler.Requests.Single().Json.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task StartExecution_Response_Fixture_Matches_Model_And_Deserializes()
    {
        // Arrange
        var fixture = Fixture("states-StartExecution.json");
        var handler = new FakeAwsHandler().RespondJson(fixture);
        using var client = new StepFunctionsClient(Options(), handler);

        // Act
        var response = await client.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = "arn:sm" }, CancellationToken.None);

        // Assert
        WireContract.AssertResponse(Model, "StartExecution", fixture, typeof(StartExecutionResponse));
        Assert.Equal("arn:aws:states:eu-west-1:123456789012:execution:lifeboat-restore:drill-2024-06-01", response.ExecutionArn);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1717239600123), response.StartDate);
    }

    [Fact]
    public async Task DescribeExecution_Request_Uses_Model_Member_Names()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("states-DescribeExecution-Succeeded.json"));
        using var client = new StepFunctionsClient(Options(), handler);

        // Act
        await client.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = "arn:execution" }, CancellationToken.None);

        // Assert
        var sent = handler.Requests.Single();
        WireContract.AssertRequest(Model, "DescribeExecution", sent, typeof(DescribeExecutionRequest));
        Assert.Equal("arn:execution", sent.Json.GetProperty("executionArn").GetString());
    }

    [Fact]
    public async Task StopExecution_Request_And_Response_Match_The_Model()
    {
        // Arrange
        var fixture = Fixture("states-StopExecution.json");
        var handler = new FakeAwsHandler().RespondJson(fixture);
        using var client = new StepFunctionsClient(Options(), handler);

        // Act
        var response = await client.StopExecutionAsync(new StopExecutionRequest
        {
            ExecutionArn = "arn:execution",
            Cause = "the operator cancelled the restore",
        }, CancellationToken.None);

        // Assert
        var sent = handler.Requests.Single();
        WireContract.AssertRequest(Model, "StopExecution", sent, typeof(StopExecutionRequest));
        Assert.Equal(["executionArn", "cause"], sent.Json.EnumerateObject().Select(p => p.Name));
        WireContract.AssertResponse(Model, "StopExecution", fixture, typeof(StopExecutionResponse));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1717241412456), response.StopDate);
    }

    [Fact]
    public async Task DescribeExecution_Succeeded_Fixture_Matches_Model_And_Deserializes()
    {
        // Arrange
        var fixture = Fixture("states-DescribeExecution-Succeeded.json");
        var handler = new FakeAwsHandler().RespondJson(fixture);
        using var client = new StepFunctionsClient(Options(), handler);

        // Act
        var response = await client.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = "arn:execution" }, CancellationToken.None);

        // Assert
        WireContract.AssertResponse(Model, "DescribeExecution", fixture, typeof(DescribeExecutionResponse));
        Assert.Equal(SfnExecutionStatus.Succeeded, response.Status);
        Assert.Equal("arn:aws:states:eu-west-1:123456789012:stateMachine:lifeboat-restore", response.StateMachineArn);
        Assert.Equal("drill-2024-06-01", response.Name);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1717239600123), response.StartDate);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1717241412456), response.StopDate);
        Assert.Equal("{\"mode\":\"drill\"}", response.Input);
        Assert.Equal("{\"verified\":true}", response.Output);
        Assert.Null(response.Error);
    }

    [Fact]
    public async Task DescribeExecution_Failed_Fixture_Exposes_Error_And_Cause()
    {
        // Arrange
        var fixture = Fixture("states-DescribeExecution-Failed.json");
        var handler = new FakeAwsHandler().RespondJson(fixture);
        using var client = new StepFunctionsClient(Options(), handler);

        // Act
        var response = await client.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = "arn:execution" }, CancellationToken.None);

        // Assert
        WireContract.AssertResponse(Model, "DescribeExecution", fixture, typeof(DescribeExecutionResponse));
        Assert.Equal(SfnExecutionStatus.Failed, response.Status);
        Assert.Equal("Lifeboat.ReplicaLagging", response.Error);
        Assert.Equal("No replica is within the lag limit.", response.Cause);
        Assert.Null(response.Output);
    }

    [Fact]
    public void Status_Constants_Match_Model_Enum()
    {
        // Arrange, Act, Assert
        Assert.Equal(Model.Enum("ExecutionStatus").Order(StringComparer.Ordinal), WireContract.Constants(typeof(SfnExecutionStatus)));
    }
}
