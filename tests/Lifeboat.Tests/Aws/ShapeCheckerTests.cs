using System.Text.Json;
using Lifeboat.Aws.Protocol;
using Xunit;

namespace Lifeboat.Tests.Aws;

/// <summary>The contract checks must fail on the mistakes they exist to catch.</summary>
public sealed class ShapeCheckerTests
{
    [Fact]
    public void CheckJson_Flags_Unknown_Missing_Required_And_Mistyped_Members()
    {
        // Arrange
        using var body = JsonDocument.Parse("""{"instanceId":"i-1","PluginName":7,"Bogus":true}""");

        // Act
        var errors = ShapeChecker.CheckJson(AwsServiceModel.Ssm, "GetCommandInvocationRequest", body.RootElement, requireRequired: true);

        // Assert
        Assert.Contains("$.instanceId: not a member of GetCommandInvocationRequest", errors);
        Assert.Contains("$.Bogus: not a member of GetCommandInvocationRequest", errors);
        Assert.Contains("$.CommandId: required by GetCommandInvocationRequest but missing", errors);
        Assert.Contains("$.InstanceId: required by GetCommandInvocationRequest but missing", errors);
        Assert.Contains(errors, e => e.StartsWith("$.PluginName: Number does not fit", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckJson_Walks_Into_Lists_Of_Structures()
    {
        // Arrange
        using var body = JsonDocument.Parse("""{"Filters":[{"key":"PingStatus","Values":["Online"]}]}""");

        // Act
        var errors = ShapeChecker.CheckJson(AwsServiceModel.Ssm, "DescribeInstanceInformationRequest", body.RootElement, requireRequired: true);

        // Assert
        Assert.Contains("$.Filters[0].key: not a member of InstanceInformationStringFilter", errors);
        Assert.Contains("$.Filters[0].Key: required by InstanceInformationStringFilter but missing", errors);
    }

    [Fact]
    public void CheckType_Flags_Members_With_The_Wrong_Casing()
    {
        // Arrange: SSM's PascalCase request against Step Functions' camelCase shape.
        var model = AwsServiceModel.StepFunctions;

        // Act
        var errors = ShapeChecker.CheckType(model, model.InputShape("DescribeExecution"), typeof(GetCommandInvocationRequest), WireDirection.Request);

        // Assert
        Assert.Contains("GetCommandInvocationRequest.CommandId: not a member of DescribeExecutionInput", errors);
        Assert.Contains("GetCommandInvocationRequest.executionArn: required by DescribeExecutionInput but the client has no such member", errors);
    }
}
