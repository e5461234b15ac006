using Lifeboat.Aws.Protocol;
using Lifeboat.Core.Commands;

namespace Lifeboat.Aws.Ssm;

/// <summary><see cref="IRemoteCommands"/> over SSM Run Command, through the project's JSON-protocol client.</summary>
public sealed class SsmRemoteCommands(SsmClient ssm) : IRemoteCommands
{
    public async Task<string> SendAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        var response = await ssm.SendCommandAsync(
            new SendCommandRequest
            {
                InstanceIds = [command.InstanceId],
                DocumentName = command.DocumentName,
                Parameters = command.Parameters.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[p.Value]),
                // SendCommand's timeout bounds delivery (30 s at least); the run time is the document's own.
                TimeoutSeconds = Math.Max(30, (int)Math.Min(command.Timeout.TotalSeconds, 2_592_000)),
                Comment = command.Comment.Length > 100 ? command.Comment[..100] : command.Comment,
            },
            cancellationToken);
        return response.Command?.CommandId
            ?? throw new InvalidOperationException($"SendCommand to {command.InstanceId} returned no command id");
    }

    public async Task<CommandResult> GetAsync(string commandId, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            var r = await ssm.GetCommandInvocationAsync(
                new GetCommandInvocationRequest { CommandId = commandId, InstanceId = instanceId },
                cancellationToken);
            return new CommandResult(
                commandId,
                instanceId,
                r.Status ?? CommandStates.Pending,
                r.ResponseCode ?? -1,
                r.StandardOutputContent ?? "",
                r.StandardErrorContent ?? "",
                r.ExecutionStartDateTime,
                r.ExecutionEndDateTime,
                r.StatusDetails);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "InvocationDoesNotExist")
        {
            // Right after SendCommand the invocation may not be visible yet.
            return new CommandResult(commandId, instanceId, CommandStates.Pending, -1, "", "", null, null, "not visible yet");
        }
    }

    public async Task<IReadOnlyList<ManagedInstance>> FindInstancesAsync(IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var filters = tags.Select(t => new InstanceInformationStringFilter { Key = $"tag:{t.Key}", Values = [t.Value] }).ToList();
        var instances = await ssm.DescribeAllInstanceInformationAsync(new DescribeInstanceInformationRequest { Filters = filters }, cancellationToken);
        return instances
            .Where(i => i.InstanceId is not null)
            .Select(i => new ManagedInstance(i.InstanceId!, i.PingStatus ?? "Unknown", i.ComputerName))
            .ToList();
    }

    public async Task<ManagedInstance?> DescribeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var instances = await ssm.DescribeAllInstanceInformationAsync(
            new DescribeInstanceInformationRequest { Filters = [new InstanceInformationStringFilter { Key = "InstanceIds", Values = [instanceId] }] },
            cancellationToken);
        return instances
            .Where(i => i.InstanceId == instanceId)
            .Select(i => new ManagedInstance(i.InstanceId!, i.PingStatus ?? "Unknown", i.ComputerName))
            .FirstOrDefault();
    }
}
