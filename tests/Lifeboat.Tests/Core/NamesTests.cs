using System.Text.RegularExpressions;
using Lifeboat.Core;
using Lifeboat.Core.Storage;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Lifeboat.Tests.Core;

public class NamesTests
{
    private const string ClusterRule = "use 1-40 characters of a-z, 0-9 and '-', starting with a letter";

    private static string AllowedPattern(string parameter)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(CoreFixtures.RepoRoot(), "ssm", "backup.yaml")))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var parameters = (YamlMappingNode)root.Children[new YamlScalarNode("parameters")];
        var definition = (YamlMappingNode)parameters.Children[new YamlScalarNode(parameter)];
        return ((YamlScalarNode)definition.Children[new YamlScalarNode("allowedPattern")]).Value!;
    }

    [Fact]
    public void Cluster_Pattern_Is_The_Backup_Documents_Allowed_Pattern()
    {
        Assert.Equal(Names.ClusterPattern, AllowedPattern("Cluster"));
    }

    [Fact]
    public void Backup_Id_Pattern_Is_The_Backup_Documents_Allowed_Pattern()
    {
        Assert.Equal(Names.BackupIdPattern, AllowedPattern("BackupId"));
    }

    [Fact]
    public void Instance_Id_Pattern_Is_The_Backup_Documents_Allowed_Pattern()
    {
        Assert.Equal(Names.InstanceIdPattern, AllowedPattern("InstanceId"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("orders-db")]
    [InlineData("db2")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789-abc")]
    public void Valid_Cluster_Names_Are_Accepted(string cluster)
    {
        Names.RequireCluster(cluster);

        Assert.Matches(new Regex(Names.ClusterPattern), cluster);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a;rm -rf /")]
    [InlineData("orders'db")]
    [InlineData("orders\"db")]
    [InlineData("$(reboot)")]
    [InlineData("`id`")]
    [InlineData("orders db")]
    [InlineData("orders/db")]
    [InlineData("../orders")]
    [InlineData("Orders")]
    [InlineData("1orders")]
    [InlineData("-orders")]
    [InlineData("orders_db")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789-abcd")]
    public void Hostile_Or_Malformed_Cluster_Names_Are_Refused_Saying_What_Is_Allowed(string? cluster)
    {
        var error = Assert.Throws<InvalidInputException>(() => Names.RequireCluster(cluster));

        Assert.Contains(ClusterRule, error.Message);
        Assert.Contains("orders-db", error.Message);
    }

    [Theory]
    [InlineData("orders-db\n")]
    [InlineData("orders-db\r\n")]
    [InlineData("\norders-db")]
    public void Cluster_Names_With_Line_Breaks_Are_Refused(string cluster)
    {
        var error = Assert.Throws<InvalidInputException>(() => Names.RequireCluster(cluster));

        Assert.Contains(ClusterRule, error.Message);
    }

    [Fact]
    public void Very_Long_Cluster_Name_Is_Refused_And_Shortened_In_The_Message()
    {
        var cluster = new string('a', 200);

        var error = Assert.Throws<InvalidInputException>(() => Names.RequireCluster(cluster));

        Assert.Contains(ClusterRule, error.Message);
        Assert.Contains(new string('a', 64) + "…", error.Message);
        Assert.DoesNotContain(new string('a', 65), error.Message);
    }

    [Theory]
    [InlineData("i-0123456789abcdef0")]
    [InlineData("i-01234567")]
    [InlineData("mi-0123456789abcdef0")]
    public void Valid_Instance_Ids_Are_Accepted(string instanceId)
    {
        Names.RequireInstanceId(instanceId);

        Assert.Matches(new Regex(Names.InstanceIdPattern), instanceId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("i-0123456789abcdef0; reboot")]
    [InlineData("i-0123456789ABCDEF0")]
    [InlineData("i-0123456")]
    [InlineData("i-0123456789abcdef01")]
    [InlineData("mi-0123456789abcdef")]
    [InlineData("db-replica-1")]
    [InlineData("'i-0123456789abcdef0'")]
    public void Malformed_Instance_Ids_Are_Refused_Saying_What_Is_Expected(string? instanceId)
    {
        var error = Assert.Throws<InvalidInputException>(() => Names.RequireInstanceId(instanceId));

        Assert.Contains("expected i-0123456789abcdef0 or mi-0123456789abcdef0", error.Message);
        Assert.Contains(instanceId is null ? "(missing)" : $"'{instanceId}'", error.Message);
    }

    [Fact]
    public void Instance_Id_With_A_Trailing_Newline_Is_Refused()
    {
        Assert.Throws<InvalidInputException>(() => Names.RequireInstanceId("i-0123456789abcdef0\n"));
    }

    [Theory]
    [InlineData("20261122T013000Z-bcdef0", true)]
    [InlineData("20261122T013000Z", true)]
    [InlineData("20261122T013000Z-abcdefghij012345", true)]
    [InlineData("20261122T013000Z-abcdefghij0123456", false)]
    [InlineData("20261122T013000Z-", false)]
    [InlineData("20261122T013000Z-BCDEF0", false)]
    [InlineData("2026-11-22T01:30:00Z", false)]
    [InlineData("20261122T013000Z-a;b", false)]
    [InlineData("..", false)]
    [InlineData("20261122T013000Z-bcdef0\n", false)]
    [InlineData(null, false)]
    public void Backup_Ids_Are_Recognised(string? value, bool expected)
    {
        Assert.Equal(expected, Names.IsBackupId(value));
    }

    [Fact]
    public void New_Backup_Id_Is_Utc_Time_Then_Suffix_And_Sorts_By_Time()
    {
        var earlier = Names.NewBackupId(new DateTimeOffset(2026, 11, 22, 23, 59, 59, TimeSpan.FromHours(-5)), "zzzzzz");
        var later = Names.NewBackupId(new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero), "000000");

        Assert.Equal("20261123T045959Z-zzzzzz", earlier);
        Assert.True(Names.IsBackupId(earlier));
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }
}
