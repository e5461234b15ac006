using Lifeboat.Core.Clusters;
using Lifeboat.Tests.Core;
using Xunit;

namespace Lifeboat.Tests.Clusters;

public class ClusterConfigurationTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Clusters", name));

    private static string ProblemsOf(string fixture) =>
        Assert.Throws<ClusterConfigurationException>(() => ClusterConfiguration.Parse(Fixture(fixture))).Message;

    [Fact]
    public void Valid_Document_Gives_Every_Cluster_With_Its_Settings()
    {
        // Act
        var clusters = ClusterConfiguration.Parse(Fixture("clusters-valid.json"));

        // Assert
        Assert.Equal(["orders", "billing-eu", "audit"], clusters.Select(c => c.Name));
        var billing = clusters[1];
        Assert.Equal("i-0123456789abcdef0", billing.BinlogSource);
        Assert.Equal(["i-0fedcba9876543210", "i-0aaaabbbbccccdddd"], billing.Replicas);
        Assert.Equal(60, billing.MaxLagSeconds);
        Assert.Equal("config/orders/assertions.tsv", clusters[0].Assertions);
    }

    [Fact]
    public void Omitted_Settings_Find_Hosts_By_Tag_And_Keep_The_Parameters()
    {
        // Act
        var audit = ClusterConfiguration.Parse(Fixture("clusters-valid.json")).Single(c => c.Name == "audit");

        // Assert
        Assert.Equal(ClusterConfiguration.ByTag, audit.BinlogSource);
        Assert.Null(audit.Replicas);
        Assert.Null(audit.MaxLagSeconds);
        Assert.Null(audit.Assertions);
    }

    [Fact]
    public void Broken_Document_Runs_No_Cluster_And_Names_Every_Problem_By_Cluster_And_Field_With_The_Fix()
    {
        // Act
        var message = ProblemsOf("clusters-broken.json");

        // Assert: every problem at once, each with where it is and what to do; nothing is silently dropped.
        Assert.Contains("no cluster was run", message);
        Assert.Contains("clusters[0] (\"orders\"): unknown field \"maxLagSecond\": the fields are", message);
        Assert.Contains("clusters[1] (\"billing\"): maxLagSeconds 100000 is out of range: use a whole number of seconds from 0 to 86400", message);
        Assert.Contains("clusters[2] (\"Billing_EU\"): name is not a valid cluster name: use 1-40 characters of a-z, 0-9 and '-'", message);
        Assert.Contains("clusters[3] (\"orders\"): binlogSource \"primary\" is neither \"by-tag\"", message);
        Assert.Contains("cluster \"orders\" is defined 2 times: cluster names must be unique", message);
        Assert.Contains("clusters[4] (\"audit\"): replicas lists i-0123456789abcdef0 2 times", message);
        Assert.Contains("clusters[4] (\"audit\"): assertions \"config/orders/assertions.tsv\" must be \"config/audit/assertions.tsv\"", message);
    }

    [Fact]
    public void Instance_Named_By_Two_Clusters_Is_Refused()
    {
        // Act
        var message = ProblemsOf("clusters-shared-instance.json");

        // Assert
        Assert.Contains("instance i-0123456789abcdef0 is named by clusters \"orders\" and \"billing\"", message);
    }

    [Theory]
    [InlineData("clusters-unknown-top-level.json", "the document: unknown field \"cluster\"")]
    [InlineData("clusters-empty.json", "\"clusters\" is missing or not a non-empty array")]
    [InlineData("clusters-not-json.json", "it is not valid JSON")]
    public void Document_Without_A_Usable_Cluster_List_Is_Refused_With_The_Fix(string fixture, string expected)
    {
        // Act
        var message = ProblemsOf(fixture);

        // Assert
        Assert.Contains(expected, message);
        Assert.Contains("delete it to run only the template's ClusterName", message);
    }

    [Fact]
    public async Task Without_A_Document_The_Template_Cluster_Runs_Alone()
    {
        // Arrange
        var store = new InMemoryObjectStore();

        // Act
        var (clusters, source) = await ClusterConfiguration.LoadAsync(store, new ClusterDefinition { Name = "main" }, CancellationToken.None);

        // Assert
        Assert.Equal("main", Assert.Single(clusters).Name);
        Assert.Equal("template parameters", source);
    }

    [Fact]
    public async Task Document_In_The_Bucket_Replaces_The_Template_Cluster()
    {
        // Arrange
        var store = new InMemoryObjectStore();
        store.Seed(ClusterConfiguration.Key, Fixture("clusters-two.json"), "application/json");

        // Act
        var (clusters, source) = await ClusterConfiguration.LoadAsync(store, new ClusterDefinition { Name = "main" }, CancellationToken.None);

        // Assert
        Assert.Equal(["orders", "billing"], clusters.Select(c => c.Name));
        Assert.Equal("config/clusters.json", source);
    }
}
