using Lifeboat.Core.Storage;
using Lifeboat.Core.Workflow;

namespace Lifeboat.Core.Commands;

/// <summary>A workflow step's request to run one of Lifeboat's documents, named by its role (restore, replay, validate).</summary>
public sealed record StartCommandInput
{
    public required string InstanceId { get; init; }
    public required string Document { get; init; }
    public IReadOnlyDictionary<string, string> Parameters { get => field ?? new Dictionary<string, string>(); init; } = new Dictionary<string, string>();
}

/// <summary>Sends a document by role; only the roles this deployment defines can be sent, so no input names an arbitrary document.</summary>
public sealed class CommandStarter(IRemoteCommands commands, IReadOnlyDictionary<string, string> documentsByRole, TimeProvider clock)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromMinutes(10);

    public async Task<FollowedCommand> StartAsync(StartCommandInput input, CancellationToken cancellationToken)
    {
        Names.RequireInstanceId(input.InstanceId);
        if (!documentsByRole.TryGetValue(input.Document, out var document))
        {
            throw new InvalidInputException($"document '{Names.Shorten(input.Document)}' is not one this workflow runs: use one of {string.Join(", ", documentsByRole.Keys)}.");
        }
        var sentAt = clock.GetUtcNow();
        var commandId = await commands.SendAsync(
            new RemoteCommand(input.InstanceId, document, input.Parameters, DeliveryTimeout, $"Lifeboat {input.Document} on {input.InstanceId}"),
            cancellationToken);
        return new FollowedCommand { CommandId = commandId, InstanceId = input.InstanceId, Document = document, SentAt = sentAt };
    }
}
