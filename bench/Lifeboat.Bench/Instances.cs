using System.Globalization;
using Lifeboat.Sandbox;

namespace Lifeboat.Bench;

/// <summary>
/// The baselines' own MariaDB servers: fresh, or started on a datadir the bare tools restored. They run with the
/// settings Lifeboat's restore document gives a restore target (binary log off, a quarter of RAM as buffer pool),
/// otherwise MariaDB's defaults, so "a default server" means per-commit durability is on.
/// </summary>
internal static class Instances
{
    public static InstanceEntry Define(string root, string name, int port, int serverId) => new()
    {
        Name = name,
        InstanceId = $"bench-{name}",
        Role = "bench",
        Port = port,
        ServerId = serverId,
        Dir = Path.Combine(root, name),
        User = "root",
    };

    public static long BufferPoolMb()
    {
        var totalKb = long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return Math.Max(128, totalKb / 1024 / 4);
    }

    public static async Task<InstanceEntry> StartFreshAsync(InstanceEntry instance, params string[] extra)
    {
        await WipeAsync(instance);
        await MariaDb.InitializeAsync(instance);
        return await StartAsync(instance, extra);
    }

    public static async Task<InstanceEntry> StartAsync(InstanceEntry instance, params string[] extra)
    {
        Directory.CreateDirectory(instance.Home);
        await File.WriteAllTextAsync(Path.Combine(instance.Home, ".my.cnf"), $"[client]\nsocket={instance.Socket}\nuser=root\n");
        string[] arguments =
        [
            "mariadbd", "--no-defaults", "--user=root", $"--datadir={instance.DataDir}",
            $"--port={instance.Port.ToString(CultureInfo.InvariantCulture)}", "--bind-address=127.0.0.1",
            $"--socket={instance.Socket}", $"--pid-file={Path.Combine(instance.Dir, "mysqld.pid")}",
            $"--server-id={instance.ServerId.ToString(CultureInfo.InvariantCulture)}", "--skip-log-bin", "--skip-slave-start",
            $"--innodb-buffer-pool-size={BufferPoolMb().ToString(CultureInfo.InvariantCulture)}M", "--max-allowed-packet=1G",
            "--skip-name-resolve", .. extra,
        ];
        var started = instance with { Pid = Processes.StartDetached(arguments, instance.Log, instance.Dir) };
        await MariaDb.WaitReadyAsync(started, TimeSpan.FromMinutes(5));
        return started;
    }

    public static async Task StopAsync(InstanceEntry instance)
    {
        if (instance.Pid > 0)
        {
            await Processes.StopAsync(instance.Pid, TimeSpan.FromMinutes(2));
        }
    }

    public static async Task WipeAsync(InstanceEntry instance)
    {
        if (Directory.Exists(instance.Dir))
        {
            await Shell.OutputAsync($"rm -rf {Shell.Quote(instance.Dir)}");
        }
        Directory.CreateDirectory(instance.Dir);
    }
}
