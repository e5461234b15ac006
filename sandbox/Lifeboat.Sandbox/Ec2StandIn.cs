using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Lifeboat.Sandbox;

/// <summary>
/// EC2 for the restore workflow's SDK-integration tasks: RunInstances makes a "fresh instance" (an empty datadir, a
/// port, a socket, the restore-target configuration its launch template would write, no server running);
/// DescribeInstances lists restore targets by tag; TerminateInstances stops whatever runs there and removes it. The
/// instance's folder is a tmpfs of the requested volume size, so free space is what the instance would have (tmpfs
/// only takes memory for what is written). The <see cref="SandboxFaults.RestoreTargetNeverOnline"/> fault launches instances whose SSM agent never registers.
/// </summary>
public sealed class Ec2StandIn(SandboxLayout layout, Action<string> log)
{
    private static readonly Lock Gate = new();

    public JsonNode Handle(string action, JsonNode request) => action switch
    {
        "runInstances" => RunInstances(request),
        "terminateInstances" => TerminateInstances(request),
        "describeInstances" => DescribeInstances(request),
        _ => throw new SdkException("Ec2.UnsupportedOperation", $"the sandbox does not implement ec2:{action}"),
    };

    private JsonNode RunInstances(JsonNode request)
    {
        var tags = (request["TagSpecifications"] as JsonArray ?? [])
            .SelectMany(spec => spec!["Tags"]!.AsArray())
            .ToDictionary(t => t!["Key"]!.GetValue<string>(), t => t!["Value"]!.GetValue<string>());
        if (!tags.TryGetValue("lifeboat:cluster", out var cluster))
        {
            throw new SdkException("Ec2.InvalidParameterValue", "a restore target must be tagged lifeboat:cluster");
        }
        var volumeGiB = (request["BlockDeviceMappings"] as JsonArray)?.FirstOrDefault()?["Ebs"]?["VolumeSize"]?.GetValue<int>() ?? 0;
        InstanceEntry instance;
        lock (Gate)
        {
            var state = SandboxState.Load(layout);
            var ports = state.Instances.Select(i => i.Port).ToHashSet();
            var port = Enumerable.Range(layout.BasePort + 20, 40).First(p => !ports.Contains(p));
            var id = "i-1" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var name = $"restore-{id[^6..]}";
            instance = new InstanceEntry
            {
                Name = name,
                InstanceId = id,
                Role = "restore-target",
                Port = port,
                Dir = layout.InstanceDir(name),
                ServerId = 1000 + port - layout.BasePort,
                Tags = tags,
                User = state.Instances.FirstOrDefault()?.User ?? "mysql",
            };
            Directory.CreateDirectory(instance.Dir);
            instance = instance with
            {
                DiskBytes = MountDisk(instance.Dir, volumeGiB),
                SsmOnline = !SandboxFaults.IsOn(layout, SandboxFaults.RestoreTargetNeverOnline),
            };
            Directory.CreateDirectory(instance.DataDir);
            Directory.CreateDirectory(instance.Home);
            Directory.CreateDirectory(instance.EtcDir);
            File.WriteAllText(Path.Combine(instance.Home, ".my.cnf"), $"[client]\nsocket={instance.Socket}\nuser=root\n");
            // What the launch template's user data writes on a real restore target.
            File.WriteAllText(Path.Combine(instance.EtcDir, "restore-target.conf"), string.Join('\n',
                $"cluster={cluster}", $"datadir={instance.DataDir}", $"socket={instance.Socket}",
                $"port={port.ToString(CultureInfo.InvariantCulture)}", $"user={instance.User}",
                $"server_id={instance.ServerId.ToString(CultureInfo.InvariantCulture)}", ""));
            Processes.RunAsync("chown", ["-R", $"{instance.User}:{instance.User}", instance.Dir]).GetAwaiter().GetResult();
            state.Instances.Add(instance);
            state.Save(layout);
        }
        log($"ec2: launched {instance.InstanceId} ({instance.Name}, port {instance.Port}, {volumeGiB} GiB requested, " +
            (instance.DiskBytes > 0 ? $"a {volumeGiB} GiB tmpfs" : "no disk of its own: mount -t tmpfs failed") +
            (instance.SsmOnline ? "" : ", its SSM agent will never register") + $") for {cluster}");
        return new JsonObject
        {
            ["Instances"] = new JsonArray(new JsonObject
            {
                ["InstanceId"] = instance.InstanceId,
                ["InstanceType"] = request["InstanceType"]?.GetValue<string>(),
                ["State"] = new JsonObject { ["Code"] = 0, ["Name"] = "pending" },
                ["PrivateIpAddress"] = "127.0.0.1",
            }),
        };
    }

    /// <summary>Fault injection: while this file exists, TerminateInstances fails as an EC2 outage would.</summary>
    public static string TerminationFaultFile(SandboxLayout layout) => Path.Combine(layout.Root, "faults", "ec2-terminate-fails");

    /// <summary>The restore targets the sandbox launched, filtered by tag and state as EC2 filters them (every one is running).</summary>
    private JsonNode DescribeInstances(JsonNode request)
    {
        var filters = (request["Filters"] as JsonArray ?? [])
            .Select(f => (Name: f!["Name"]!.GetValue<string>(), Values: f["Values"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet()))
            .ToList();
        bool Matches(InstanceEntry instance) => filters.All(f => f.Name switch
        {
            "instance-state-name" => f.Values.Contains("running"),
            "instance-id" => f.Values.Contains(instance.InstanceId),
            _ when f.Name.StartsWith("tag:", StringComparison.Ordinal) =>
                instance.Tags.TryGetValue(f.Name["tag:".Length..], out var value) && f.Values.Contains(value),
            _ => throw new SdkException("Ec2.InvalidParameterValue", $"the sandbox does not model the filter '{f.Name}'"),
        });
        var instances = new JsonArray();
        foreach (var instance in SandboxState.Load(layout).Instances.Where(i => i.Role == "restore-target" && Matches(i)))
        {
            instances.Add(new JsonObject
            {
                ["InstanceId"] = instance.InstanceId,
                ["State"] = new JsonObject { ["Code"] = 16, ["Name"] = "running" },
                ["Tags"] = new JsonArray(instance.Tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray()),
            });
        }
        var reservations = new JsonArray();
        if (instances.Count > 0)
        {
            reservations.Add(new JsonObject { ["Instances"] = instances });
        }
        return new JsonObject { ["Reservations"] = reservations };
    }

    private JsonNode TerminateInstances(JsonNode request)
    {
        if (File.Exists(TerminationFaultFile(layout)))
        {
            throw new SdkException("Ec2.ServiceUnavailable", "the sandbox's EC2 is refusing terminations (fault injected by a test)");
        }
        var ids = request["InstanceIds"]?.AsArray().Select(i => i!.GetValue<string>()).ToList() ?? [];
        var changes = new JsonArray();
        foreach (var id in ids)
        {
            InstanceEntry? instance;
            lock (Gate)
            {
                var state = SandboxState.Load(layout);
                instance = state.Instances.FirstOrDefault(i => i.InstanceId == id);
                if (instance is null || instance.Role != "restore-target")
                {
                    throw new SdkException("Ec2.InvalidInstanceID.NotFound", $"the instance ID '{id}' does not exist (or is not a restore target the sandbox launched)");
                }
                state.Instances.Remove(instance);
                state.Save(layout);
            }
            RestoreTargets.StopAsync(instance).GetAwaiter().GetResult();
            if (instance.DiskBytes > 0)
            {
                Unmount(instance.Dir);
            }
            Directory.Delete(instance.Dir, recursive: true);
            log($"ec2: terminated {id} ({instance.Name})");
            changes.Add(new JsonObject { ["InstanceId"] = id, ["CurrentState"] = new JsonObject { ["Code"] = 48, ["Name"] = "terminated" } });
        }
        return new JsonObject { ["TerminatingInstances"] = changes };
    }

    /// <summary>A tmpfs of <paramref name="gib"/> GiB on <paramref name="dir"/>; its size in bytes, or 0 when it cannot be mounted (not root, no CAP_SYS_ADMIN).</summary>
    private static long MountDisk(string dir, int gib)
    {
        if (gib <= 0)
        {
            return 0;
        }
        var mounted = Processes.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={gib.ToString(CultureInfo.InvariantCulture)}g,mode=0755", "lifeboat-restore-disk", dir]).GetAwaiter().GetResult();
        return mounted.ExitCode == 0 ? gib * (1L << 30) : 0;
    }

    /// <summary>Unmounts every restore target's disk under <paramref name="root"/> (for destroy, after a crash left some).</summary>
    public static void UnmountAll(string root)
    {
        if (!File.Exists("/proc/mounts"))
        {
            return;
        }
        var prefix = Path.GetFullPath(root).TrimEnd('/') + "/";
        foreach (var point in File.ReadAllLines("/proc/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && f[0] == "lifeboat-restore-disk").Select(f => f[1]))
        {
            if (point.StartsWith(prefix, StringComparison.Ordinal))
            {
                Unmount(point);
            }
        }
    }

    private static void Unmount(string dir)
    {
        // Lazy: a process of the just-stopped server may still hold a file open for a moment.
        Processes.RunAsync("umount", ["-l", dir]).GetAwaiter().GetResult();
    }
}

/// <summary>The servers the restore document starts on restore targets: detached, found by their pid file.</summary>
public static class RestoreTargets
{
    /// <summary>Where ssm/restore.yaml has the server write its pid: beside the socket.</summary>
    public static string PidFile(InstanceEntry instance) => Path.Combine(Path.GetDirectoryName(instance.Socket)!, "lifeboat-mariadbd.pid");

    public static async Task StopAsync(InstanceEntry instance)
    {
        var pidFile = PidFile(instance);
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            await Processes.StopAsync(pid, TimeSpan.FromSeconds(60));
        }
    }
}

/// <summary>An SDK-integration error; the Step Functions runner raises it under <see cref="ErrorType"/>.</summary>
public sealed class SdkException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
}
