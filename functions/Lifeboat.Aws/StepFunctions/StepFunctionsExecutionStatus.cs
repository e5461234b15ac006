using Lifeboat.Aws.Protocol;
using Lifeboat.Core.Backup;

namespace Lifeboat.Aws.StepFunctions;

/// <summary>An execution's status from DescribeExecution; an execution Step Functions does not know, or an error, is "unknown".</summary>
public sealed class StepFunctionsExecutionStatus(StepFunctionsClient client) : IExecutionStatus
{
    public async Task<string?> StatusAsync(string executionId, CancellationToken cancellationToken)
    {
        try
        {
            var execution = await client.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = executionId }, cancellationToken);
            return execution.Status;
        }
        catch (AwsServiceException)
        {
            return null;
        }
    }
}
