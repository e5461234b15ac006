using Lifeboat.Core.Commands;
using Lifeboat.Core.Json;

namespace Lifeboat.Functions;

/// <summary>Restore workflow: send the restore, replay or validation document to the restore target.</summary>
public sealed class StartCommandFunction
{
    private readonly CommandStarter _starter;

    public StartCommandFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public StartCommandFunction(FunctionSettings settings) =>
        _starter = new CommandStarter(Adapters.RunCommand(settings), new Dictionary<string, string>
        {
            ["restore"] = settings.Required("RESTORE_DOCUMENT"),
            ["replay"] = settings.Required("REPLAY_DOCUMENT"),
            ["validate"] = settings.Required("VALIDATE_DOCUMENT"),
        }, TimeProvider.System);

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.StartCommandInput);
        var command = await _starter.StartAsync(request, CancellationToken.None);
        return LambdaIO.Write(command, LifeboatJson.Default.FollowedCommand);
    }
}
