using System.Text.Json;
using Lifeboat.Aws.Protocol;
using Xunit;

namespace Lifeboat.Tests.Aws;

public sealed class AwsTimestampConverterTests
{
    [Theory]
    [InlineData("1717239600.123")]
    [InlineData("1.717239600123E9")]
    [InlineData("\"1717239600.123\"")]
    [InlineData("\"2024-06-01T11:00:00.123Z\"")]
    [InlineData("\"2024-06-01T13:00:00.123+02:00\"")]
    public void Timestamp_Reads_Epoch_Numbers_And_Iso_Strings(string json)
    {
        // Arrange
        var payload = $$"""{"executionArn":"a","startDate":{{json}}}""";

        // Act
        var response = JsonSerializer.Deserialize(payload, AwsWireJsonContext.Default.StartExecutionResponse)!;

        // Assert
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 11, 0, 0, 123, TimeSpan.Zero), response.StartDate);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("null")]
    public void Optional_Timestamp_Reads_Empty_Or_Null_As_Null(string json)
    {
        // Arrange
        var payload = $$"""{"ExecutionEndDateTime":{{json}}}""";

        // Act
        var response = JsonSerializer.Deserialize(payload, AwsWireJsonContext.Default.GetCommandInvocationResponse)!;

        // Assert
        Assert.Null(response.ExecutionEndDateTime);
    }

    [Fact]
    public void Required_Timestamp_Rejects_An_Empty_String()
    {
        // Arrange
        const string payload = """{"executionArn":"a","startDate":""}""";

        // Act, Assert
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(payload, AwsWireJsonContext.Default.StartExecutionResponse));
    }
}
