using Lifeboat.Core.Storage;
using Lifeboat.Core.Workflow;

namespace Lifeboat.Core.Catalog;

/// <summary>Looks up VerifyBackup's verdict; the workflow waits on it so that an execution fails when verification does.</summary>
public sealed class BackupVerdictReader(IObjectStore store)
{
    public const int MaxAttempts = 60;

    public async Task<BackupVerdict> ReadAsync(BackupVerdictInput input, CancellationToken cancellationToken)
    {
        Names.RequireCluster(input.Cluster);
        var entry = await new BackupCatalog(store).GetAsync(input.Cluster, input.BackupId, cancellationToken);
        var attempts = input.Attempts + 1;
        if (entry is null && attempts >= MaxAttempts)
        {
            throw new VerificationMissingException(
                $"backup {input.Cluster}/{input.BackupId} was uploaded but not cataloged after {attempts} checks: look at the VerifyBackup function's log and the bucket's notification configuration.");
        }
        return new BackupVerdict
        {
            Found = entry is not null,
            Attempts = attempts,
            Status = entry?.Status,
            Summary = entry is null ? null : $"backup {entry.Cluster}/{entry.BackupId} {entry.Status}" + (entry.Reasons.Count > 0 ? ": " + string.Join("; ", entry.Reasons) : ""),
            Entry = entry,
        };
    }
}

public sealed class VerificationMissingException(string message) : Exception(message);
