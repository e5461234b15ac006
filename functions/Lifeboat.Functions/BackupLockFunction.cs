using Lifeboat.Core;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Json;

namespace Lifeboat.Functions;

/// <summary>Backup workflow: takes the cluster's backup lock before anything is started, and releases it on every path.</summary>
public sealed class BackupLockFunction
{
    private readonly BackupLock _lock;

    public BackupLockFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public BackupLockFunction(FunctionSettings settings) => _lock = new BackupLock(
        Adapters.Bucket(settings),
        Adapters.Executions(settings),
        TimeSpan.FromSeconds(settings.Long("LOCK_LEASE_SECONDS", 93_600)),
        TimeProvider.System,
        new ConsoleProgressLog(settings.Deployment));

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.BackupLockInput);
        var result = await _lock.HandleAsync(request, CancellationToken.None);
        return LambdaIO.Write(result, LifeboatJson.Default.BackupLockResult);
    }
}
