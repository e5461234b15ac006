using System.Globalization;
using System.Text.Json;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;
using Lifeboat.Core.Workflow;

namespace Lifeboat.Core.Backup;

/// <summary>
/// The lock task's input: <c>{ "action": "acquire" | "release", "cluster": "main", "executionId": "arn:…" }</c>. The
/// workflow's first state passes its whole input as <c>request</c> instead of <c>cluster</c>, so that an input without
/// a cluster gets this function's clear error rather than a JSONPath failure.
/// </summary>
public sealed record BackupLockInput
{
    public string? Action { get; init; }
    public string? Cluster { get; init; }
    public BackupRequest? Request { get; init; }
    public string? ExecutionId { get; init; }
}

/// <summary>One lease of a cluster's backup lock, <c>locks/&lt;cluster&gt;/backup/&lt;sequence&gt;.json</c>.</summary>
public sealed record BackupLease
{
    public required string Cluster { get; init; }
    public required long Sequence { get; init; }
    public required string ExecutionId { get; init; }
    public required DateTimeOffset AcquiredAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>The execution whose expired lease this one took over, if any.</summary>
    public string? TookOverFrom { get; init; }
}

/// <summary><c>$.lock</c> in the backup workflow.</summary>
public sealed record BackupLockResult
{
    public required string Cluster { get; init; }
    public required string ExecutionId { get; init; }
    public long Sequence { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public bool Held { get; init; }
    public string? TookOverFrom { get; init; }
}

/// <summary>
/// One backup execution per cluster at a time. The bucket lets only EnforceRetention delete, so the lock is never
/// deleted: each acquisition writes the next numbered lease with If-None-Match: * (of two executions racing for the
/// same number, S3 lets exactly one write it), and a release writes <c>&lt;sequence&gt;.released.json</c> beside it.
/// The newest lease holds the lock until it is released, its execution has ended, or it expires: an execution that times
/// out or is stopped runs no Catch and so never releases, so a contender asks Step Functions whether the holder still
/// runs; the expiry, past the state machine's timeout, is the backstop when that cannot be known.
/// </summary>
public sealed class BackupLock(IObjectStore store, IExecutionStatus executions, TimeSpan leaseDuration, TimeProvider clock, IProgressLog log)
{
    public const string Acquire = "acquire";
    public const string Release = "release";

    public static string Folder(string cluster) => $"locks/{cluster}/backup/";

    public static string LeaseKey(string cluster, long sequence) => Folder(cluster) + sequence.ToString("D10", CultureInfo.InvariantCulture) + ".json";

    public static string ReleaseKey(string cluster, long sequence) => Folder(cluster) + sequence.ToString("D10", CultureInfo.InvariantCulture) + ".released.json";

    public Task<BackupLockResult> HandleAsync(BackupLockInput input, CancellationToken cancellationToken) => input.Action switch
    {
        Acquire => AcquireAsync(Validated(input), cancellationToken),
        Release => ReleaseAsync(Validated(input), cancellationToken),
        _ => throw new InvalidInputException($"action '{Names.Shorten(input.Action)}' is not a lock action: use \"acquire\" or \"release\"."),
    };

    private static (string Cluster, string ExecutionId) Validated(BackupLockInput input)
    {
        var cluster = input.Cluster ?? input.Request?.Cluster;
        Names.RequireCluster(cluster);
        if (string.IsNullOrWhiteSpace(input.ExecutionId) || input.ExecutionId.Length > 2048)
        {
            throw new InvalidInputException("executionId is required (the workflow passes $$.Execution.Id) and at most 2048 characters.");
        }
        return (cluster!, input.ExecutionId);
    }

    private async Task<BackupLockResult> AcquireAsync((string Cluster, string ExecutionId) request, CancellationToken cancellationToken)
    {
        var (cluster, executionId) = request;
        var now = clock.GetUtcNow();
        var (newest, released) = await NewestAsync(cluster, cancellationToken);
        string? tookOverFrom = null;
        if (newest is not null && !released)
        {
            if (newest.ExecutionId == executionId)
            {
                // A retried invocation of the same execution: it already holds the lock.
                return Result(newest, held: true);
            }
            var holder = now < newest.ExpiresAt ? await executions.StatusAsync(newest.ExecutionId, cancellationToken) : null;
            if (now < newest.ExpiresAt && holder is not null && holder != "RUNNING")
            {
                log.Info($"backup lock of {cluster}: lease {newest.Sequence} of {newest.ExecutionId} was never released and that execution has ended ({holder}); taking it over");
            }
            else if (now < newest.ExpiresAt)
            {
                throw new BackupAlreadyRunningException(
                    $"a backup of cluster {cluster} is already running: execution {newest.ExecutionId}, which took the lock at {Iso(newest.AcquiredAt)}. " +
                    $"This execution did nothing. Wait for that one to finish. A holder that has ended (stopped or timed out) is taken over by the next backup; " +
                    $"if its status cannot be read, its lock expires at {Iso(newest.ExpiresAt)}, or release it now by writing the object {ReleaseKey(cluster, newest.Sequence)} (any content).");
            }
            else
            {
                log.Info($"backup lock of {cluster}: lease {newest.Sequence} of {newest.ExecutionId} expired at {Iso(newest.ExpiresAt)} without a release; taking it over");
            }
            tookOverFrom = newest.ExecutionId;
        }
        var lease = new BackupLease
        {
            Cluster = cluster,
            Sequence = (newest?.Sequence ?? 0) + 1,
            ExecutionId = executionId,
            AcquiredAt = now,
            ExpiresAt = now + leaseDuration,
            TookOverFrom = tookOverFrom,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(lease, LifeboatJson.Default.BackupLease);
        if (!await store.PutIfAbsentAsync(LeaseKey(cluster, lease.Sequence), body, "application/json", cancellationToken))
        {
            throw new BackupAlreadyRunningException(
                $"another backup execution of cluster {cluster} took the lock (lease {lease.Sequence}) at the same moment as this one. This execution did nothing; the other one runs.");
        }
        log.Info($"backup lock of {cluster}: lease {lease.Sequence} taken by {executionId} until {Iso(lease.ExpiresAt)}");
        return Result(lease, held: true);
    }

    private async Task<BackupLockResult> ReleaseAsync((string Cluster, string ExecutionId) request, CancellationToken cancellationToken)
    {
        var (cluster, executionId) = request;
        var (newest, _) = await NewestAsync(cluster, cancellationToken);
        if (newest is null || newest.ExecutionId != executionId)
        {
            // Never release another execution's lease: this one's expired and was taken over, or it never held one.
            log.Info($"backup lock of {cluster}: {executionId} does not hold the newest lease ({newest?.ExecutionId ?? "none"}); nothing released");
            return new BackupLockResult { Cluster = cluster, ExecutionId = executionId, Held = false };
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(new BackupLockResult { Cluster = cluster, ExecutionId = executionId, Sequence = newest.Sequence, Held = false }, LifeboatJson.Default.BackupLockResult);
        // Absent or already there: either way the lease is released (a retried release is harmless).
        await store.PutIfAbsentAsync(ReleaseKey(cluster, newest.Sequence), body, "application/json", cancellationToken);
        log.Info($"backup lock of {cluster}: lease {newest.Sequence} released by {executionId}");
        return Result(newest, held: false);
    }

    private async Task<(BackupLease? Newest, bool Released)> NewestAsync(string cluster, CancellationToken cancellationToken)
    {
        var folder = Folder(cluster);
        string? newestKey = null;
        var releases = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync(folder, cancellationToken))
        {
            var name = item.Key[folder.Length..];
            if (name.EndsWith(".released.json", StringComparison.Ordinal))
            {
                releases.Add(name[..^".released.json".Length]);
            }
            else if (name.EndsWith(".json", StringComparison.Ordinal) && (newestKey is null || string.CompareOrdinal(item.Key, newestKey) > 0))
            {
                newestKey = item.Key;
            }
        }
        if (newestKey is null)
        {
            return (null, false);
        }
        var bytes = await store.GetBytesAsync(newestKey, cancellationToken)
            ?? throw new InvalidOperationException($"{newestKey} was listed but cannot be read");
        var lease = JsonSerializer.Deserialize(bytes, LifeboatJson.Default.BackupLease)
            ?? throw new InvalidOperationException($"{newestKey} is not a lease");
        return (lease, releases.Contains(newestKey[folder.Length..^".json".Length]));
    }

    private static BackupLockResult Result(BackupLease lease, bool held) => new()
    {
        Cluster = lease.Cluster,
        ExecutionId = lease.ExecutionId,
        Sequence = lease.Sequence,
        ExpiresAt = lease.ExpiresAt,
        Held = held,
        TookOverFrom = lease.TookOverFrom,
    };

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Another execution holds the cluster's backup lock; this one started nothing.</summary>
public sealed class BackupAlreadyRunningException(string message) : Exception(message);
