using Lifeboat.Core.Json;
using Lifeboat.Core.Restore;

namespace Lifeboat.Functions;

/// <summary>Restore workflow, first step: validate the input and plan from the catalog, before anything is launched.</summary>
public sealed class PlanRestoreFunction
{
    private readonly RestorePlanning _planning;

    public PlanRestoreFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public PlanRestoreFunction(FunctionSettings settings) =>
        _planning = new RestorePlanning(Adapters.Bucket(settings),
            new RestoreSettings(settings.Bucket, settings.Required("DEFAULT_INSTANCE_TYPE"), settings.Optional("OFFSITE_BUCKET_NAME"), settings.Optional("OFFSITE_REGION")),
            TimeProvider.System, Adapters.OffsiteBucket(settings));

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.PlanRestoreInput);
        var plan = await _planning.PlanAsync(request, CancellationToken.None);
        return LambdaIO.Write(plan, LifeboatJson.Default.RestorePlan);
    }
}
