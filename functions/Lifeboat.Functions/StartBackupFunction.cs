using Lifeboat.Core.Backup;
using Lifeboat.Core.Json;

namespace Lifeboat.Functions;

/// <summary>Backup workflow: send the backup document to the chosen replica.</summary>
public sealed class StartBackupFunction
{
    private readonly BackupStarter _starter;

    public StartBackupFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public StartBackupFunction(FunctionSettings settings)
    {
        var backup = new BackupSettings(
            settings.Bucket,
            settings.Required("BACKUP_DOCUMENT"),
            (int)settings.Long("COMPRESSION_LEVEL", 1),
            DeliveryTimeout: TimeSpan.FromMinutes(10));
        _starter = new BackupStarter(Adapters.RunCommand(settings), backup, TimeProvider.System);
    }

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.StartBackupInput);
        var command = await _starter.StartAsync(request.Backup, CancellationToken.None);
        return LambdaIO.Write(command, LifeboatJson.Default.FollowedCommand);
    }
}
