using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lifeboat.Aws.Protocol;
using Lifeboat.Aws.S3;
using Lifeboat.Core.Storage;

namespace Lifeboat.Sandbox;

/// <summary>Brings the sandbox up and down and runs its workflows, through the same clients the deployed system uses.</summary>
public sealed class Sandbox(SandboxLayout layout, TextWriter console)
{
    public SandboxLayout Layout => layout;

    public SandboxState State => SandboxState.Load(layout);

    /// <summary>Idempotent: starts whatever is not running, leaves the rest alone.</summary>
    public async Task UpAsync()
    {
        CheckPrerequisites();
        Directory.CreateDirectory(layout.Root);
        var state = SandboxState.Load(layout);
        var primary = await EnsureInstanceAsync(state, "primary", "i-00000000000000001", layout.PrimaryPort, 1, "primary", readOnly: false);
        var replica = await EnsureInstanceAsync(state, "replica", "i-00000000000000002", layout.ReplicaPort, 2, "replica", readOnly: true);
        state.Save(layout);
        await MariaDb.SecurePrimaryAsync(primary);
        await MariaDb.StartReplicationAsync(replica, primary);

        await EnsureProcessAsync(state, "host",
            ["dotnet", typeof(Sandbox).Assembly.Location, "host", "--root", layout.Root, "--base-port", layout.BasePort.ToString(CultureInfo.InvariantCulture)],
            () => HttpReadyAsync($"{layout.HostUrl}/health"),
            // As the Lambda runtime does: credentials and region in the environment, for the SDK's default chain.
            new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "SANDBOX", ["AWS_SECRET_ACCESS_KEY"] = "sandbox", ["AWS_REGION"] = SandboxLayout.Region });
        await EnsureProcessAsync(state, "s3",
            [layout.NodeBinary, Path.Combine(layout.NodeDir, "s3.mjs"), "--port", layout.S3Port.ToString(CultureInfo.InvariantCulture),
             "--directory", layout.S3Dir, "--bucket", SandboxLayout.Bucket, "--bucket", SandboxLayout.OffsiteBucket, "--events-url", $"{layout.HostUrl}/s3-events",
             "--faults-dir", SandboxFaults.Dir(layout), "--quiet"],
            () => HttpReadyAsync(layout.S3Url),
            new Dictionary<string, string> { ["NODE_OPTIONS"] = "--openssl-legacy-provider" });
        var config = WriteStepFunctionsConfig();
        await EnsureProcessAsync(state, "stepfunctions",
            [layout.NodeBinary, Path.Combine(layout.NodeDir, "stepfunctions.mjs"), "--port", layout.StepFunctionsPort.ToString(CultureInfo.InvariantCulture),
             "--config", config, "--log", Path.Combine(layout.LogDir, "executions.jsonl")],
            () => HttpReadyAsync(layout.StepFunctionsUrl));
        state.Save(layout);
        console.WriteLine($"sandbox up: primary :{primary.Port}, replica :{replica.Port} (GTID replication), S3 {layout.S3Url}, Step Functions {layout.StepFunctionsUrl}, host {layout.HostUrl}");
    }

    /// <summary>Stops every process the sandbox started, by PID. Data stays for the next <c>up</c>.</summary>
    public async Task DownAsync()
    {
        var state = SandboxState.Load(layout);
        foreach (var process in state.Processes.AsEnumerable().Reverse())
        {
            var stopped = await Processes.StopAsync(process.Pid, TimeSpan.FromSeconds(10));
            console.WriteLine($"{process.Name} (pid {process.Pid}): {(stopped ? "stopped" : "STILL RUNNING")}");
        }
        foreach (var target in state.Instances.Where(i => i.Role == "restore-target"))
        {
            await RestoreTargets.StopAsync(target);
            console.WriteLine($"{target.Name} (restore target {target.InstanceId}): stopped");
        }
        foreach (var instance in state.Instances.Where(i => i.Pid > 0))
        {
            var stopped = await Processes.StopAsync(instance.Pid, TimeSpan.FromSeconds(60));
            console.WriteLine($"{instance.Name} mariadbd (pid {instance.Pid}): {(stopped ? "stopped" : "STILL RUNNING")}");
        }
        state.Processes.Clear();
        state.Instances = state.Instances.Select(i => i with { Pid = 0 }).ToList();
        state.Save(layout);
    }

    /// <summary>Stops everything and deletes the sandbox's state folder.</summary>
    public async Task DestroyAsync()
    {
        await DownAsync();
        if (Directory.Exists(layout.Root))
        {
            Ec2StandIn.UnmountAll(layout.Root);
            Directory.Delete(layout.Root, recursive: true);
        }
    }

    public async Task<IReadOnlyList<string>> StatusAsync()
    {
        var state = SandboxState.Load(layout);
        var lines = new List<string>();
        foreach (var p in state.Processes)
        {
            lines.Add($"{p.Name,-14} pid {p.Pid,-8} {(Processes.IsAlive(p.Pid) ? "running" : "STOPPED")}  log {p.Log}");
        }
        foreach (var i in state.Instances)
        {
            var alive = i.Pid > 0 && Processes.IsAlive(i.Pid);
            var detail = "";
            if (alive && i.Role == "replica")
            {
                var status = await MariaDb.QueryAsync(i, "SELECT CONCAT(@@gtid_slave_pos)", throwOnError: false);
                detail = $" gtid_slave_pos {status}";
            }
            lines.Add($"{i.Name,-14} pid {i.Pid,-8} {(alive ? "running" : "STOPPED")}  {i.InstanceId} port {i.Port}{detail}");
        }
        if (lines.Count == 0)
        {
            lines.Add("sandbox is not up: ./run sandbox up");
        }
        return lines;
    }

    public StepFunctionsClient StepFunctions() => layout.StepFunctionsClient();

    public IObjectStore Bucket() => new S3ObjectStore(S3ClientFactory.Create(SandboxLayout.Region, layout.S3Url), SandboxLayout.Bucket);

    /// <summary>The off-site copy the replication stand-in fills (a second bucket on the same s3rver).</summary>
    public IObjectStore OffsiteBucket() => new S3ObjectStore(S3ClientFactory.Create(SandboxLayout.OffsiteRegion, layout.S3Url), SandboxLayout.OffsiteBucket);

    /// <summary>Invokes a function through the host, as a schedule or another AWS service would; throws with its error.</summary>
    public async Task<JsonNode?> InvokeFunctionAsync(string logicalId, JsonNode payload)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(15) };
        using var response = await http.PostAsync($"{layout.HostUrl}/lambda/{logicalId}", new StringContent(payload.ToJsonString()));
        var body = await response.Content.ReadAsStringAsync();
        if (response.Headers.Contains("X-Amz-Function-Error"))
        {
            var error = JsonNode.Parse(body);
            throw new InvalidOperationException($"{logicalId} failed with {error?["errorType"]}: {error?["errorMessage"]}");
        }
        return JsonNode.Parse(body);
    }

    public SandboxAlarms Alarms() => new(layout, SamTemplate.Load(layout, SandboxParameters.Values));

    /// <summary>Terminates a restore target through the EC2 stand-in, as an operator would with the console.</summary>
    public async Task TerminateAsync(string instanceId)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"{layout.HostUrl}/sdk/ec2/terminateInstances",
            new StringContent(new JsonObject { ["InstanceIds"] = new JsonArray(instanceId) }.ToJsonString()));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Fault injection: the state machine's next executions time out after <paramref name="after"/>, as if they had run
    /// past their TimeoutSeconds; null restores the definition's timeout.
    /// </summary>
    public async Task SetExecutionTimeoutAsync(string logicalId, TimeSpan? after)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"{layout.StepFunctionsUrl}/sandbox/execution-timeout", new StringContent(new JsonObject
        {
            ["stateMachineArn"] = SandboxLayout.StateMachineArn(logicalId),
            ["seconds"] = after?.TotalSeconds,
        }.ToJsonString()));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Fault injection: EC2 refuses every termination while set.</summary>
    public void FailTerminations(bool fail)
    {
        var file = Ec2StandIn.TerminationFaultFile(layout);
        if (fail)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "");
        }
        else
        {
            File.Delete(file);
        }
    }

    /// <summary>Stops a running execution as an operator would (StopExecution).</summary>
    public async Task StopExecutionAsync(string executionArn, string cause)
    {
        using var sfn = StepFunctions();
        await sfn.StopExecutionAsync(new StopExecutionRequest { ExecutionArn = executionArn, Cause = cause }, CancellationToken.None);
    }

    /// <summary>Starts an execution and returns its ARN without waiting.</summary>
    public async Task<string> StartStateMachineAsync(string logicalId, JsonNode input)
    {
        using var sfn = StepFunctions();
        var started = await sfn.StartExecutionAsync(new StartExecutionRequest
        {
            StateMachineArn = SandboxLayout.StateMachineArn(logicalId),
            Name = $"{logicalId}-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString()[..8]}",
            Input = input.ToJsonString(),
        }, CancellationToken.None);
        return started.ExecutionArn!;
    }

    /// <summary>Follows an execution, however it was started, to the end.</summary>
    public async Task<ExecutionOutcome> FollowExecutionAsync(string executionArn, TimeSpan timeout)
    {
        using var sfn = StepFunctions();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var execution = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = executionArn }, CancellationToken.None);
            if (execution.Status != SfnExecutionStatus.Running)
            {
                return new ExecutionOutcome(executionArn, execution.Status ?? "UNKNOWN", execution.Output, execution.Error, execution.Cause);
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{executionArn} still running after {timeout.TotalMinutes:0} min");
            }
            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Does what one of template.yaml's schedules does when it fires: starts its state machine with its input, Scheduler's
    /// scheduled time filled in (now, unless given), and follows the execution to the end.
    /// </summary>
    public Task<ExecutionOutcome> RunScheduleAsync(string schedule, TimeSpan timeout, DateTimeOffset? scheduledTime = null)
    {
        var spec = SamTemplate.Load(layout, SandboxParameters.Values).Schedules.FirstOrDefault(s => s.Name == schedule)
            ?? throw new ArgumentException($"template.yaml has no schedule {schedule}");
        var at = (scheduledTime ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var input = spec.Input.Replace("<aws.scheduler.scheduled-time>", at, StringComparison.Ordinal);
        return RunStateMachineAsync(spec.Target, JsonNode.Parse(input)!, timeout);
    }

    /// <summary>Starts an execution and follows it to the end.</summary>
    public async Task<ExecutionOutcome> RunStateMachineAsync(string logicalId, JsonNode input, TimeSpan timeout)
    {
        var executionArn = await StartStateMachineAsync(logicalId, input);
        Console.Error.WriteLine($"started {executionArn}");
        return await FollowExecutionAsync(executionArn, timeout);
    }

    private void CheckPrerequisites()
    {
        var missing = new[] { "/usr/sbin/mariadbd", "/usr/bin/mariabackup", "/usr/bin/zstd", "/usr/bin/aws", layout.NodeBinary }
            .Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"missing {string.Join(", ", missing)}: run ./run sandbox up, which installs the prerequisites first");
        }
    }

    private async Task<InstanceEntry> EnsureInstanceAsync(SandboxState state, string name, string instanceId, int port, int serverId, string role, bool readOnly)
    {
        var instance = state.Instances.FirstOrDefault(i => i.Name == name) ?? new InstanceEntry
        {
            Name = name,
            InstanceId = instanceId,
            Role = role,
            Port = port,
            ServerId = serverId,
            Dir = layout.InstanceDir(name),
            Tags = new Dictionary<string, string> { ["lifeboat:cluster"] = SandboxLayout.Cluster, ["lifeboat:role"] = role },
            User = await MariaDb.ServerUserAsync(layout.InstancesDir),
        };
        if (instance.Pid > 0 && Processes.IsAlive(instance.Pid))
        {
            return instance;
        }
        await MariaDb.InitializeAsync(instance);
        instance = instance with { Pid = MariaDb.Start(instance, readOnly) };
        state.Instances.RemoveAll(i => i.Name == name);
        state.Instances.Add(instance);
        await MariaDb.WaitReadyAsync(instance, TimeSpan.FromSeconds(60));
        return instance;
    }

    private async Task EnsureProcessAsync(SandboxState state, string name, IReadOnlyList<string> arguments, Func<Task<bool>> ready, IReadOnlyDictionary<string, string>? environment = null)
    {
        var existing = state.Process(name);
        if (existing is not null && Processes.IsAlive(existing.Pid))
        {
            return;
        }
        state.Processes.RemoveAll(p => p.Name == name);
        var log = Path.Combine(layout.LogDir, $"{name}.log");
        var pid = Processes.StartDetached(arguments, log, layout.RepoRoot, environment);
        state.Processes.Add(new ProcessEntry(name, pid, log));
        state.Save(layout);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await ready())
        {
            if (!Processes.IsAlive(pid) || DateTime.UtcNow > deadline)
            {
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "";
                throw new InvalidOperationException($"{name} did not start (pid {pid}). Log tail from {log}:\n{tail}");
            }
            await Task.Delay(200);
        }
    }

    private static async Task<bool> HttpReadyAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(url);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private string WriteStepFunctionsConfig()
    {
        var template = SamTemplate.Load(layout, SandboxParameters.Values);
        var machines = new JsonArray();
        foreach (var machine in template.StateMachines)
        {
            var substitutions = new JsonObject();
            foreach (var (key, value) in machine.Substitutions)
            {
                substitutions[key] = value;
            }
            machines.Add(new JsonObject
            {
                ["arn"] = SandboxLayout.StateMachineArn(machine.LogicalId),
                ["definitionFile"] = machine.DefinitionFile,
                ["substitutions"] = substitutions,
            });
        }
        var config = new JsonObject
        {
            ["stateMachines"] = machines,
            ["lambdaEndpoint"] = $"{layout.HostUrl}/lambda/",
            ["sdkEndpoint"] = $"{layout.HostUrl}/sdk/",
            ["eventsEndpoint"] = $"{layout.HostUrl}/events",
            ["waitTimeScale"] = 0.05,
        };
        var file = Path.Combine(layout.Root, "stepfunctions.json");
        File.WriteAllText(file, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return file;
    }
}

public sealed record ExecutionOutcome(string ExecutionArn, string Status, string? Output, string? Error, string? Cause)
{
    public bool Succeeded => Status == "SUCCEEDED";
}
