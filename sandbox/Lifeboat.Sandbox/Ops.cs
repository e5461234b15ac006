using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Lifeboat.Aws.Protocol;
using Lifeboat.Aws.S3;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Forensics;
using Lifeboat.Core.Json;
using Lifeboat.Core.Restore;
using Lifeboat.Core.Storage;

namespace Lifeboat.Sandbox;

/// <summary>
/// Where a deployed Lifeboat is: its bucket and restore state machine, the stack whose alarms to show, and (for the
/// sandbox only) endpoint overrides.
/// </summary>
public sealed record OpsTarget(string Bucket, string Cluster, string? Region, string? S3Endpoint, string? StateMachineArn, string? StepFunctionsEndpoint)
{
    /// <summary>The stack's name, which prefixes its alarms' names; null when the target was given by flags alone.</summary>
    public string? Stack { get; init; }

    public string? CloudWatchEndpoint { get; init; }

    public IObjectStore Store() => new S3ObjectStore(S3ClientFactory.Create(Region, S3Endpoint), Bucket);

    public StepFunctionsClient StepFunctions() => new(ClientOptions(Region, StepFunctionsEndpoint));

    public CloudWatchClient CloudWatch() => new(ClientOptions(Region, CloudWatchEndpoint));

    public static AwsClientOptions ClientOptions(string? region, string? endpoint) => new()
    {
        Region = region,
        ServiceUrl = endpoint is null ? null : new Uri(endpoint),
        // The sandbox ignores signatures; AWS gets the usual credential chain.
        Credentials = endpoint is null ? null : new BasicAWSCredentials("SANDBOX", "sandbox"),
    };
}

/// <summary>
/// <c>./run ops …</c>: an operator's view of a deployed stack, through the same S3 adapter and Step Functions client the
/// Lambdas use, with credentials from the usual AWS chain.
/// </summary>
public sealed class Ops(OpsTarget target, TextWriter console)
{
    public async Task<IReadOnlyList<string>> StatusAsync()
    {
        var store = target.Store();
        var view = await CatalogView.LoadAsync(store, target.Cluster);
        var lines = view.Lines().ToList();
        var drill = await LatestDrillAsync(store);
        lines.Add(drill is null
            ? "drills: none recorded yet"
            : $"last {drill.Kind} {drill.ExecutionName}: {drill.Status} at {drill.FinishedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} — {drill.Summary}");
        lines.AddRange(await AlarmLinesAsync());
        return lines;
    }

    /// <summary>The stack's alarms (named <c>{stack}-…</c>), those in ALARM first, each with its state's start and reason.</summary>
    private async Task<IEnumerable<string>> AlarmLinesAsync()
    {
        if (target.Stack is null)
        {
            return ["alarms: give --stack <name> to see the stack's alarm states"];
        }
        using var cloudWatch = target.CloudWatch();
        var alarms = (await cloudWatch.DescribeAllAlarmsAsync($"{target.Stack}-", CancellationToken.None))
            .OrderBy(a => a.StateValue switch { "ALARM" => 0, "INSUFFICIENT_DATA" => 1, _ => 2 })
            .ThenBy(a => a.AlarmName, StringComparer.Ordinal)
            .ToList();
        var counts = string.Join(", ", alarms.GroupBy(a => a.StateValue).Select(g => $"{g.Count()} {g.Key}"));
        return alarms.Select(a =>
                $"  {a.StateValue,-17} {a.AlarmName}  since {a.StateUpdatedTimestamp?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "?"} — {a.StateReason}")
            .Prepend(alarms.Count == 0 ? $"alarms: none named {target.Stack}-*" : $"alarms of {target.Stack}: {counts}");
    }

    public Task<IReadOnlyList<DestructiveEvent>> FindDestructiveAsync(DateTimeOffset? since) =>
        new DestructiveEventSearch(target.Store()).FindAsync(target.Cluster, since, null, CancellationToken.None);

    /// <summary>Starts the restore state machine and follows it, printing each state as it is entered.</summary>
    public async Task<(string Status, string? Output, string? Error, string? Cause)> RestoreAsync(JsonObject input, TimeSpan timeout)
    {
        var arn = target.StateMachineArn ?? throw new ArgumentException("no restore state machine: give --stack <name> (its RestoreStateMachineArn output) or --state-machine-arn");
        using var sfn = target.StepFunctions();
        var started = await sfn.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = arn, Input = input.ToJsonString() }, CancellationToken.None);
        console.WriteLine($"started {started.ExecutionArn}");
        var deadline = DateTime.UtcNow + timeout;
        var began = DateTime.UtcNow;
        while (true)
        {
            var execution = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = started.ExecutionArn! }, CancellationToken.None);
            if (execution.Status != SfnExecutionStatus.Running)
            {
                return (execution.Status ?? "UNKNOWN", execution.Output, execution.Error, execution.Cause);
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{started.ExecutionArn} is still running after {timeout.TotalMinutes:0} min; it goes on: follow it in the console");
            }
            console.WriteLine($"  … running for {(DateTime.UtcNow - began).TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromSeconds(StepFunctionsPollSeconds));
        }
    }

    private double StepFunctionsPollSeconds => target.StepFunctionsEndpoint is null ? 15 : 1;

    private async Task<DrillRecord?> LatestDrillAsync(IObjectStore store)
    {
        StoredObject? newest = null;
        await foreach (var item in store.ListAsync(S3Layout.DrillCatalogFolder(target.Cluster), CancellationToken.None))
        {
            if (newest is null || item.LastModified > newest.LastModified)
            {
                newest = item;
            }
        }
        var bytes = newest is null ? null : await store.GetBytesAsync(newest.Key, CancellationToken.None);
        return bytes is null ? null : JsonSerializer.Deserialize(bytes, LifeboatJson.Default.DrillRecord);
    }
}
