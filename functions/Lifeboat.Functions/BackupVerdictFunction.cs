using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;

namespace Lifeboat.Functions;

/// <summary>Backup workflow, last step: has VerifyBackup cataloged the backup, and with what verdict?</summary>
public sealed class BackupVerdictFunction
{
    private readonly BackupVerdictReader _reader;

    public BackupVerdictFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public BackupVerdictFunction(FunctionSettings settings) => _reader = new BackupVerdictReader(Adapters.Bucket(settings));

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.BackupVerdictInput);
        var verdict = await _reader.ReadAsync(request, CancellationToken.None);
        return LambdaIO.Write(verdict, LifeboatJson.Default.BackupVerdict);
    }
}
