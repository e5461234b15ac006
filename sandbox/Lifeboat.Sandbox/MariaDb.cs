using System.Globalization;

namespace Lifeboat.Sandbox;

/// <summary>Real mariadbd processes on 127.0.0.1: initialise, start, wait, query, stop.</summary>
public static class MariaDb
{
    public const string ReplicationUser = "lifeboat_repl";
    public const string ReplicationPassword = "sandbox-only-repl";

    /// <summary>mysql when that user can reach <paramref name="dir"/>, else root: a checkout under a 0700 folder is not reachable.</summary>
    public static async Task<string> ServerUserAsync(string dir)
    {
        Directory.CreateDirectory(dir);
        var probe = await Processes.RunAsync("runuser", ["-u", "mysql", "--", "test", "-x", dir]);
        return probe.ExitCode == 0 ? "mysql" : "root";
    }

    public static async Task InitializeAsync(InstanceEntry instance)
    {
        Directory.CreateDirectory(instance.Dir);
        Directory.CreateDirectory(instance.Home);
        await File.WriteAllTextAsync(Path.Combine(instance.Home, ".my.cnf"),
            $"[client]\nsocket={instance.Socket}\nuser=root\n");
        if (Directory.Exists(Path.Combine(instance.DataDir, "mysql")))
        {
            return;
        }
        var result = await Processes.RunAsync("mariadb-install-db",
            ["--no-defaults", $"--datadir={instance.DataDir}", $"--user={instance.User}", "--auth-root-authentication-method=normal", "--skip-test-db"]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"mariadb-install-db failed for {instance.Name}: {result.Stderr}");
        }
        await Processes.RunAsync("chown", ["-R", $"{instance.User}:{instance.User}", instance.Dir]);
    }

    /// <summary>The client's connection to an instance: root over its socket, ignoring any option files.</summary>
    public static IReadOnlyList<string> ClientArguments(InstanceEntry instance, params string[] more) =>
        ["--no-defaults", $"--socket={instance.Socket}", "-uroot", .. more];

    public static IReadOnlyList<string> ServerArguments(InstanceEntry instance, bool readOnly) =>
    [
        "mariadbd", "--no-defaults", $"--user={instance.User}", $"--datadir={instance.DataDir}",
        $"--port={instance.Port.ToString(CultureInfo.InvariantCulture)}", "--bind-address=127.0.0.1",
        $"--socket={instance.Socket}", $"--pid-file={Path.Combine(instance.Dir, "mysqld.pid")}",
        $"--server-id={instance.ServerId.ToString(CultureInfo.InvariantCulture)}",
        "--log-bin=mysql-bin", "--relay-log=relay-bin", "--binlog-format=ROW", "--log-slave-updates",
        "--gtid-strict-mode=1", "--binlog-checksum=CRC32", "--skip-name-resolve",
        "--innodb-buffer-pool-size=256M", "--innodb-log-file-size=256M", "--max-connections=200",
        readOnly ? "--read-only=1" : "--read-only=0",
    ];

    public static int Start(InstanceEntry instance, bool readOnly) =>
        Processes.StartDetached(ServerArguments(instance, readOnly), instance.Log, instance.Dir);

    public static async Task WaitReadyAsync(InstanceEntry instance, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var probe = await Processes.RunAsync("mariadb", ClientArguments(instance, "-e", "SELECT 1"));
            if (probe.ExitCode == 0)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                var tail = File.Exists(instance.Log) ? string.Join('\n', File.ReadLines(instance.Log).TakeLast(15)) : "(no log)";
                throw new TimeoutException($"{instance.Name} did not accept connections within {timeout.TotalSeconds:0} s. Log tail:\n{tail}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Runs SQL as root over the instance's socket; tab-separated rows without headers.</summary>
    public static async Task<string> QueryAsync(InstanceEntry instance, string sql, bool throwOnError = true)
    {
        var result = await Processes.RunAsync("mariadb",
            ClientArguments(instance, "--batch", "--skip-column-names", "--raw", "-e", sql));
        if (result.ExitCode != 0 && throwOnError)
        {
            throw new InvalidOperationException($"SQL on {instance.Name} failed: {result.Stderr.Trim()}\n  {sql}");
        }
        return result.Stdout.TrimEnd('\n');
    }

    /// <summary>SHOW SLAVE STATUS as field → value; empty when replication is not configured.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> SlaveStatusAsync(InstanceEntry instance)
    {
        var result = await Processes.RunAsync("mariadb", ClientArguments(instance, "-e", "SHOW SLAVE STATUS\\G"));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"SHOW SLAVE STATUS on {instance.Name} failed: {result.Stderr.Trim()}");
        }
        return result.Stdout.Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim());
    }

    public static async Task<long> ScalarAsync(InstanceEntry instance, string sql) =>
        long.Parse(await QueryAsync(instance, sql), CultureInfo.InvariantCulture);

    public static Task SecurePrimaryAsync(InstanceEntry primary) => QueryAsync(primary,
        "DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES; " +
        $"CREATE USER IF NOT EXISTS '{ReplicationUser}'@'127.0.0.1' IDENTIFIED BY '{ReplicationPassword}'; " +
        $"GRANT REPLICATION SLAVE ON *.* TO '{ReplicationUser}'@'127.0.0.1';");

    public static async Task StartReplicationAsync(InstanceEntry replica, InstanceEntry primary)
    {
        // Local changes on a replica must not enter its binlog: under gtid_strict_mode they would break replication.
        await QueryAsync(replica, "SET SESSION sql_log_bin = 0; DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;");
        var configured = await QueryAsync(replica, "SHOW SLAVE STATUS");
        if (configured.Length == 0)
        {
            await QueryAsync(replica,
                $"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={primary.Port}, MASTER_USER='{ReplicationUser}', " +
                $"MASTER_PASSWORD='{ReplicationPassword}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;");
        }
        await QueryAsync(replica, "START SLAVE;");
    }

    /// <summary>Waits until the replica has applied everything the primary has written.</summary>
    public static async Task WaitCaughtUpAsync(InstanceEntry replica, InstanceEntry primary, TimeSpan timeout)
    {
        var target = await QueryAsync(primary, "SELECT @@gtid_binlog_pos");
        var result = await QueryAsync(replica, $"SELECT MASTER_GTID_WAIT('{target}', {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)})");
        if (result.Trim() != "0")
        {
            throw new TimeoutException($"{replica.Name} did not reach the primary's position {target} within {timeout.TotalSeconds:0} s");
        }
    }
}
