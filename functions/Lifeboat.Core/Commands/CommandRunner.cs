namespace Lifeboat.Core.Commands;

/// <summary>Sends a short document and waits for it: for commands that finish within one function invocation.</summary>
public sealed class CommandRunner(IRemoteCommands commands, TimeProvider clock)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The finished invocation, or one with status TimedOut when it did not finish within <paramref name="timeout"/>.</summary>
    public async Task<CommandResult> RunAsync(RemoteCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var commandId = await commands.SendAsync(command, cancellationToken);
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            await Task.Delay(PollInterval, clock, cancellationToken);
            var result = await commands.GetAsync(commandId, command.InstanceId, cancellationToken);
            if (!CommandStates.IsRunning(result.Status))
            {
                return result;
            }
            if (clock.GetUtcNow() > deadline)
            {
                return result with { Status = CommandStates.TimedOut, StatusDetails = $"no answer within {timeout.TotalSeconds:0} s (command {commandId})" };
            }
        }
    }
}
