using Lifeboat.Core.Commands;
using Lifeboat.Core.Json;

namespace Lifeboat.Functions;

/// <summary>Restore workflow: has the launched instance's SSM agent come online? (The ASL loops Wait → this → Choice.)</summary>
public sealed class InstanceOnlineFunction
{
    private readonly InstanceWaiter _waiter;

    public InstanceOnlineFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public InstanceOnlineFunction(FunctionSettings settings) =>
        _waiter = new InstanceWaiter(Adapters.RunCommand(settings), (int)settings.Long("MAX_ONLINE_CHECKS", 40));

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.InstanceOnlineInput);
        var result = await _waiter.CheckAsync(request, CancellationToken.None);
        return LambdaIO.Write(result, LifeboatJson.Default.InstanceOnlineResult);
    }
}
