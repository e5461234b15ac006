using System.Net;
using System.Text;
using Lifeboat.Aws.Protocol;
using Xunit;
using static Lifeboat.Tests.Aws.AwsTestSupport;

namespace Lifeboat.Tests.Aws;

/// <summary>The query protocol (CloudWatch, CloudFormation) against responses shaped like AWS's documented ones.</summary>
public sealed class AwsQueryClientTests
{
    [Fact]
    public async Task DescribeAlarms_Decodes_Metric_Alarms_And_The_Next_Token()
    {
        // Arrange
        var handler = new FakeAwsHandler().Respond(HttpStatusCode.OK, Fixture("cloudwatch-DescribeAlarms-Page1.xml"));
        using var client = new CloudWatchClient(Options(), handler);

        // Act
        var page = await client.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNamePrefix = "lifeboat-prod-" }, CancellationToken.None);

        // Assert
        Assert.Equal(["lifeboat-prod-backup-age", "lifeboat-prod-binlog-shipping-lag"], page.MetricAlarms.Select(a => a.AlarmName));
        var backupAge = page.MetricAlarms[0];
        Assert.Equal("ALARM", backupAge.StateValue);
        Assert.StartsWith("Threshold Crossed: 1 datapoint [95400.0", backupAge.StateReason);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 2, 0, 12, 345, TimeSpan.Zero), backupAge.StateUpdatedTimestamp);
        Assert.StartsWith("No backup of main was verified", backupAge.AlarmDescription);
        Assert.Equal("AAAAAQAAABkbGlmZWJvYXQtcHJvZC1iaW5sb2ctc2hpcHBpbmctbGFn", page.NextToken);
    }

    [Fact]
    public async Task DescribeAlarms_Request_Is_Form_Encoded_With_List_Members_Numbered_From_One()
    {
        // Arrange
        var handler = new FakeAwsHandler().Respond(HttpStatusCode.OK, Fixture("cloudwatch-DescribeAlarms-Page2.xml"));
        using var client = new CloudWatchClient(Options(), handler);

        // Act
        await client.DescribeAlarmsAsync(
            new DescribeAlarmsRequest { AlarmNames = ["lifeboat-prod-backup-age", "a b&c=d/é"], StateValue = "ALARM", MaxRecords = 10 },
            CancellationToken.None);

        // Assert
        var sent = handler.Requests.Single();
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal(new Uri("https://monitoring.eu-west-1.amazonaws.com/"), sent.Uri);
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", sent.Headers["Content-Type"]);
        Assert.False(sent.Headers.ContainsKey("X-Amz-Target"));
        Assert.Equal(
            "Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=lifeboat-prod-backup-age&AlarmNames.member.2=a%20b%26c%3Dd%2F%C3%A9"
            + "&StateValue=ALARM&MaxRecords=10",
            Encoding.UTF8.GetString(sent.Body));
    }

    [Fact]
    public async Task DescribeAllAlarms_Follows_NextToken_To_The_Last_Page()
    {
        // Arrange
        var handler = new FakeAwsHandler()
            .Respond(HttpStatusCode.OK, Fixture("cloudwatch-DescribeAlarms-Page1.xml"))
            .Respond(HttpStatusCode.OK, Fixture("cloudwatch-DescribeAlarms-Page2.xml"));
        using var client = new CloudWatchClient(Options(), handler);

        // Act
        var alarms = await client.DescribeAllAlarmsAsync("lifeboat-prod-", CancellationToken.None);

        // Assert
        Assert.Equal(3, alarms.Count);
        Assert.Equal("INSUFFICIENT_DATA", alarms[2].StateValue);
        Assert.Null(alarms[2].AlarmDescription);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("Action=DescribeAlarms&Version=2010-08-01&AlarmNamePrefix=lifeboat-prod-", Encoding.UTF8.GetString(handler.Requests[0].Body));
        Assert.EndsWith("&NextToken=AAAAAQAAABkbGlmZWJvYXQtcHJvZC1iaW5sb2ctc2hpcHBpbmctbGFn", Encoding.UTF8.GetString(handler.Requests[1].Body));
    }

    [Fact]
    public async Task Throttling_Is_Retried_With_Backoff_And_Succeeds()
    {
        // Arrange
        var delays = new List<TimeSpan>();
        var handler = new FakeAwsHandler()
            .Respond(HttpStatusCode.BadRequest, Fixture("cloudwatch-Throttling.xml"))
            .Respond(HttpStatusCode.BadRequest, Fixture("cloudwatch-Throttling.xml"))
            .Respond(HttpStatusCode.OK, Fixture("cloudwatch-DescribeAlarms-Page2.xml"));
        using var client = new CloudWatchClient(Options(delays), handler);

        // Act
        var page = await client.DescribeAlarmsAsync(new DescribeAlarmsRequest(), CancellationToken.None);

        // Assert
        Assert.Single(page.MetricAlarms);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(2, delays.Count);
    }

    [Fact]
    public async Task Throttling_Gives_Up_After_MaxAttempts_With_The_Parsed_Error()
    {
        // Arrange
        var handler = new FakeAwsHandler()
            .Respond(HttpStatusCode.BadRequest, Fixture("cloudwatch-Throttling.xml"))
            .Respond(HttpStatusCode.BadRequest, Fixture("cloudwatch-Throttling.xml"));
        using var client = new CloudWatchClient(Options() with { MaxAttempts = 2 }, handler);

        // Act
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.DescribeAlarmsAsync(new DescribeAlarmsRequest(), CancellationToken.None));

        // Assert
        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Equal("Rate exceeded", error.Message);
        Assert.Equal("CloudWatch", error.Service);
        Assert.Equal("DescribeAlarms", error.Operation);
        Assert.Equal("8d5f6091-3e4c-4a7d-9b22-2c3d4e5f6071", error.RequestId);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task DescribeStacks_Decodes_Status_Outputs_And_Parameters()
    {
        // Arrange
        var handler = new FakeAwsHandler().Respond(HttpStatusCode.OK, Fixture("cloudformation-DescribeStacks.xml"));
        using var client = new CloudFormationClient(Options(), handler);

        // Act
        var stack = (await client.DescribeStacksAsync("lifeboat-prod", CancellationToken.None)).Single();

        // Assert
        Assert.Equal("lifeboat-prod", stack.StackName);
        Assert.Equal("UPDATE_COMPLETE", stack.StackStatus);
        Assert.Equal("lifeboat-prod-123456789012-backups", stack.Outputs["BucketName"]);
        Assert.Equal("arn:aws:states:eu-west-1:123456789012:stateMachine:RestoreStateMachine-AbCdEf123456", stack.Outputs["RestoreStateMachineArn"]);
        Assert.Equal(3, stack.Outputs.Count);
        Assert.Equal("300", stack.Parameters["RpoSeconds"]);
        var sent = handler.Requests.Single();
        Assert.Equal(new Uri("https://cloudformation.eu-west-1.amazonaws.com/"), sent.Uri);
        Assert.Equal("Action=DescribeStacks&Version=2010-05-15&StackName=lifeboat-prod", Encoding.UTF8.GetString(sent.Body));
    }

    [Fact]
    public async Task Stack_That_Does_Not_Exist_Is_A_ValidationError_Not_Retried()
    {
        // Arrange
        var delays = new List<TimeSpan>();
        var handler = new FakeAwsHandler().Respond(HttpStatusCode.BadRequest, Fixture("cloudformation-StackDoesNotExist.xml"));
        using var client = new CloudFormationClient(Options(delays), handler);

        // Act
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.DescribeStacksAsync("lifeboat-staging", CancellationToken.None));

        // Assert
        Assert.Equal("ValidationError", error.ErrorCode);
        Assert.Equal("Stack with id lifeboat-staging does not exist", error.Message);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("CloudFormation", error.Service);
        Assert.Single(handler.Requests);
        Assert.Empty(delays);
    }

    [Fact]
    public async Task Non_Xml_Error_Body_Is_Reported_With_The_Http_Status()
    {
        // Arrange
        var handler = new FakeAwsHandler().Respond(HttpStatusCode.Forbidden, "<html>Forbidden", ("x-amzn-RequestId", "r-1"));
        using var client = new CloudFormationClient(Options(), handler);

        // Act
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.DescribeStacksAsync("lifeboat-prod", CancellationToken.None));

        // Assert
        Assert.Equal("Http403", error.ErrorCode);
        Assert.Equal("<html>Forbidden", error.Message);
        Assert.Equal("r-1", error.RequestId);
    }

    [Fact]
    public async Task Query_Requests_Are_SigV4_Signed_With_The_Service_Signing_Name()
    {
        // Arrange
        var handler = new FakeAwsHandler()
            .Respond(HttpStatusCode.OK, Fixture("cloudwatch-DescribeAlarms-Page2.xml"))
            .Respond(HttpStatusCode.OK, Fixture("cloudformation-DescribeStacks.xml"));
        using var cloudWatch = new CloudWatchClient(Options(), handler);
        using var cloudFormation = new CloudFormationClient(Options(), handler);

        // Act
        await cloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest(), CancellationToken.None);
        await cloudFormation.DescribeStacksAsync("lifeboat-prod", CancellationToken.None);

        // Assert
        foreach (var (request, service) in handler.Requests.Zip(["monitoring", "cloudformation"]))
        {
            Assert.Equal("20240601T101112Z", request.Headers["X-Amz-Date"]);
            Assert.StartsWith(
                $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240601/eu-west-1/{service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=",
                request.Headers["Authorization"]);
        }
    }

    [Fact]
    public async Task ServiceUrl_Override_With_A_Path_Receives_The_Request()
    {
        // Arrange
        var handler = new FakeAwsHandler().Respond(HttpStatusCode.OK, Fixture("cloudwatch-DescribeAlarms-Page2.xml"));
        using var client = new CloudWatchClient(Options() with { ServiceUrl = new Uri("http://127.0.0.1:4599/cloudwatch") }, handler);

        // Act
        await client.DescribeAlarmsAsync(new DescribeAlarmsRequest(), CancellationToken.None);

        // Assert
        Assert.Equal(new Uri("http://127.0.0.1:4599/cloudwatch"), handler.Requests.Single().Uri);
    }
}
