using Lifeboat.Aws.Protocol;
using Xunit;
using static Lifeboat.Tests.Aws.AwsTestSupport;

namespace Lifeboat.Tests.Aws;

public sealed class SsmContractTests
{
    private static readonly AwsServiceModel Model = AwsServiceModel.Ssm;

    [Fact]
    public void Ssm_Service_Description_Matches_Model_Metadata()
    {
        // Arrange, Act
        var service = AwsJsonService.Ssm;

        // Assert
        Assert.Equal("json", Model.Metadata("protocol"));
        Assert.Equal(Model.Metadata("targetPrefix"), service.TargetPrefix);
        Assert.Equal(Model.Metadata("jsonVersion"), service.JsonVersion);
        Assert.Equal(Model.Metadata("endpointPrefix"), service.EndpointPrefix);
        Assert.Equal(Model.Metadata("serviceId"), service.ServiceId);
        Assert.Equal(Model.SigningName, service.SigningName);
        Assert.Equal("application/x-amz-json-1.1", service.ContentType);
    }

    [Theory]
    [InlineData("SendCommand")]
    [InlineData("GetCommandInvocation")]
    [InlineData("DescribeInstanceInformation")]
    public void Operation_Used_By_Client_Exists_In_Model(string operation)
    {
        // Arrange, Act, Assert
        WireContract.AssertOperationIsJsonPost(Model, operation);
    }

    [Fact]
    public async Task SendCommand_Request_Uses_Model_Member_Names()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("ssm-SendCommand.json"));
        using var client = new SsmClient(Options(), handler);
        var request = new SendCommandRequest
        {
            InstanceIds = ["i-0123456789abcdef0"],
            DocumentName = "Lifeboat-StopReplicaSqlThread",
            DocumentVersion = "$DEFAULT",
            Parameters = new Dictionary<string, IReadOnlyList<string>> { ["Port"] = ["3306"] },
            TimeoutSeconds = 600,
            Comment = "lifeboat backup 2024-06-01",
            OutputS3BucketName = "lifeboat-logs",
            OutputS3KeyPrefix = "ssm/",
            CloudWatchOutputConfig = new CloudWatchOutputConfig { CloudWatchLogGroupName = "/lifeboat/ssm", CloudWatchOutputEnabled = true },
        };

        // Act
        await client.SendCommandAsync(request, CancellationToken.None);

        // Assert
        var sent = handler.Requests.Single();
        WireContract.AssertRequest(Model, "SendCommand", sent, typeof(SendCommandRequest));
        Assert.Equal("3306", sent.Json.GetProperty("Parameters").GetProperty("Port")[0].GetString());
        Assert.True(sent.Json.GetProperty("CloudWatchOutputConfig").GetProperty("CloudWatchOutputEnabled").GetBoolean());
    }

    [Fact]
    public async Task SendCommand_Request_Omits_Null_Members()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("ssm-SendCommand.json"));
        using var client = new SsmClient(Options(), handler);

        // Act
        await client.SendCommandAsync(new SendCommandRequest { InstanceIds = ["i-1"], DocumentName = "Doc" }, CancellationToken.None);

        // Assert
        var members = handler.Requests.Single().Json.EnumerateObject().Select(p => p.Name);
        Assert.Equal(["InstanceIds", "DocumentName"], members);
    }

    [Fact]
    public async Task SendCommand_Response_Fixture_Matches_Model_And_Deserializes()
    {
        // Arrange
        var fixture = Fixture("ssm-SendCommand.json");
        var handler = new FakeAwsHandler().RespondJson(fixture);
        using var client = new SsmClient(Options(), handler);

        // Act
        var response = await client.SendCommandAsync(new SendCommandRequest { InstanceIds = ["i-1"], DocumentName = "Doc" }, CancellationToken.None);

        // Assert
        WireContract.AssertResponse(Model, "SendCommand", fixture, typeof(SendCommandResponse));
        var command = response.Command!;
        Assert.Equal("0831e1a8-a1ac-4257-a1fd-c831bEXAMPLE", command.CommandId);
        Assert.Equal("Pending", command.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1717239660514), command.RequestedDateTime);
        Assert.Equal(["3306"], command.Parameters!["Port"]);
        Assert.Equal(["i-0123456789abcdef0"], command.InstanceIds!);
        Assert.Equal(600, command.TimeoutSeconds);
        Assert.Equal(1, command.TargetCount);
    }

    [Fact]
    public async Task GetCommandInvocation_Request_Uses_Model_Member_Names()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("ssm-GetCommandInvocation-Success.json"));
        using var client = new SsmClient(Options(), handler);

        // Act
        await client.GetCommandInvocationAsync(
            new GetCommandInvocationRequest { CommandId = "0831e1a8", InstanceId = "i-0123456789abcdef0", PluginName = "StopSqlThread" },
            CancellationToken.None);

        // Assert
        WireContract.AssertRequest(Model, "GetCommandInvocation", handler.Requests.Single(), typeof(GetCommandInvocationRequest));
    }

    [Fact]
    public async Task GetCommandInvocation_Response_Fixture_Matches_Model_And_Deserializes()
    {
        // Arrange
        var fixture = Fixture("ssm-GetCommandInvocation-Success.json");
        var handler = new FakeAwsHandler().RespondJson(fixture);
        using var client = new SsmClient(Options(), handler);

        // Act
        var response = await client.GetCommandInvocationAsync(
            new GetCommandInvocationRequest { CommandId = "0831e1a8", InstanceId = "i-0123456789abcdef0" },
            CancellationToken.None);

        // Assert
        WireContract.AssertResponse(Model, "GetCommandInvocation", fixture, typeof(GetCommandInvocationResponse));
        Assert.Equal(SsmInvocationStatus.Success, response.Status);
        Assert.Equal(0, response.ResponseCode);
        Assert.Equal("{\"sqlThread\":\"stopped\"}\n", response.StandardOutputContent);
        Assert.Equal("", response.StandardErrorContent);
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 11, 1, 1, 123, TimeSpan.Zero), response.ExecutionStartDateTime);
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 11, 1, 1, 905, TimeSpan.Zero), response.ExecutionEndDateTime);
    }

    [Fact]
    public async Task GetCommandInvocation_InProgress_Reads_Empty_Dates_As_Null()
    {
        // Arrange
        var fixture = Fixture("ssm-GetCommandInvocation-InProgress.json");
        var handler = new FakeAwsHandler().RespondJson(fixture);
        using var client = new SsmClient(Options(), handler);

        // Act
        var response = await client.GetCommandInvocationAsync(
            new GetCommandInvocationRequest { CommandId = "0831e1a8", InstanceId = "i-0123456789abcdef0" },
            CancellationToken.None);

        // Assert
        WireContract.AssertResponse(Model, "GetCommandInvocation", fixture, typeof(GetCommandInvocationResponse));
        Assert.Equal(SsmInvocationStatus.InProgress, response.Status);
        Assert.Equal(-1, response.ResponseCode);
        Assert.Null(response.ExecutionStartDateTime);
        Assert.Null(response.ExecutionEndDateTime);
    }

    [Fact]
    public async Task DescribeInstanceInformation_Request_Uses_Model_Member_Names()
    {
        // Arrange
        var handler = new FakeAwsHandler().RespondJson(Fixture("ssm-DescribeInstanceInformation-Page2.json"));
        using var client = new SsmClient(Options(), handler);
        var request = new DescribeInstanceInformationRequest
        {
            Filters = [new InstanceInformationStringFilter { Key = "tag:lifeboat:role", Values = ["replica"] }],
            MaxResults = 50,
            NextToken = "token",
        };

        // Act
        await client.DescribeInstanceInformationAsync(request, CancellationToken.None);

        // Assert
        var sent = handler.Requests.Single();
        WireContract.AssertRequest(Model, "DescribeInstanceInformation", sent, typeof(DescribeInstanceInformationRequest));
        Assert.Equal("replica", sent.Json.GetProperty("Filters")[0].GetProperty("Values")[0].GetString());
    }

    [Theory]
    [InlineData("ssm-DescribeInstanceInformation-Page1.json")]
    [InlineData("ssm-DescribeInstanceInformation-Page2.json")]
    public void DescribeInstanceInformation_Response_Fixture_Matches_Model(string fixture)
    {
        // Arrange, Act, Assert
        WireContract.AssertResponse(Model, "DescribeInstanceInformation", Fixture(fixture), typeof(DescribeInstanceInformationResponse));
    }

    [Fact]
    public async Task DescribeAllInstanceInformation_Pages_Until_NextToken_Is_Absent()
    {
        // Arrange
        var handler = new FakeAwsHandler()
            .RespondJson(Fixture("ssm-DescribeInstanceInformation-Page1.json"))
            .RespondJson(Fixture("ssm-DescribeInstanceInformation-Page2.json"));
        using var client = new SsmClient(Options(), handler);
        var filter = new InstanceInformationStringFilter { Key = "tag:lifeboat:role", Values = ["replica"] };

        // Act
        var instances = await client.DescribeAllInstanceInformationAsync(
            new DescribeInstanceInformationRequest { Filters = [filter], MaxResults = 5 },
            CancellationToken.None);

        // Assert
        Assert.Equal(["i-0123456789abcdef0", "i-0fedcba9876543210"], instances.Select(i => i.InstanceId));
        Assert.Equal([SsmPingStatus.Online, SsmPingStatus.ConnectionLost], instances.Select(i => i.PingStatus));
        Assert.Equal("10.0.1.17", instances[0].IPAddress);
        Assert.Equal("ip-10-0-1-17.eu-west-1.compute.internal", instances[0].ComputerName);
        Assert.Equal("Debian GNU/Linux", instances[0].PlatformName);
        Assert.Equal("3.3.418.0", instances[0].AgentVersion);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1717239600250), instances[0].LastPingDateTime);
        Assert.Equal(2, handler.Requests.Count);
        Assert.False(handler.Requests[0].Json.TryGetProperty("NextToken", out _));
        Assert.Equal("AAEAAX1sZXhhbXBsZS1wYWdlLTI=", handler.Requests[1].Json.GetProperty("NextToken").GetString());
        Assert.Equal("replica", handler.Requests[1].Json.GetProperty("Filters")[0].GetProperty("Values")[0].GetString());
    }

    [Fact]
    public void Status_Constants_Match_Model_Enums()
    {
        // Arrange, Act, Assert
        Assert.Equal(Model.Enum("CommandInvocationStatus").Order(StringComparer.Ordinal), WireContract.Constants(typeof(SsmInvocationStatus)));
        Assert.Equal(Model.Enum("PingStatus").Order(StringComparer.Ordinal), WireContract.Constants(typeof(SsmPingStatus)));
    }
}
