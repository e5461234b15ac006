using Lifeboat.Aws.Protocol;

namespace Lifeboat.Sandbox;

/// <summary>
/// What the operator typed for <c>./run ops …</c>. With <see cref="Stack"/>, the bucket, cluster and restore state
/// machine come from the stack's Outputs (the cluster also from its ClusterName parameter); a flag given explicitly
/// wins over the stack. The endpoint flags point the clients at the sandbox instead of AWS.
/// </summary>
public sealed record OpsFlags
{
    /// <summary>Stack states whose resources and outputs are in place.</summary>
    private static readonly HashSet<string> UsableStates = new(StringComparer.Ordinal)
    {
        "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE",
    };

    public string? Stack { get; init; }
    public string? Bucket { get; init; }
    public string? Cluster { get; init; }
    public string? Region { get; init; }
    public string? S3Endpoint { get; init; }
    public string? StateMachineArn { get; init; }
    public string? StepFunctionsEndpoint { get; init; }
    public string? CloudFormationEndpoint { get; init; }
    public string? CloudWatchEndpoint { get; init; }

    /// <summary>Looks the stack up (if one was named) and returns where everything is.</summary>
    public async Task<OpsTarget> ResolveAsync(CancellationToken cancellationToken)
    {
        if (Stack is null)
        {
            if (string.IsNullOrEmpty(Bucket))
            {
                throw new ArgumentException("--stack <name> is required: the name of the deployed Lifeboat stack (or give --bucket <BucketName> and --cluster <name>)");
            }
            return Target(Bucket, Cluster ?? "main", StateMachineArn, stackName: null);
        }

        using var cloudFormation = new CloudFormationClient(OpsTarget.ClientOptions(Region, CloudFormationEndpoint));
        IReadOnlyList<CloudFormationStack> stacks;
        try
        {
            stacks = await cloudFormation.DescribeStacksAsync(Stack, cancellationToken);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "ValidationError" && e.Message.Contains("does not exist", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"stack '{Stack}' does not exist in {cloudFormation.Region}: check the name (aws cloudformation list-stacks) and the region (--region or AWS_REGION)", e);
        }
        return stacks.Count == 1
            ? FromStack(stacks[0])
            : throw new InvalidOperationException($"CloudFormation returned {stacks.Count} stacks for '{Stack}': name exactly one stack");
    }

    /// <summary>The target a described stack gives, with the explicit flags winning; errors name what is missing and the fix.</summary>
    public OpsTarget FromStack(CloudFormationStack stack)
    {
        if (!UsableStates.Contains(stack.StackStatus))
        {
            var fix = stack.StackStatus.EndsWith("_IN_PROGRESS", StringComparison.Ordinal)
                ? "wait until it finishes (aws cloudformation describe-stacks --stack-name " + stack.StackName + ") and run this again"
                : "look at its events (aws cloudformation describe-stack-events --stack-name " + stack.StackName + "), fix the cause and deploy again";
            throw new InvalidOperationException(
                $"stack '{stack.StackName}' is {stack.StackStatus}{(stack.StackStatusReason is null ? "" : $" ({stack.StackStatusReason})")}, not in a usable *_COMPLETE state: {fix}");
        }

        var bucket = Bucket ?? Output(stack, "BucketName", "--bucket");
        var cluster = Cluster ?? stack.Outputs.GetValueOrDefault("ClusterName") ?? stack.Parameters.GetValueOrDefault("ClusterName")
            ?? throw new InvalidOperationException($"stack '{stack.StackName}' has no ClusterName output or parameter: pass --cluster <name>");
        var stateMachine = StateMachineArn ?? stack.Outputs.GetValueOrDefault("RestoreStateMachineArn");
        return Target(bucket, cluster, stateMachine, stack.StackName);
    }

    private OpsTarget Target(string bucket, string cluster, string? stateMachineArn, string? stackName) =>
        new(bucket, cluster, Region, S3Endpoint, stateMachineArn, StepFunctionsEndpoint) { Stack = stackName, CloudWatchEndpoint = CloudWatchEndpoint };

    private static string Output(CloudFormationStack stack, string key, string flag) =>
        stack.Outputs.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw new InvalidOperationException(
                $"stack '{stack.StackName}' has no {key} output: it was deployed from an older template; deploy the current template.yaml (sam deploy) or pass {flag}");
}
