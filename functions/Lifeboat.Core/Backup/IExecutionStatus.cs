namespace Lifeboat.Core.Backup;

/// <summary>Whether a workflow execution still runs (Step Functions DescribeExecution in AWS).</summary>
public interface IExecutionStatus
{
    /// <summary>The execution's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED), or null when it cannot be known.</summary>
    Task<string?> StatusAsync(string executionId, CancellationToken cancellationToken);
}
