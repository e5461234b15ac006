using System.Diagnostics;
using System.Text.Json.Nodes;
using Lifeboat.Core;

namespace Lifeboat.Sandbox;

/// <summary><c>./run demo</c>: the main job on the sandbox, narrated.</summary>
public static class Demo
{
    public static async Task<int> RunAsync(Sandbox sandbox, TextWriter console)
    {
        var clock = Stopwatch.StartNew();
        Step(console, "1. Starting a fresh sandbox: MariaDB primary + replica (GTID replication), S3, Step Functions, Lambda/SSM host");
        // A previous run left a dropped table, its backups and its alarms behind: the story starts from nothing.
        await sandbox.DestroyAsync();
        await sandbox.UpAsync();
        var primary = sandbox.State.Instance("primary");
        var replica = sandbox.State.Instance("replica");

        Step(console, "2. Loading sample data on the primary");
        await SampleData.LoadAsync(primary, 20_000);
        console.WriteLine($"   shop.orders: {await MariaDb.ScalarAsync(primary, "SELECT COUNT(*) FROM shop.orders")} rows");

        double backupSeconds;
        Step(console, "3. A writer keeps inserting on the primary while the backup runs");
        await using (var writer = new SampleData.Writer(primary, TimeSpan.FromMilliseconds(20)))
        {
            await MariaDb.WaitCaughtUpAsync(replica, primary, TimeSpan.FromSeconds(30));

            Step(console, "4. Running the backup workflow (statemachines/backup.asl.json)");
            var outcome = await sandbox.RunStateMachineAsync("BackupStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster }, TimeSpan.FromMinutes(30));
            console.WriteLine($"   execution {outcome.Status} {outcome.Error} {outcome.Cause}");
            if (!outcome.Succeeded)
            {
                return 1;
            }
            var output = JsonNode.Parse(outcome.Output!)!;
            backupSeconds = output["durationSeconds"]!.GetValue<double>();
            var result = output["result"]!;
            console.WriteLine($"   backup {output["backupId"]} of {output["replica"]!["instanceId"]}: " +
                $"{TransferProgress.Format(result["compressedBytes"]!.GetValue<long>())} compressed from {TransferProgress.Format(result["rawBytes"]!.GetValue<long>())}, " +
                $"{output["durationSeconds"]} s, GTID {result["gtidSlavePos"]}");
            console.WriteLine($"   the writer inserted {writer.Written} rows meanwhile");

            Step(console, "5. Shipping binlogs from the primary (one run of the every-minute ShipBinlogs schedule, by hand here: " +
                $"{SandboxParameters.Values["BinlogShippingPasses"]} passes, {SandboxParameters.Values["BinlogShippingPassIntervalSeconds"]} s apart)");
            var shipped = (await sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster }))!["result"]!;
            foreach (var pass in shipped["passes"]!.AsArray())
            {
                console.WriteLine($"   pass {pass!["pass"]}: shipped {pass["shipped"]} file(s), {pass["bytes"]} bytes, primary at GTID {pass["position"]}");
            }
        }
        var status = await MariaDb.SlaveStatusAsync(replica);
        console.WriteLine($"   replica: IO thread {status.GetValueOrDefault("Slave_IO_Running")}, SQL thread {status.GetValueOrDefault("Slave_SQL_Running")}, {status.GetValueOrDefault("Seconds_Behind_Master")} s behind");

        Step(console, "6. The catalog: what can be restored to (VerifyBackup and VerifyBinlog wrote it on the S3 events)");
        var view = await CatalogView.LoadAsync(sandbox.Bucket(), SandboxLayout.Cluster);
        foreach (var line in view.Lines())
        {
            console.WriteLine("   " + line);
        }
        var newest = view.Backups[^1];
        console.WriteLine($"   newest backup entry: {System.Text.Json.JsonSerializer.Serialize(newest, Core.Json.LifeboatJson.Default.BackupCatalogEntry)}");

        Step(console, "7. Retention, dry run (30-day window)");
        var retention = await sandbox.InvokeFunctionAsync("EnforceRetentionFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["dryRun"] = true });
        foreach (var line in retention![0]!["plan"]!.AsArray())
        {
            console.WriteLine($"   {line}");
        }

        Step(console, "8. The daily drill: the newest backup restored on a fresh instance, validated row for row, terminated");
        var drill = await sandbox.RunStateMachineAsync("RestoreStateMachine", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["mode"] = "drill" }, TimeSpan.FromMinutes(30));
        var drillRecord = drill.Succeeded ? JsonNode.Parse(drill.Output!)!["record"]! : null;
        console.WriteLine($"   drill {drill.Status}: {drillRecord?["summary"] ?? drill.Cause}");
        if (!drill.Succeeded)
        {
            return 1;
        }

        Step(console, "9. Disaster: a DROP TABLE on the primary, replicated everywhere");
        var ordersBefore = await MariaDb.ScalarAsync(primary, "SELECT COUNT(*) FROM shop.orders");
        await MariaDb.QueryAsync(primary, "DROP TABLE shop.orders");
        await MariaDb.WaitCaughtUpAsync(replica, primary, TimeSpan.FromSeconds(30));
        var onReplica = await MariaDb.QueryAsync(replica, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop' AND table_name = 'orders'");
        console.WriteLine($"   shop.orders ({ordersBefore} rows) dropped on the primary; gone from the replica too: {(onReplica == "0" ? "yes" : "no")}");
        await sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });

        Step(console, "10. find-destructive locates it in the shipped binlogs");
        var events = (await sandbox.InvokeFunctionAsync("FindDestructiveFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster }))!.AsArray();
        var drop = events.Last(e => e!["statement"]!.GetValue<string>().Contains("orders", StringComparison.Ordinal))!;
        console.WriteLine($"   {drop["time"]}  GTID {drop["gtid"]}  {drop["kind"]}  {drop["statement"]}");

        Step(console, $"11. Restore to just before GTID {drop["gtid"]} on a fresh instance");
        var restore = await sandbox.RunStateMachineAsync("RestoreStateMachine", new JsonObject
        {
            ["cluster"] = SandboxLayout.Cluster,
            ["mode"] = "restore",
            ["target"] = new JsonObject { ["beforeGtid"] = drop["gtid"]!.GetValue<string>() },
            ["keepInstance"] = true,
        }, TimeSpan.FromMinutes(30));
        if (!restore.Succeeded)
        {
            console.WriteLine($"   restore {restore.Status}: {restore.Error} {restore.Cause}");
            return 1;
        }
        var restoreRecord = JsonNode.Parse(restore.Output!)!["record"]!;
        var target = sandbox.State.Instances.Single(i => i.Role == "restore-target");
        var recovered = await MariaDb.ScalarAsync(target, "SELECT COUNT(*) FROM shop.orders");
        console.WriteLine($"   {restoreRecord["summary"]}");
        console.WriteLine($"   shop.orders on the restored instance {target.InstanceId}: {recovered} rows (the primary had {ordersBefore} before the DROP)");

        Step(console, "12. Timings");
        console.WriteLine($"   backup: {backupSeconds} s");
        foreach (var (name, record) in new[] { ("drill", drillRecord!), ("point-in-time restore", restoreRecord) })
        {
            var phases = string.Join(", ", record["phases"]!.AsObject().Select(p => $"{p.Key} {p.Value} s"));
            console.WriteLine($"   {name}: {record["totalSeconds"]} s in all ({phases})");
        }
        var window = (await CatalogView.LoadAsync(sandbox.Bucket(), SandboxLayout.Cluster)).Window;
        console.WriteLine($"   RPO achieved: the last shipped event was {(DateTimeOffset.UtcNow - window.LastEventTime!.Value).TotalSeconds:0} s before now (shipping flushes every {SandboxParameters.Values["BinlogShippingPassIntervalSeconds"]} s)");

        Step(console, "13. Clean up: terminate the kept instance (the drill already terminated its own)");
        await sandbox.TerminateAsync(target.InstanceId);
        console.WriteLine($"   restore targets left running: {sandbox.State.Instances.Count(i => i.Role == "restore-target")}");

        Step(console, "14. The watchdog's figures and the template's alarms, evaluated on them (pages go to the outbox)");
        await sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster, ["passes"] = 1 });
        var watchdog = (await sandbox.InvokeFunctionAsync("WatchdogFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster }))!;
        console.WriteLine($"   backup age {watchdog["backupAgeSeconds"]} s, shipping lag {watchdog["binlogShippingLagSeconds"]} s, " +
            $"drill age {watchdog["drillAgeSeconds"]} s, replication healthy: {watchdog["replicationHealthy"]}");
        foreach (var alarm in sandbox.Alarms().Evaluate(DateTimeOffset.UtcNow))
        {
            console.WriteLine($"   {alarm.State,-6} {alarm.Name}");
        }

        Step(console, $"Done in {clock.Elapsed.TotalSeconds:0} s. The sandbox keeps running: ./run sandbox status | catalog | alarms | down");
        return recovered == ordersBefore ? 0 : 1;
    }

    private static void Step(TextWriter console, string text) => console.WriteLine($"\n== {text}");
}
