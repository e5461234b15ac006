using System.Text.RegularExpressions;
using Lifeboat.Core;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Clusters;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Replication;
using Lifeboat.Core.Storage;
using Lifeboat.Core.Workflow;
using Xunit;

namespace Lifeboat.Tests.Core;

public class BackupPlannerTests
{
    private const string StatusDocument = "Lifeboat-ReplicaStatus";
    private const string ReplicaA = "i-0123456789abcdef0";
    private const string ReplicaB = "i-0fedcba9876543210";
    private const string ReplicaC = "i-0aaaabbbbccccdddd";

    private readonly ManualClock _clock = new(CoreFixtures.Now);
    private readonly ScriptedRemoteCommands _commands = new();

    private BackupPlanner Planner(ReplicaPolicy? policy = null) =>
        new(_commands, new ReplicaProber(_commands, StatusDocument, _clock), policy ?? ReplicaPolicy.Default, _clock);

    /// <summary>A healthy replica, tagged with the cluster (registered once; the scripted tag query returns every instance).</summary>
    private ScriptedRemoteCommands Healthy(string instanceId, long lag = 0, string host = "db-replica")
    {
        Tagged(instanceId);
        var status = CoreFixtures.HealthyStatus() with { Host = host, SecondsBehindMaster = lag };
        return _commands.Answer(instanceId, ScriptedPoll.Running(), ScriptedPoll.Success(CoreFixtures.StatusLine(status)));
    }

    private void Tagged(string instanceId)
    {
        if (!_commands.Instances.Any(i => i.InstanceId == instanceId))
        {
            _commands.Instances.Add(new ManagedInstance(instanceId, "Online", "db-replica"));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Orders")]
    [InlineData("orders;reboot")]
    [InlineData("../orders")]
    public async Task Bad_Cluster_Name_Is_Refused_Before_Any_Command_Is_Sent(string? cluster)
    {
        Healthy(ReplicaA);

        var error = await Assert.ThrowsAsync<InvalidInputException>(
            () => Planner().PlanAsync(new BackupRequest { Cluster = cluster, Replicas = [ReplicaA] }, CancellationToken.None));

        Assert.Contains("not a valid cluster name", error.Message);
        Assert.Empty(_commands.Sent);
        Assert.Empty(_commands.TagQueries);
    }

    [Fact]
    public async Task Bad_Instance_Id_In_Replicas_Is_Named_And_Nothing_Is_Sent()
    {
        Healthy(ReplicaA);

        var error = await Assert.ThrowsAsync<InvalidInputException>(
            () => Planner().PlanAsync(new BackupRequest { Cluster = "orders-db", Replicas = [ReplicaA, "i-12345; reboot"] }, CancellationToken.None));

        Assert.Contains("'i-12345; reboot'", error.Message);
        Assert.Contains("i-0123456789abcdef0", error.Message);
        Assert.Empty(_commands.Sent);
        Assert.Empty(_commands.TagQueries);
    }

    [Fact]
    public async Task Too_Many_Replicas_Are_Refused_Before_Any_Command_Is_Sent()
    {
        var replicas = Enumerable.Range(0, BackupPlanner.MaxReplicas + 1).Select(i => $"i-{i:x17}").ToList();

        var error = await Assert.ThrowsAsync<InvalidInputException>(
            () => Planner().PlanAsync(new BackupRequest { Cluster = "orders-db", Replicas = replicas }, CancellationToken.None));

        Assert.Contains("33 replicas given; at most 32", error.Message);
        Assert.Empty(_commands.Sent);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(86_401)]
    public async Task Max_Lag_Out_Of_Range_Is_Refused_Before_Any_Command_Is_Sent(long maxLag)
    {
        Healthy(ReplicaA);

        var error = await Assert.ThrowsAsync<InvalidInputException>(
            () => Planner().PlanAsync(new BackupRequest { Cluster = "orders-db", Replicas = [ReplicaA], MaxLagSeconds = maxLag }, CancellationToken.None));

        Assert.Contains("use 0 to 86400 seconds", error.Message);
        Assert.Empty(_commands.Sent);
    }

    [Fact]
    public async Task Given_Replicas_Are_Each_Probed_Once_With_The_Status_Document()
    {
        Healthy(ReplicaA, lag: 4);
        Healthy(ReplicaB, lag: 1);

        await Planner().PlanAsync(new BackupRequest { Cluster = "orders-db", Replicas = [ReplicaA, ReplicaB, ReplicaA] }, CancellationToken.None);

        Assert.Equal([ReplicaA, ReplicaB], _commands.Sent.Select(c => c.InstanceId).Order(StringComparer.Ordinal));
        Assert.All(_commands.Sent, c =>
        {
            Assert.Equal(StatusDocument, c.DocumentName);
            Assert.Empty(c.Parameters);
        });
        // The only tag query checks that the given replicas belong to the cluster.
        Assert.Equal(new Dictionary<string, string> { ["lifeboat:cluster"] = "orders-db" }, Assert.Single(_commands.TagQueries));
    }

    [Fact]
    public async Task Given_Replica_Not_Tagged_With_The_Cluster_Is_Refused_Before_Any_Command_Is_Sent()
    {
        Healthy(ReplicaA);
        _commands.Answer(ReplicaB, ScriptedPoll.Success(CoreFixtures.StatusLine(CoreFixtures.HealthyStatus())));

        var error = await Assert.ThrowsAsync<InstanceNotInClusterException>(
            () => Planner().PlanAsync(new BackupRequest { Cluster = "orders-db", Replicas = [ReplicaA, ReplicaB] }, CancellationToken.None));

        Assert.Contains($"replica {ReplicaB} is not tagged lifeboat:cluster=orders-db", error.Message);
        Assert.Empty(_commands.Sent);
    }

    [Fact]
    public async Task Replicas_Are_Found_By_Tag_When_None_Are_Given_And_Offline_Ones_Skipped()
    {
        _commands.Instances.Add(new ManagedInstance(ReplicaA, "Online", "db-replica-1"));
        _commands.Instances.Add(new ManagedInstance(ReplicaB, "ConnectionLost", "db-replica-2"));
        _commands.Instances.Add(new ManagedInstance(ReplicaC, "Online", "db-replica-3"));
        Healthy(ReplicaA, lag: 9);
        Healthy(ReplicaC, lag: 2);

        var plan = await Planner().PlanAsync(new BackupRequest { Cluster = "orders-db" }, CancellationToken.None);

        var query = Assert.Single(_commands.TagQueries);
        Assert.Equal("orders-db", query["lifeboat:cluster"]);
        Assert.Equal("replica", query["lifeboat:role"]);
        Assert.Equal(2, query.Count);
        Assert.Equal([ReplicaA, ReplicaC], _commands.Sent.Select(c => c.InstanceId).Order(StringComparer.Ordinal));
        Assert.Equal(ReplicaC, plan.Replica.InstanceId);
        Assert.Equal(2, plan.Candidates.Count);
    }

    [Fact]
    public async Task No_Tagged_Replica_Fails_Telling_How_To_Tag_Them()
    {
        _commands.Instances.Add(new ManagedInstance(ReplicaB, "ConnectionLost", "db-replica-2"));

        var error = await Assert.ThrowsAsync<NoHealthyReplicaException>(
            () => Planner().PlanAsync(new BackupRequest { Cluster = "orders-db", Replicas = [] }, CancellationToken.None));

        Assert.Contains("lifeboat:cluster=orders-db, lifeboat:role=replica", error.Message);
        Assert.Empty(_commands.Sent);
    }

    [Fact]
    public async Task Backup_Id_Is_The_Utc_Time_And_The_Replica_Id_Tail()
    {
        Healthy(ReplicaA);
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 3, 30, 0, TimeSpan.FromHours(2)));
        var planner = new BackupPlanner(_commands, new ReplicaProber(_commands, StatusDocument, clock), ReplicaPolicy.Default, clock);

        var plan = await planner.PlanAsync(new BackupRequest { Cluster = "orders-db", Replicas = [ReplicaA] }, CancellationToken.None);

        // 03:30 at +02:00 is 01:30 UTC; the two one-second status polls happened before the id was taken.
        Assert.Equal("20261122T013002Z-bcdef0", plan.Id);
        Assert.Matches(new Regex(Names.BackupIdPattern), plan.Id);
        Assert.True(Names.IsBackupId(plan.Id));
        Assert.Equal("orders-db", plan.Cluster);
    }

    [Fact]
    public async Task Plan_Describes_The_Chosen_Replica_And_Every_Candidate()
    {
        Healthy(ReplicaA, lag: 0, host: "db-replica-1");
        Tagged(ReplicaB);
        _commands.Answer(ReplicaB, ScriptedPoll.Success(CoreFixtures.StatusLine(CoreFixtures.HealthyStatus() with { ReadOnly = false })));

        var plan = await Planner().PlanAsync(new BackupRequest { Cluster = "orders-db", Replicas = [ReplicaA, ReplicaB] }, CancellationToken.None);

        Assert.Equal(ReplicaA, plan.Replica.InstanceId);
        Assert.Equal("db-replica-1", plan.Replica.Host);
        Assert.Equal(0, plan.Replica.LagSeconds);
        Assert.Equal("0-101-48213,1-101-7", plan.Replica.GtidSlavePos);
        Assert.Equal("10.11.6-MariaDB-0+deb12u1-log", plan.Replica.ServerVersion);
        var a = Assert.Single(plan.Candidates, c => c.InstanceId == ReplicaA);
        Assert.True(a.Healthy);
        var b = Assert.Single(plan.Candidates, c => c.InstanceId == ReplicaB);
        Assert.False(b.Healthy);
        Assert.StartsWith("read_only is OFF", Assert.Single(b.Failures));
    }

    [Fact]
    public async Task Max_Lag_Override_Admits_A_Replica_The_Default_Policy_Refuses()
    {
        Healthy(ReplicaA, lag: 600);
        var request = new BackupRequest { Cluster = "orders-db", Replicas = [ReplicaA] };

        var refused = await Assert.ThrowsAsync<NoHealthyReplicaException>(() => Planner().PlanAsync(request, CancellationToken.None));
        var plan = await Planner().PlanAsync(request with { MaxLagSeconds = 900 }, CancellationToken.None);

        Assert.Contains("lag 600 s exceeds the 300 s threshold", refused.Message);
        Assert.Equal(ReplicaA, plan.Replica.InstanceId);
        Assert.Equal(600, plan.Replica.LagSeconds);
    }

    [Fact]
    public async Task Max_Lag_Override_Can_Be_Stricter_Than_The_Policy()
    {
        Healthy(ReplicaA, lag: 5);

        var error = await Assert.ThrowsAsync<NoHealthyReplicaException>(
            () => Planner().PlanAsync(new BackupRequest { Cluster = "orders-db", Replicas = [ReplicaA], MaxLagSeconds = 0 }, CancellationToken.None));

        Assert.Contains("lag 5 s exceeds the 0 s threshold", error.Message);
    }
}

public class ReplicaProberTests
{
    private const string StatusDocument = "Lifeboat-ReplicaStatus";
    private const string Replica = "i-0123456789abcdef0";

    private readonly ManualClock _clock = new(CoreFixtures.Now);
    private readonly ScriptedRemoteCommands _commands = new();

    private ReplicaProber Prober() => new(_commands, StatusDocument, _clock);

    [Fact]
    public async Task Status_Printed_By_The_Document_Is_Read_From_Stdout()
    {
        var stdout = System.Text.Encoding.UTF8.GetString(CoreFixtures.Bytes("replica-status-mariadb.json"));
        _commands.Answer(Replica, ScriptedPoll.Running(), ScriptedPoll.Running(), ScriptedPoll.Success(stdout));

        var probe = Assert.Single(await Prober().ProbeAsync([Replica], CancellationToken.None));

        Assert.Null(probe.ProbeError);
        Assert.NotNull(probe.Status);
        Assert.Equal("db-replica-2", probe.Status.Host);
        Assert.Equal(102, probe.Status.ServerId);
        Assert.True(probe.Status.ReadOnly && probe.Status.IsReplica && probe.Status.IoRunning && probe.Status.SqlRunning);
        Assert.Equal(0, probe.Status.SecondsBehindMaster);
        Assert.Equal(412316860416, probe.Status.FreeDiskBytes);
        Assert.Equal(3, _commands.Gets.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], _clock.Delays);
        var sent = Assert.Single(_commands.Sent);
        Assert.Equal(TimeSpan.FromSeconds(90), sent.Timeout);
    }

    [Fact]
    public async Task Null_Lag_From_The_Document_Stays_Null()
    {
        var stdout = CoreFixtures.StatusLine(CoreFixtures.HealthyStatus()).Replace("\"secondsBehindMaster\":0", "\"secondsBehindMaster\":null", StringComparison.Ordinal);
        _commands.Answer(Replica, ScriptedPoll.Success(stdout));

        var probe = Assert.Single(await Prober().ProbeAsync([Replica], CancellationToken.None));

        Assert.NotNull(probe.Status);
        Assert.Null(probe.Status.SecondsBehindMaster);
    }

    [Fact]
    public async Task Failed_Status_Command_Is_Reported_With_Its_Stderr()
    {
        _commands.Answer(Replica, ScriptedPoll.Failed("replica-status: cannot connect to the local server (check the client credentials in ~/.my.cnf)\n"));

        var probe = Assert.Single(await Prober().ProbeAsync([Replica], CancellationToken.None));

        Assert.Null(probe.Status);
        Assert.Equal("status command Failed: replica-status: cannot connect to the local server (check the client credentials in ~/.my.cnf)", probe.ProbeError);
    }

    [Fact]
    public async Task Status_Command_Without_Json_Is_Reported()
    {
        _commands.Answer(Replica, ScriptedPoll.Success("mysql: [Warning] Using a password on the command line interface can be insecure.\n"));

        var probe = Assert.Single(await Prober().ProbeAsync([Replica], CancellationToken.None));

        Assert.Equal("status command printed no JSON", probe.ProbeError);
    }

    [Fact]
    public async Task Command_That_Cannot_Be_Sent_Is_Reported()
    {
        _commands.FailSend(Replica, new InvalidOperationException("InvalidInstanceId: Instances not in a valid state for account"));

        var probe = Assert.Single(await Prober().ProbeAsync([Replica], CancellationToken.None));

        Assert.Equal("could not send the status command: InvalidInstanceId: Instances not in a valid state for account", probe.ProbeError);
        Assert.Empty(_commands.Gets);
    }

    [Fact]
    public async Task Host_That_Never_Answers_Times_Out_After_Ninety_Seconds()
    {
        _commands.Answer(Replica, ScriptedPoll.Running());

        var probe = Assert.Single(await Prober().ProbeAsync([Replica], CancellationToken.None));

        Assert.Equal("no answer within 90 s (command cmd-0001)", probe.ProbeError);
        Assert.InRange(_clock.GetUtcNow() - CoreFixtures.Now, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(92));
    }

    [Fact]
    public async Task Every_Candidate_Gets_A_Probe_Even_When_Others_Fail()
    {
        _commands.FailSend("i-0fedcba9876543210", new InvalidOperationException("throttled"));
        _commands.Answer(Replica, ScriptedPoll.Success(CoreFixtures.StatusLine(CoreFixtures.HealthyStatus())));

        var probes = await Prober().ProbeAsync([Replica, "i-0fedcba9876543210"], CancellationToken.None);

        Assert.Equal([Replica, "i-0fedcba9876543210"], probes.Select(p => p.InstanceId));
        Assert.NotNull(probes[0].Status);
        Assert.Contains("throttled", probes[1].ProbeError);
    }
}
