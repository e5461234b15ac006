using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lifeboat.Sandbox;

// The CLI behind ./run: the sandbox's control commands, the demo, and the sandbox host process itself.
var arguments = args.ToList();
var root = TakeOption(arguments, "--root");
var basePort = TakeOption(arguments, "--base-port") ?? Environment.GetEnvironmentVariable("LIFEBOAT_SANDBOX_BASE_PORT");
var json = arguments.Remove("--json");
var opsFlags = arguments.FirstOrDefault() == "ops"
    ? new OpsFlags
    {
        Stack = TakeOption(arguments, "--stack"),
        Bucket = TakeOption(arguments, "--bucket"),
        Cluster = TakeOption(arguments, "--cluster"),
        Region = TakeOption(arguments, "--region") ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"),
        S3Endpoint = TakeOption(arguments, "--s3-endpoint"),
        StateMachineArn = TakeOption(arguments, "--state-machine-arn"),
        StepFunctionsEndpoint = TakeOption(arguments, "--sfn-endpoint"),
        CloudFormationEndpoint = TakeOption(arguments, "--cloudformation-endpoint"),
        CloudWatchEndpoint = TakeOption(arguments, "--cloudwatch-endpoint"),
    }
    : null;
var repoRoot = SandboxLayout.FindRepoRoot(AppContext.BaseDirectory);
int port;
try
{
    port = CliArguments.BasePort(basePort);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
var layout = SandboxLayout.Default(repoRoot) with
{
    Root = root ?? Path.Combine(repoRoot, ".sandbox"),
    BasePort = port,
};
var sandbox = new Sandbox(layout, Console.Out);

try
{

    return arguments switch
    {
        ["host"] => await Host(),
        ["demo"] => await Demo.RunAsync(sandbox, Console.Out),
        ["ops", "status"] => await OpsStatus(),
        ["ops", "find-destructive", .. var rest] => await OpsFindDestructive(rest),
        ["ops", "restore", .. var rest] => await OpsRestore(rest),
        ["sandbox", "up"] => await Do(sandbox.UpAsync),
        ["sandbox", "down"] => await Do(sandbox.DownAsync),
        ["sandbox", "destroy"] => await Do(sandbox.DestroyAsync),
        ["sandbox", "status"] => await Status(),
        ["sandbox", "sql", var instance, var sql] => await Sql(instance, sql),
        ["sandbox", "load-sample"] => await LoadSample(),
        ["sandbox", "backup"] => await Backup(),
        ["sandbox", "ship-binlogs"] => await ShipBinlogs(),
        ["sandbox", "catalog"] => await Catalog(),
        ["sandbox", "find-destructive"] => await FindDestructive(null),
        ["sandbox", "find-destructive", "--since", var since] => await FindDestructive(CliArguments.Time("--since", since).ToString("O", CultureInfo.InvariantCulture)),
        ["sandbox", "watchdog"] => await Watchdog(),
        ["sandbox", "alarms"] => Alarms(),
        ["sandbox", "schedule", var schedule] => await Schedule(schedule),
        ["sandbox", "drill", .. var options] => await Restore(CliArguments.DrillInput(SandboxLayout.Cluster, options)),
        ["sandbox", "restore", .. var options] => await Restore(CliArguments.RestoreInput(SandboxLayout.Cluster, options)),
        ["sandbox", "retention"] => await Retention(dryRun: false),
        ["sandbox", "retention", "--dry-run"] => await Retention(dryRun: true),
        _ => Usage(),
    };
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or TimeoutException or Lifeboat.Core.InvalidInputException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (Lifeboat.Aws.Protocol.AwsServiceException e)
{
    Console.Error.WriteLine($"error: {e}");
    return 1;
}
catch (HttpRequestException e) when (opsFlags is not null)
{
    Console.Error.WriteLine($"error: cannot reach AWS ({e.Message}): check the network, --region, and any --*-endpoint flags");
    return 1;
}

async Task<int> Host()
{
    // Not disposed: SIGTERM's ProcessExit handler may still cancel it after the host returns.
    var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
    await SandboxHost.RunAsync(layout, stop.Token);
    return 0;
}

async Task<int> Do(Func<Task> action)
{
    await action();
    return 0;
}

async Task<int> Status()
{
    foreach (var line in await sandbox.StatusAsync())
    {
        Console.WriteLine(line);
    }
    return 0;
}

async Task<int> Sql(string instance, string sql)
{
    Console.WriteLine(await MariaDb.QueryAsync(sandbox.State.Instance(instance), sql));
    return 0;
}

async Task<int> LoadSample()
{
    await SampleData.LoadAsync(sandbox.State.Instance("primary"), 20_000);
    Console.WriteLine("loaded shop.customers and shop.orders on the primary");
    return 0;
}

async Task<int> Backup()
{
    var outcome = await sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, TimeSpan.FromMinutes(30));
    Console.WriteLine(ExecutionJson(outcome));
    return outcome.Succeeded ? 0 : 1;
}

async Task<int> Restore(JsonObject input)
{
    var outcome = await sandbox.RunStateMachineAsync("RestoreStateMachine", input, TimeSpan.FromMinutes(60));
    Console.WriteLine(ExecutionJson(outcome));
    return outcome.Succeeded ? 0 : 1;
}

async Task<int> FindDestructive(string? since)
{
    var input = new JsonObject { ["cluster"] = SandboxLayout.Cluster };
    if (since is not null)
    {
        input["since"] = since;
    }
    var events = (await sandbox.InvokeFunctionAsync("FindDestructiveFunction", input))!.AsArray();
    if (json)
    {
        Console.WriteLine(events.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
    Console.WriteLine(events.Count == 0 ? "no destructive statements in the cataloged binlogs" : $"{events.Count} destructive statement(s):");
    foreach (var e in events)
    {
        Console.WriteLine($"  {e!["time"]}  gtid {e["gtid"]}  {e["kind"]}  {string.Join(", ", e["objects"]!.AsArray().Select(o => o!.GetValue<string>()))}  (default schema {e["schema"]}, {e["file"]} at {e["offset"]})");
        Console.WriteLine($"      {e["statement"]}");
        Console.WriteLine($"      restore to just before it: ./run sandbox restore --before-gtid {e["gtid"]}");
    }
    return 0;
}

async Task<(Ops Ops, OpsTarget Target)> OpsFor()
{
    CliArguments.OpsStack(opsFlags!.Stack, opsFlags.CloudFormationEndpoint, opsFlags.CloudWatchEndpoint);
    var target = await opsFlags.ResolveAsync(CancellationToken.None);
    // The same checks whether a value came from a flag or from the stack's outputs.
    CliArguments.Ops(target.Bucket, target.Cluster, target.Region, target.S3Endpoint, target.StateMachineArn, target.StepFunctionsEndpoint);
    return (new Ops(target, Console.Out), target);
}

async Task<int> OpsStatus()
{
    foreach (var line in await (await OpsFor()).Ops.StatusAsync())
    {
        Console.WriteLine(line);
    }
    return 0;
}

async Task<int> OpsFindDestructive(IReadOnlyList<string> options)
{
    DateTimeOffset? since = options switch
    {
        [] => null,
        ["--since", var text] => CliArguments.Time("--since", text),
        _ => throw new ArgumentException($"unknown find-destructive options '{CliArguments.Printable(string.Join(' ', options))}': use --since <ISO-8601 time>, or nothing."),
    };
    var events = await (await OpsFor()).Ops.FindDestructiveAsync(since);
    Console.WriteLine(events.Count == 0 ? "no destructive statements in the cataloged binlogs" : $"{events.Count} destructive statement(s):");
    foreach (var e in events)
    {
        Console.WriteLine($"  {e.Time:yyyy-MM-dd HH:mm:ss}Z  gtid {e.Gtid}  {e.Kind}  {string.Join(", ", e.Objects)}  ({e.File} at {e.Offset})");
        Console.WriteLine($"      {e.Statement}");
    }
    return 0;
}

async Task<int> OpsRestore(IReadOnlyList<string> options)
{
    // Checked before any AWS call, so that a deployed stack never starts an execution for a typo.
    var input = CliArguments.RestoreInput(opsFlags!.Cluster ?? "main", options);
    var (ops, target) = await OpsFor();
    input["cluster"] = target.Cluster;
    var (status, output, error, cause) = await ops.RestoreAsync(input, TimeSpan.FromHours(48));
    Console.WriteLine(new JsonObject { ["status"] = status, ["output"] = output is null ? null : JsonNode.Parse(output), ["error"] = error, ["cause"] = cause }
        .ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    return status == "SUCCEEDED" ? 0 : 1;
}

async Task<int> Watchdog()
{
    var report = await sandbox.InvokeFunctionAsync("WatchdogFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });
    Console.WriteLine(report?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

async Task<int> Schedule(string schedule)
{
    var outcome = await sandbox.RunScheduleAsync(schedule, TimeSpan.FromMinutes(30));
    Console.WriteLine(outcome.Succeeded ? outcome.Output : $"{outcome.Status} {outcome.Error}: {outcome.Cause}");
    return outcome.Succeeded ? 0 : 1;
}

int Alarms()
{
    var alarms = sandbox.Alarms();
    foreach (var state in alarms.Evaluate(DateTimeOffset.UtcNow))
    {
        Console.WriteLine($"{state.State,-6} {state.Name}: {state.Reason}");
    }
    var pages = alarms.Pages();
    Console.WriteLine(pages.Count == 0 ? "outbox: no pages" : $"outbox ({alarms.OutboxFile}):");
    foreach (var page in pages.TakeLast(20))
    {
        Console.WriteLine($"  {page.Time:HH:mm:ss} {page.Alarm}: {page.From} → {page.To} — {page.Reason}");
    }
    return 0;
}

async Task<int> ShipBinlogs()
{
    var result = await sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });
    Console.WriteLine(result?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

async Task<int> Catalog()
{
    var view = await CatalogView.LoadAsync(sandbox.Bucket(), SandboxLayout.Cluster);
    if (json)
    {
        Console.WriteLine(view.Json());
    }
    else
    {
        foreach (var line in view.Lines())
        {
            Console.WriteLine(line);
        }
    }
    return 0;
}

async Task<int> Retention(bool dryRun)
{
    var result = await sandbox.InvokeFunctionAsync("EnforceRetentionFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["dryRun"] = dryRun });
    foreach (var line in result![0]!["plan"]!.AsArray())
    {
        Console.WriteLine(line);
    }
    return 0;
}

static string ExecutionJson(ExecutionOutcome outcome)
{
    var node = new JsonObject
    {
        ["executionArn"] = outcome.ExecutionArn,
        ["status"] = outcome.Status,
        ["output"] = outcome.Output is null ? null : JsonNode.Parse(outcome.Output),
        ["error"] = outcome.Error,
        ["cause"] = outcome.Cause,
    };
    return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: ./run demo
               ./run sandbox up | down | destroy | status | load-sample | backup | ship-binlogs | catalog [--json] | retention [--dry-run] | drill [--offsite] | find-destructive [--since <time>] [--json] | watchdog | alarms
               ./run sandbox restore --latest | --to <time> | --before-gtid <gtid> [--keep] [--offsite]
               ./run sandbox sql <primary|replica> "<SQL>"
               ./run sandbox schedule DailyBackup | DailyDrill | ShippingSchedule | WatchdogSchedule | DailyRetention   (every cluster)
               ./run ops status --stack <name> [--region <region>]
               ./run ops find-destructive --stack <name> [--since <ISO time>]
               ./run ops restore --stack <name> --latest | --to <ISO time> | --before-gtid <gtid> [--keep] [--offsite]
               (ops: --bucket, --cluster, --state-machine-arn override the stack's outputs; --s3-endpoint, --sfn-endpoint,
                --cloudformation-endpoint, --cloudwatch-endpoint point the clients elsewhere, e.g. at the sandbox)
        """);
    return 2;
}

static string? TakeOption(List<string> arguments, string name)
{
    var index = arguments.IndexOf(name);
    if (index < 0 || index + 1 >= arguments.Count)
    {
        return null;
    }
    var value = arguments[index + 1];
    arguments.RemoveRange(index, 2);
    return value;
}
