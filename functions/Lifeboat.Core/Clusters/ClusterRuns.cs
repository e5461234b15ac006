using System.Globalization;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Clusters;

/// <summary>The scheduled work the fan-out runs for every cluster (ASL: statemachines/schedule.asl.json).</summary>
public static class ScheduledTasks
{
    public const string Backup = "backup";
    public const string Drill = "drill";
    public const string ShipBinlogs = "ship-binlogs";
    public const string Watchdog = "watchdog";
    public const string Retention = "retention";

    public static readonly IReadOnlyList<string> All = [Backup, Drill, ShipBinlogs, Watchdog, Retention];
}

/// <summary>The fan-out's input, as each schedule sends it: the task, and the time EventBridge Scheduler fired.</summary>
public sealed record ListClustersRequest
{
    public string? Task { get; init; }

    /// <summary>Scheduler's <c>&lt;aws.scheduler.scheduled-time&gt;</c>; the same for a retried delivery, so names repeat.</summary>
    public string? ScheduledTime { get; init; }
}

/// <summary>The input one cluster's run receives: the backup or restore execution's, or the function's.</summary>
public sealed record ClusterTaskInput
{
    public required string Cluster { get; init; }
    public string? Mode { get; init; }
    public IReadOnlyList<string>? Replicas { get; init; }
    public long? MaxLagSeconds { get; init; }
    public string? BinlogSource { get; init; }
}

public sealed record ClusterRun
{
    public required string Cluster { get; init; }

    /// <summary>Deterministic per task, cluster and scheduled time: a repeated delivery cannot start a second backup.</summary>
    public required string ExecutionName { get; init; }

    public required ClusterTaskInput Input { get; init; }
}

public sealed record ClusterRunPlan
{
    public required string Task { get; init; }

    /// <summary>Where the clusters came from: config/clusters.json, or the template parameters.</summary>
    public required string Source { get; init; }

    public required IReadOnlyList<ClusterRun> Clusters { get; init; }
}

/// <summary>Plans one schedule's run over every cluster: each cluster's input and execution name.</summary>
public static class ClusterRunPlanner
{
    public static ClusterRunPlan Plan(ListClustersRequest request, IReadOnlyList<ClusterDefinition> clusters, string source, DateTimeOffset now)
    {
        var task = request.Task;
        if (task is null || !ScheduledTasks.All.Contains(task, StringComparer.Ordinal))
        {
            throw new InvalidInputException(
                $"task '{Names.Shorten(task)}' is not a scheduled task: use one of {string.Join(", ", ScheduledTasks.All)} (the schedule's input names it).");
        }
        var at = ScheduledAt(request.ScheduledTime, now);
        return new ClusterRunPlan
        {
            Task = task,
            Source = source,
            Clusters = clusters.Select(c => new ClusterRun
            {
                Cluster = c.Name,
                ExecutionName = $"{task}-{c.Name}-{at.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}",
                Input = Input(task, c),
            }).ToList(),
        };
    }

    private static ClusterTaskInput Input(string task, ClusterDefinition cluster) => task switch
    {
        ScheduledTasks.Backup => new ClusterTaskInput { Cluster = cluster.Name, Replicas = cluster.Replicas, MaxLagSeconds = cluster.MaxLagSeconds },
        ScheduledTasks.Drill => new ClusterTaskInput { Cluster = cluster.Name, Mode = "drill" },
        ScheduledTasks.ShipBinlogs => new ClusterTaskInput { Cluster = cluster.Name, BinlogSource = cluster.BinlogSource },
        ScheduledTasks.Watchdog => new ClusterTaskInput { Cluster = cluster.Name, MaxLagSeconds = cluster.MaxLagSeconds },
        _ => new ClusterTaskInput { Cluster = cluster.Name },
    };

    /// <summary>A run started by hand has no scheduled time (or Scheduler's placeholder unreplaced): it is named after now.</summary>
    private static DateTimeOffset ScheduledAt(string? scheduledTime, DateTimeOffset now) =>
        scheduledTime is { Length: > 0 } text && !text.StartsWith('<')
            ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : throw new InvalidInputException($"scheduledTime '{Names.Shorten(text)}' is not an ISO 8601 time such as 2026-11-22T03:00:00Z.")
            : now;
}
