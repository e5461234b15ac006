using System.Text.Json.Nodes;
using Lifeboat.Core;
using Xunit;

namespace Lifeboat.Tests.Core;

public sealed class MetricsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Deployment_Series_Is_A_Second_Dimension_Set_Beside_The_Clusters()
    {
        // Arrange
        var line = Metrics.Emf("orders-db", Now, new Dictionary<string, (double, string)> { ["BackupAgeSeconds"] = (3600, "Seconds") });

        // Act
        var both = JsonNode.Parse(Metrics.WithDeployment(line, "lifeboat-prod"))!;

        // Assert: CloudWatch makes one series per dimension set, so the cluster's own series stays as it was.
        var sets = both["_aws"]!["CloudWatchMetrics"]![0]!["Dimensions"]!.AsArray().Select(set => set!.AsArray().Select(n => n!.GetValue<string>()).ToArray());
        Assert.Equal([["Cluster"], ["Deployment"]], sets);
        Assert.Equal("orders-db", both["Cluster"]!.GetValue<string>());
        Assert.Equal("lifeboat-prod", both["Deployment"]!.GetValue<string>());
        Assert.Equal(3600, both["BackupAgeSeconds"]!.GetValue<double>());
    }

    [Fact]
    public void Without_A_Deployment_A_Line_Has_The_Cluster_Series_Only()
    {
        // Arrange
        var line = Metrics.Emf("orders-db", Now, new Dictionary<string, (double, string)> { ["DrillSuccess"] = (1, "Count") });

        // Act
        var sets = JsonNode.Parse(line)!["_aws"]!["CloudWatchMetrics"]![0]!["Dimensions"]!.AsArray();

        // Assert
        Assert.Single(sets);
        Assert.Null(JsonNode.Parse(line)!["Deployment"]);
    }
}
