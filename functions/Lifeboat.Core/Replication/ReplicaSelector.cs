namespace Lifeboat.Core.Replication;

/// <summary>Thresholds a replica must meet to be backed up.</summary>
public sealed record ReplicaPolicy(long MaxLagSeconds, long MinFreeDiskBytes)
{
    public static ReplicaPolicy Default { get; } = new(MaxLagSeconds: 300, MinFreeDiskBytes: 1L << 30);
}

/// <summary>One candidate's status as reported by its host, or why no status could be had.</summary>
public sealed record ReplicaProbe(string InstanceId, ReplicaStatus? Status, string? ProbeError);

public sealed record ReplicaVerdict(string InstanceId, ReplicaStatus? Status, IReadOnlyList<string> Failures)
{
    public bool Healthy => Failures.Count == 0;
}

/// <summary>
/// Decides which replica to back up. A backup from a replica that is stopped or far behind is the failure behind the
/// day-old backups this system exists to prevent, so every check that fails is named.
/// </summary>
public sealed class ReplicaSelector(ReplicaPolicy policy)
{
    public ReplicaVerdict Judge(ReplicaProbe probe)
    {
        if (probe.Status is null)
        {
            return new ReplicaVerdict(probe.InstanceId, null, [$"status check failed: {probe.ProbeError ?? "no result"}"]);
        }
        var s = probe.Status;
        var failures = new List<string>();
        if (!s.IsReplica)
        {
            failures.Add("replication is not configured (SHOW SLAVE STATUS is empty): this is not a replica");
        }
        else
        {
            if (!s.IoRunning)
            {
                failures.Add("IO thread is not running" + ErrorSuffix(s.LastIoError));
            }
            if (!s.SqlRunning)
            {
                failures.Add("SQL thread is not running" + ErrorSuffix(s.LastSqlError));
            }
            if (s.SqlRunning && s.SecondsBehindMaster is null)
            {
                failures.Add("lag is unknown (Seconds_Behind_Master is NULL)");
            }
            else if (s.SecondsBehindMaster > policy.MaxLagSeconds)
            {
                failures.Add($"lag {s.SecondsBehindMaster} s exceeds the {policy.MaxLagSeconds} s threshold");
            }
        }
        if (!s.ReadOnly)
        {
            failures.Add("read_only is OFF: local writes would make the backup differ from the primary");
        }
        if (s.FreeDiskBytes < policy.MinFreeDiskBytes)
        {
            failures.Add($"free disk {TransferProgress.Format(s.FreeDiskBytes)} is below the {TransferProgress.Format(policy.MinFreeDiskBytes)} minimum");
        }
        return new ReplicaVerdict(probe.InstanceId, s, failures);
    }

    /// <summary>The healthiest replica: least lag, then most free disk. Throws naming every failed check when none qualifies.</summary>
    public ReplicaVerdict Choose(string cluster, IReadOnlyList<ReplicaProbe> probes)
    {
        if (probes.Count == 0)
        {
            throw new NoHealthyReplicaException(
                $"cluster '{cluster}' has no replica to back up: pass \"replicas\" in the input or tag the replicas lifeboat:cluster={cluster}, lifeboat:role=replica.");
        }
        var verdicts = probes.Select(Judge).ToList();
        var best = verdicts
            .Where(v => v.Healthy)
            .OrderBy(v => v.Status!.SecondsBehindMaster)
            .ThenByDescending(v => v.Status!.FreeDiskBytes)
            .FirstOrDefault();
        if (best is not null)
        {
            return best;
        }
        var reasons = verdicts.Select(v => $"{v.InstanceId}{HostSuffix(v.Status)}: {string.Join("; ", v.Failures)}");
        throw new NoHealthyReplicaException(
            $"no replica of cluster '{cluster}' can be backed up — {string.Join(" | ", reasons)}. Fix replication on one of them (START SLAVE, check the errors above) and run the backup again.");
    }

    private static string ErrorSuffix(string? error) => string.IsNullOrWhiteSpace(error) ? "" : $" (last error: {error.Trim()})";

    private static string HostSuffix(ReplicaStatus? status) => status?.Host is { Length: > 0 } host ? $" ({host})" : "";
}

/// <summary>No candidate passed the replica checks. The ASL catches it by this name.</summary>
public sealed class NoHealthyReplicaException(string message) : Exception(message);
