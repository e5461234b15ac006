using System.Text.Json;
using Lifeboat.Core;
using Lifeboat.Core.Clusters;
using Lifeboat.Core.Json;
using Xunit;

namespace Lifeboat.Tests.Clusters;

public class ClusterRunPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 0, 41, TimeSpan.Zero);

    private static IReadOnlyList<ClusterDefinition> TwoClusters() =>
        ClusterConfiguration.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Clusters", "clusters-two.json")));

    private static ClusterRunPlan Plan(string task, string? scheduledTime = "2026-11-22T03:00:00Z", IReadOnlyList<ClusterDefinition>? clusters = null) =>
        ClusterRunPlanner.Plan(new ListClustersRequest { Task = task, ScheduledTime = scheduledTime }, clusters ?? TwoClusters(), ClusterConfiguration.Key, Now);

    private static string Json(ClusterTaskInput input) => JsonSerializer.Serialize(input, LifeboatJson.Default.ClusterTaskInput);

    [Fact]
    public void Backup_Runs_Carry_Each_Clusters_Replicas_And_Lag_Under_A_Name_From_The_Scheduled_Time()
    {
        // Act
        var plan = Plan(ScheduledTasks.Backup);

        // Assert
        Assert.Equal(["backup-orders-20261122T0300Z", "backup-billing-20261122T0300Z"], plan.Clusters.Select(c => c.ExecutionName));
        Assert.Equal("""{"cluster":"orders","maxLagSeconds":120}""", Json(plan.Clusters[0].Input));
        Assert.Equal("""{"cluster":"billing","replicas":["i-0fedcba9876543210"]}""", Json(plan.Clusters[1].Input));
    }

    [Fact]
    public void Drill_Runs_Start_The_Restore_Workflow_In_Drill_Mode()
    {
        // Act
        var plan = Plan(ScheduledTasks.Drill);

        // Assert
        Assert.Equal("""{"cluster":"orders","mode":"drill"}""", Json(plan.Clusters[0].Input));
        Assert.Equal("drill-billing-20261122T0300Z", plan.Clusters[1].ExecutionName);
    }

    [Fact]
    public void Shipping_Runs_Name_The_Binlog_Source_So_No_Cluster_Ships_From_The_Parameters_Instance()
    {
        // Act
        var plan = Plan(ScheduledTasks.ShipBinlogs);

        // Assert
        Assert.Equal("""{"cluster":"orders","binlogSource":"by-tag"}""", Json(plan.Clusters[0].Input));
        Assert.Equal("""{"cluster":"billing","binlogSource":"i-0123456789abcdef0"}""", Json(plan.Clusters[1].Input));
    }

    [Fact]
    public void Watchdog_Runs_Carry_Each_Clusters_Lag_Threshold()
    {
        // Act
        var plan = Plan(ScheduledTasks.Watchdog);

        // Assert
        Assert.Equal("""{"cluster":"orders","maxLagSeconds":120}""", Json(plan.Clusters[0].Input));
        Assert.Equal("""{"cluster":"billing"}""", Json(plan.Clusters[1].Input));
    }

    [Theory]
    [InlineData(ScheduledTasks.Backup, """{"cluster":"main"}""")]
    [InlineData(ScheduledTasks.Drill, """{"cluster":"main","mode":"drill"}""")]
    [InlineData(ScheduledTasks.ShipBinlogs, """{"cluster":"main"}""")]
    [InlineData(ScheduledTasks.Watchdog, """{"cluster":"main"}""")]
    [InlineData(ScheduledTasks.Retention, """{"cluster":"main"}""")]
    public void Template_Cluster_Alone_Gets_The_Inputs_Its_Schedules_Always_Sent(string task, string expected)
    {
        // Act
        var plan = Plan(task, clusters: [new ClusterDefinition { Name = "main" }]);

        // Assert
        Assert.Equal(expected, Json(Assert.Single(plan.Clusters).Input));
    }

    [Fact]
    public void A_Repeated_Delivery_Of_The_Same_Schedule_Gets_The_Same_Execution_Names()
    {
        // Act
        var first = Plan(ScheduledTasks.Backup, "2026-11-22T03:00:00Z");
        var again = ClusterRunPlanner.Plan(
            new ListClustersRequest { Task = ScheduledTasks.Backup, ScheduledTime = "2026-11-22T03:00:00Z" }, TwoClusters(), ClusterConfiguration.Key, Now.AddMinutes(3));

        // Assert
        Assert.Equal(first.Clusters.Select(c => c.ExecutionName), again.Clusters.Select(c => c.ExecutionName));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("<aws.scheduler.scheduled-time>")]
    public void A_Run_Started_By_Hand_Is_Named_After_Now(string? scheduledTime)
    {
        // Act
        var plan = Plan(ScheduledTasks.Backup, scheduledTime);

        // Assert
        Assert.Equal("backup-orders-20261122T0300Z", plan.Clusters[0].ExecutionName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("restore")]
    [InlineData("Backup")]
    public void Unknown_Task_Is_Refused_Naming_The_Tasks(string? task)
    {
        // Act
        var error = Assert.Throws<InvalidInputException>(() => Plan(task!));

        // Assert
        Assert.Contains("use one of backup, drill, ship-binlogs, watchdog, retention", error.Message);
    }

    [Fact]
    public void Scheduled_Time_That_Is_Not_A_Time_Is_Refused()
    {
        // Act
        var error = Assert.Throws<InvalidInputException>(() => Plan(ScheduledTasks.Backup, "yesterday"));

        // Assert
        Assert.Contains("is not an ISO 8601 time", error.Message);
    }
}
