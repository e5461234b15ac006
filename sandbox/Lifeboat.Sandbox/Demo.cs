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
        Step(console, "1. Starting the sandbox: MariaDB primary + replica (GTID replication), S3, Step Functions, Lambda/SSM host");
        await sandbox.UpAsync();
        var primary = sandbox.State.Instance("primary");
        var replica = sandbox.State.Instance("replica");

        Step(console, "2. Loading sample data on the primary");
        var existing = await MariaDb.QueryAsync(primary, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'");
        if (existing == "0")
        {
            await SampleData.LoadAsync(primary, 20_000);
        }
        console.WriteLine($"   shop.orders: {await MariaDb.ScalarAsync(primary, "SELECT COUNT(*) FROM shop.orders")} rows");

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
            var result = output["result"]!;
            console.WriteLine($"   backup {output["backupId"]} of {output["replica"]!["instanceId"]}: " +
                $"{TransferProgress.Format(result["compressedBytes"]!.GetValue<long>())} compressed from {TransferProgress.Format(result["rawBytes"]!.GetValue<long>())}, " +
                $"{output["durationSeconds"]} s, GTID {result["gtidSlavePos"]}");
            console.WriteLine($"   the writer inserted {writer.Written} rows meanwhile");

            Step(console, "5. Shipping binlogs from the primary (the scheduled ShipBinlogs function, run by hand here)");
            for (var run = 1; run <= 3; run++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                var shipped = (await sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster }))!["result"]!;
                console.WriteLine($"   run {run}: shipped {shipped["shipped"]} file(s), {shipped["bytes"]} bytes, primary at GTID {shipped["position"]}");
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
        Step(console, $"Done in {clock.Elapsed.TotalSeconds:0} s. The sandbox keeps running: ./run sandbox status | catalog | down");
        return newest.IsVerified && view.Window.Ranges.Count > 0 ? 0 : 1;
    }

    private static void Step(TextWriter console, string text) => console.WriteLine($"\n== {text}");
}
