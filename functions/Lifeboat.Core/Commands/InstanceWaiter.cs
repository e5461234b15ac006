using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Commands;

public sealed record InstanceOnlineInput
{
    public required string InstanceId { get; init; }
    public int Attempts { get; init; }
}

public sealed record InstanceOnlineResult
{
    public required string InstanceId { get; init; }
    public bool Online { get; init; }
    public int Attempts { get; init; }
}

/// <summary>Has a freshly launched instance's SSM agent registered yet? Gives up, loudly, after a bounded number of checks.</summary>
public sealed class InstanceWaiter(IRemoteCommands commands, int maxAttempts)
{
    public async Task<InstanceOnlineResult> CheckAsync(InstanceOnlineInput input, CancellationToken cancellationToken)
    {
        Names.RequireInstanceId(input.InstanceId);
        var online = (await commands.DescribeAsync(input.InstanceId, cancellationToken))?.Online == true;
        var attempts = input.Attempts + 1;
        if (!online && attempts >= maxAttempts)
        {
            throw new InstanceNeverOnlineException(
                $"instance {input.InstanceId} did not register with SSM after {attempts} checks: check its instance profile (AmazonSSMManagedInstanceCore), the SSM agent and its network path to SSM. It will be terminated.");
        }
        return new InstanceOnlineResult { InstanceId = input.InstanceId, Online = online, Attempts = attempts };
    }
}

public sealed class InstanceNeverOnlineException(string message) : Exception(message);
