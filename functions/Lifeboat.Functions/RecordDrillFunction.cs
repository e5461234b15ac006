using Lifeboat.Core;
using Lifeboat.Core.Json;
using Lifeboat.Core.Restore;

namespace Lifeboat.Functions;

/// <summary>Restore workflow, on every path that launched or planned something: record the drill or restore in the catalog.</summary>
public sealed class RecordDrillFunction
{
    private readonly RestoreOutcome _outcome;

    public RecordDrillFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public RecordDrillFunction(FunctionSettings settings) =>
        _outcome = new RestoreOutcome(Adapters.Bucket(settings), TimeProvider.System, new ConsoleProgressLog(settings.Deployment));

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.RecordDrillInput);
        var record = await _outcome.RecordAsync(request, CancellationToken.None);
        return LambdaIO.Write(record, LifeboatJson.Default.DrillRecord);
    }
}
