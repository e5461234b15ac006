using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Lifeboat.Sandbox;

/// <summary>
/// The SSM side of the sandbox, speaking the SSM JSON protocol: SendCommand runs the document's content against a
/// sandbox instance (as root, with the instance's ~/.my.cnf and the S3 stand-in), GetCommandInvocation reports it.
/// </summary>
public sealed class SsmAgent(SandboxLayout layout, SamTemplate template, Action<string> log)
{
    private const int StdoutLimit = 24_000;
    private const int StderrLimit = 8_000;
    private readonly ConcurrentDictionary<string, Invocation> _invocations = new();

    private sealed class Invocation
    {
        public required string CommandId { get; init; }
        public required string InstanceId { get; init; }
        public required string DocumentName { get; init; }
        public required string Dir { get; init; }
        public DateTimeOffset Started { get; init; }
        public DateTimeOffset? Ended { get; set; }
        public string Status { get; set; } = "InProgress";
        public int ResponseCode { get; set; } = -1;
    }

    public JsonNode Handle(string operation, JsonNode request) => operation switch
    {
        "SendCommand" => SendCommand(request),
        "GetCommandInvocation" => GetCommandInvocation(request),
        "DescribeInstanceInformation" => DescribeInstanceInformation(request),
        _ => throw new SsmException("UnsupportedOperation", $"the sandbox does not implement SSM {operation}"),
    };

    private JsonNode SendCommand(JsonNode request)
    {
        var documentName = request["DocumentName"]?.GetValue<string>() ?? throw new SsmException("ValidationException", "DocumentName is required");
        var file = template.Documents.TryGetValue(documentName, out var f) ? f : throw new SsmException("InvalidDocument", $"document {documentName} does not exist");
        var document = SsmDocument.Load(documentName, file);
        var given = (request["Parameters"] as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value!.AsArray().Select(v => v!.GetValue<string>()).ToList());
        var bound = document.Bind(given);
        var ids = request["InstanceIds"]?.AsArray().Select(i => i!.GetValue<string>()).ToList() ?? [];
        if (ids.Count != 1)
        {
            throw new SsmException("ValidationException", "the sandbox sends to exactly one instance per command");
        }
        var state = SandboxState.Load(layout);
        var instance = state.Instances.FirstOrDefault(i => i.InstanceId == ids[0] && i.SsmOnline);
        if (instance is null)
        {
            throw new SsmException("InvalidInstanceId", $"instance {ids[0]} is not a managed instance that is online");
        }

        var commandId = Guid.NewGuid().ToString();
        var dir = Path.Combine(layout.CommandsDir, commandId);
        Directory.CreateDirectory(dir);
        var scriptPath = Path.Combine(dir, "_script.sh");
        File.WriteAllText(scriptPath, document.Render(bound));
        var invocation = new Invocation
        {
            CommandId = commandId, InstanceId = instance.InstanceId, DocumentName = documentName, Dir = dir, Started = DateTimeOffset.UtcNow,
        };
        _invocations[commandId] = invocation;
        Start(invocation, instance, scriptPath, document.Timeout);
        log($"ssm: {documentName} → {instance.Name} ({instance.InstanceId}) command {commandId}");

        return new JsonObject
        {
            ["Command"] = new JsonObject
            {
                ["CommandId"] = commandId,
                ["DocumentName"] = documentName,
                ["Status"] = "Pending",
                ["InstanceIds"] = new JsonArray(instance.InstanceId),
                ["RequestedDateTime"] = invocation.Started.ToUnixTimeMilliseconds() / 1000.0,
                ["Comment"] = request["Comment"]?.GetValue<string>(),
            },
        };
    }

    private void Start(Invocation invocation, InstanceEntry instance, string scriptPath, TimeSpan timeout)
    {
        Directory.CreateDirectory(Path.Combine(instance.Dir, "tmp"));
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = invocation.Dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(scriptPath);
        start.Environment["HOME"] = instance.Home;
        start.Environment["TMPDIR"] = Path.Combine(instance.Dir, "tmp");
        start.Environment["PATH"] = $"{layout.HostBinDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["LIFEBOAT_S3_ENDPOINT"] = layout.S3Url;
        start.Environment["LIFEBOAT_ETC"] = instance.EtcDir;
        start.Environment["AWS_ACCESS_KEY_ID"] = "S3RVER";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "S3RVER";
        start.Environment["AWS_DEFAULT_REGION"] = SandboxLayout.Region;
        var process = Process.Start(start)!;
        var stdout = CaptureAsync(process.StandardOutput.BaseStream, Path.Combine(invocation.Dir, "stdout"));
        var stderr = CaptureAsync(process.StandardError.BaseStream, Path.Combine(invocation.Dir, "stderr"));
        _ = Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
                invocation.ResponseCode = process.ExitCode;
                invocation.Status = process.ExitCode == 0 ? "Success" : "Failed";
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                invocation.Status = "TimedOut";
            }
            await Task.WhenAll(stdout, stderr);
            invocation.Ended = DateTimeOffset.UtcNow;
            log($"ssm: command {invocation.CommandId} on {invocation.InstanceId} {invocation.Status} (exit {invocation.ResponseCode})");
        });
    }

    private static async Task CaptureAsync(Stream output, string file)
    {
        await using var sink = File.Create(file);
        await output.CopyToAsync(sink);
    }

    private JsonNode GetCommandInvocation(JsonNode request)
    {
        var id = request["CommandId"]?.GetValue<string>() ?? "";
        if (!_invocations.TryGetValue(id, out var invocation) || invocation.InstanceId != request["InstanceId"]?.GetValue<string>())
        {
            throw new SsmException("InvocationDoesNotExist", $"no invocation of command {id} on {request["InstanceId"]}");
        }
        var done = invocation.Ended is not null;
        return new JsonObject
        {
            ["CommandId"] = invocation.CommandId,
            ["InstanceId"] = invocation.InstanceId,
            ["DocumentName"] = invocation.DocumentName,
            ["PluginName"] = "aws:runShellScript",
            ["ResponseCode"] = done ? invocation.ResponseCode : -1,
            ["ExecutionStartDateTime"] = invocation.Started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["ExecutionEndDateTime"] = invocation.Ended?.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) ?? "",
            ["Status"] = done ? invocation.Status : "InProgress",
            ["StatusDetails"] = done ? invocation.Status : "InProgress",
            ["StandardOutputContent"] = done ? Head(Path.Combine(invocation.Dir, "stdout"), StdoutLimit) : "",
            ["StandardErrorContent"] = done ? Head(Path.Combine(invocation.Dir, "stderr"), StderrLimit) : "",
        };
    }

    private JsonNode DescribeInstanceInformation(JsonNode request)
    {
        var filters = (request["Filters"] as JsonArray ?? [])
            .Select(f => (Key: f!["Key"]!.GetValue<string>(), Values: f["Values"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet()))
            .ToList();
        var list = new JsonArray();
        foreach (var instance in SandboxState.Load(layout).Instances.Where(i => i.SsmOnline))
        {
            var matches = filters.All(f => f.Key switch
            {
                _ when f.Key.StartsWith("tag:", StringComparison.Ordinal) => instance.Tags.TryGetValue(f.Key[4..], out var v) && f.Values.Contains(v),
                "PingStatus" => f.Values.Contains("Online"),
                "InstanceIds" => f.Values.Contains(instance.InstanceId),
                _ => false,
            });
            if (matches)
            {
                list.Add(new JsonObject
                {
                    ["InstanceId"] = instance.InstanceId,
                    ["PingStatus"] = "Online",
                    ["ComputerName"] = instance.Name,
                    ["PlatformType"] = "Linux",
                    ["IPAddress"] = "127.0.0.1",
                });
            }
        }
        return new JsonObject { ["InstanceInformationList"] = list };
    }

    private static string Head(string file, int limit)
    {
        var text = File.Exists(file) ? File.ReadAllText(file) : "";
        return text.Length > limit ? text[..limit] : text;
    }
}
