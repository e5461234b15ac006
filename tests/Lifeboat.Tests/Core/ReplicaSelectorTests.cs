using Lifeboat.Core.Replication;
using Xunit;

namespace Lifeboat.Tests.Core;

public class ReplicaSelectorTests
{
    private static readonly ReplicaSelector Selector = new(ReplicaPolicy.Default);

    private static ReplicaProbe Probe(string instanceId, ReplicaStatus status) => new(instanceId, status, null);

    [Fact]
    public void Healthy_Replica_Passes_Every_Check()
    {
        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", CoreFixtures.HealthyStatus()));

        Assert.True(verdict.Healthy);
        Assert.Empty(verdict.Failures);
        Assert.Equal("db-replica-2", verdict.Status?.Host);
    }

    [Fact]
    public void Server_Without_Replication_Is_Refused_As_Not_A_Replica()
    {
        var status = CoreFixtures.HealthyStatus() with { IsReplica = false, IoRunning = false, SqlRunning = false, SecondsBehindMaster = null };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        var failure = Assert.Single(verdict.Failures);
        Assert.Contains("not a replica", failure);
        Assert.Contains("SHOW SLAVE STATUS is empty", failure);
    }

    [Fact]
    public void Selector_Refuses_Replica_Whose_Io_Thread_Is_Stopped_And_Quotes_The_Last_Error()
    {
        const string lastError = "error connecting to master 'repl@10.0.1.5:3306' - retry-time: 60  maximum-retries: 86400  message: Can't connect to server on '10.0.1.5' (111 \"Connection refused\")";
        var status = CoreFixtures.HealthyStatus() with { IoRunning = false, LastIoError = lastError + "\n" };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        var failure = Assert.Single(verdict.Failures);
        Assert.Equal($"IO thread is not running (last error: {lastError})", failure);
    }

    [Fact]
    public void Selector_Refuses_Replica_Whose_Sql_Thread_Is_Stopped()
    {
        const string lastError = "Could not execute Write_rows_v1 event on table shop.orders; Duplicate entry '42' for key 'PRIMARY', Error_code: 1062";
        var status = CoreFixtures.HealthyStatus() with { SqlRunning = false, SecondsBehindMaster = null, LastSqlError = lastError };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        var failure = Assert.Single(verdict.Failures);
        Assert.StartsWith("SQL thread is not running", failure);
        Assert.Contains(lastError, failure);
    }

    [Fact]
    public void Stopped_Thread_Without_An_Error_Is_Still_Named()
    {
        var status = CoreFixtures.HealthyStatus() with { SqlRunning = false, SecondsBehindMaster = null, LastSqlError = "" };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        Assert.Equal(["SQL thread is not running"], verdict.Failures);
    }

    [Fact]
    public void Selector_Refuses_Replica_Whose_Lag_Is_Unknown()
    {
        var status = CoreFixtures.HealthyStatus() with { SecondsBehindMaster = null };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        Assert.Equal(["lag is unknown (Seconds_Behind_Master is NULL)"], verdict.Failures);
    }

    [Fact]
    public void Selector_Refuses_Replica_Lagging_Over_The_Threshold()
    {
        var status = CoreFixtures.HealthyStatus() with { SecondsBehindMaster = 301 };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        Assert.Equal(["lag 301 s exceeds the 300 s threshold"], verdict.Failures);
    }

    [Fact]
    public void Lag_Exactly_At_The_Threshold_Is_Accepted()
    {
        var status = CoreFixtures.HealthyStatus() with { SecondsBehindMaster = 300 };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        Assert.True(verdict.Healthy);
    }

    [Fact]
    public void Selector_Refuses_Replica_With_Read_Only_Off()
    {
        var status = CoreFixtures.HealthyStatus() with { ReadOnly = false };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        var failure = Assert.Single(verdict.Failures);
        Assert.StartsWith("read_only is OFF", failure);
    }

    [Fact]
    public void Selector_Refuses_Replica_Low_On_Disk_And_Says_How_Much_Is_Free()
    {
        var status = CoreFixtures.HealthyStatus() with { FreeDiskBytes = 512L << 20 };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        Assert.Equal(["free disk 512.0 MiB is below the 1.00 GiB minimum"], verdict.Failures);
    }

    [Fact]
    public void Probe_Error_Is_Reported_As_A_Failed_Status_Check()
    {
        var verdict = Selector.Judge(new ReplicaProbe("i-0123456789abcdef0", null, "no answer within 90 s (command cmd-0001)"));

        Assert.False(verdict.Healthy);
        Assert.Equal(["status check failed: no answer within 90 s (command cmd-0001)"], verdict.Failures);
    }

    [Fact]
    public void Every_Failing_Check_Is_Listed_Not_Just_The_First()
    {
        var status = CoreFixtures.HealthyStatus() with
        {
            IoRunning = false,
            SqlRunning = false,
            SecondsBehindMaster = 7200,
            ReadOnly = false,
            FreeDiskBytes = 0,
        };

        var verdict = Selector.Judge(Probe("i-0123456789abcdef0", status));

        Assert.Equal(5, verdict.Failures.Count);
        Assert.Contains(verdict.Failures, f => f.StartsWith("IO thread", StringComparison.Ordinal));
        Assert.Contains(verdict.Failures, f => f.StartsWith("SQL thread", StringComparison.Ordinal));
        Assert.Contains(verdict.Failures, f => f.StartsWith("lag 7200 s", StringComparison.Ordinal));
        Assert.Contains(verdict.Failures, f => f.StartsWith("read_only", StringComparison.Ordinal));
        Assert.Contains(verdict.Failures, f => f.StartsWith("free disk 0 B", StringComparison.Ordinal));
    }

    [Fact]
    public void Choose_Picks_The_Least_Lagged_Healthy_Replica()
    {
        var healthy = CoreFixtures.HealthyStatus();
        var probes = new[]
        {
            Probe("i-00000000000000001", healthy with { Host = "r1", SecondsBehindMaster = 12 }),
            Probe("i-00000000000000002", healthy with { Host = "r2", SecondsBehindMaster = 3 }),
            Probe("i-00000000000000003", healthy with { Host = "r3", SecondsBehindMaster = 0, ReadOnly = false }),
            Probe("i-00000000000000004", healthy with { Host = "r4", SecondsBehindMaster = 40 }),
        };

        var chosen = Selector.Choose("orders-db", probes);

        Assert.Equal("i-00000000000000002", chosen.InstanceId);
        Assert.True(chosen.Healthy);
    }

    [Fact]
    public void Choose_Breaks_A_Lag_Tie_By_More_Free_Disk()
    {
        var healthy = CoreFixtures.HealthyStatus() with { SecondsBehindMaster = 1 };
        var probes = new[]
        {
            Probe("i-00000000000000001", healthy with { FreeDiskBytes = 50L << 30 }),
            Probe("i-00000000000000002", healthy with { FreeDiskBytes = 400L << 30 }),
            Probe("i-00000000000000003", healthy with { FreeDiskBytes = 200L << 30 }),
        };

        var chosen = Selector.Choose("orders-db", probes);

        Assert.Equal("i-00000000000000002", chosen.InstanceId);
    }

    [Fact]
    public void Choose_Without_A_Healthy_Replica_Names_Every_Instance_And_Every_Failed_Check()
    {
        var healthy = CoreFixtures.HealthyStatus();
        var probes = new[]
        {
            Probe("i-00000000000000001", healthy with { Host = "db-replica-1", SqlRunning = false, SecondsBehindMaster = null, LastSqlError = "Error_code: 1062" }),
            Probe("i-00000000000000002", healthy with { Host = "db-replica-2", SecondsBehindMaster = 86000, ReadOnly = false }),
            new ReplicaProbe("i-00000000000000003", null, "could not send the status command: InvalidInstanceId"),
        };

        var error = Assert.Throws<NoHealthyReplicaException>(() => Selector.Choose("orders-db", probes));

        Assert.Contains("cluster 'orders-db'", error.Message);
        Assert.Contains("i-00000000000000001 (db-replica-1): SQL thread is not running (last error: Error_code: 1062)", error.Message);
        Assert.Contains("i-00000000000000002 (db-replica-2): lag 86000 s exceeds the 300 s threshold; read_only is OFF", error.Message);
        Assert.Contains("i-00000000000000003: status check failed: could not send the status command: InvalidInstanceId", error.Message);
    }

    [Fact]
    public void Choose_With_No_Candidates_Says_How_To_Tag_Replicas()
    {
        var error = Assert.Throws<NoHealthyReplicaException>(() => Selector.Choose("orders-db", []));

        Assert.Contains("no replica to back up", error.Message);
        Assert.Contains("\"replicas\"", error.Message);
        Assert.Contains("lifeboat:cluster=orders-db", error.Message);
        Assert.Contains("lifeboat:role=replica", error.Message);
    }

    [Fact]
    public void Policy_Thresholds_Are_Honoured()
    {
        var strict = new ReplicaSelector(new ReplicaPolicy(MaxLagSeconds: 0, MinFreeDiskBytes: 500L << 30));
        var status = CoreFixtures.HealthyStatus() with { SecondsBehindMaster = 1 };

        var verdict = strict.Judge(Probe("i-0123456789abcdef0", status));

        Assert.Equal(
            ["lag 1 s exceeds the 0 s threshold", "free disk 384.00 GiB is below the 500.00 GiB minimum"],
            verdict.Failures);
    }
}
