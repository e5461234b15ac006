using System.Text.Json.Serialization;

namespace Lifeboat.Aws.Protocol;

// The AWS wire needs each service model's own member casing (PascalCase in SSM, camelCase in Step Functions), which is why this context is separate from the project's camelCase one.
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(AwsTimestampConverter), typeof(AwsNullableTimestampConverter)])]
[JsonSerializable(typeof(SendCommandRequest))]
[JsonSerializable(typeof(SendCommandResponse))]
[JsonSerializable(typeof(GetCommandInvocationRequest))]
[JsonSerializable(typeof(GetCommandInvocationResponse))]
[JsonSerializable(typeof(DescribeInstanceInformationRequest))]
[JsonSerializable(typeof(DescribeInstanceInformationResponse))]
[JsonSerializable(typeof(StartExecutionRequest))]
[JsonSerializable(typeof(StartExecutionResponse))]
[JsonSerializable(typeof(DescribeExecutionRequest))]
[JsonSerializable(typeof(DescribeExecutionResponse))]
[JsonSerializable(typeof(StopExecutionRequest))]
[JsonSerializable(typeof(StopExecutionResponse))]
public sealed partial class AwsWireJsonContext : JsonSerializerContext;
