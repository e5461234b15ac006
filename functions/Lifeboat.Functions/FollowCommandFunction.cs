using Lifeboat.Core.Commands;
using Lifeboat.Core.Json;

namespace Lifeboat.Functions;

/// <summary>Any workflow: one poll of a Run Command invocation (the ASL loops Wait → this → Choice).</summary>
public sealed class FollowCommandFunction
{
    private readonly CommandFollower _follower;

    public FollowCommandFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public FollowCommandFunction(FunctionSettings settings) =>
        _follower = new CommandFollower(Adapters.RunCommand(settings), TimeProvider.System);

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.FollowCommandInput);
        var command = await _follower.PollAsync(request.Command, CancellationToken.None);
        return LambdaIO.Write(command, LifeboatJson.Default.FollowedCommand);
    }
}
