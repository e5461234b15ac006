using Lifeboat.Core;
using Lifeboat.Core.Json;
using Lifeboat.Core.Restore;

namespace Lifeboat.Functions;

/// <summary>Restore workflow: judge the validation report the restore target wrote to S3.</summary>
public sealed class JudgeRestoreFunction
{
    private readonly RestoreOutcome _outcome;

    public JudgeRestoreFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public JudgeRestoreFunction(FunctionSettings settings) =>
        _outcome = new RestoreOutcome(Adapters.Bucket(settings), TimeProvider.System, new ConsoleProgressLog(settings.Deployment));

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.JudgeRestoreInput);
        var verdict = await _outcome.JudgeAsync(request, CancellationToken.None);
        return LambdaIO.Write(verdict, LifeboatJson.Default.RestoreVerdict);
    }
}
