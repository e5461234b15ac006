using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>The off-site copy: replication of every new object and no deletion, encrypted with the destination's key.</summary>
public sealed class SecurityOffsiteTests
{
    private static readonly CfnTemplate Template = Repo.Template;

    [Fact]
    public void Without_An_Offsite_Bucket_Nothing_Replicates_And_No_Role_Reads_A_Copy()
    {
        // Arrange
        var policies = new SecurityPolicies("defaults");

        // Act
        var bucket = Map(policies.Evaluator.Resolve(Template.PropertiesWithGlobals("BackupBucket")))!;

        // Assert
        Assert.False(bucket.ContainsKey("ReplicationConfiguration"));
        Assert.False(policies.Evaluator.Exists("ReplicationRole"));
        Assert.DoesNotContain(policies.All, s => s.Sid?.Contains("Offsite", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Offsite_Copy_Replicates_Every_New_Object_But_No_Deletion_Encrypted_With_The_Destination_Key()
    {
        // Arrange
        var policies = new SecurityPolicies("offsite-copy");
        var bucket = Map(policies.Evaluator.Resolve(Template.PropertiesWithGlobals("BackupBucket")))!;

        // Act
        var replication = Map(bucket["ReplicationConfiguration"])!;
        var rule = Map(List(replication["Rules"]).Single())!;
        var destination = Map(rule["Destination"])!;

        // Assert
        Assert.Equal(CfnEvaluator.GetAttPlaceholder("ReplicationRole", "Arn"), policies.Evaluator.Scalar(replication["Role"]));
        Assert.Equal("Enabled", rule["Status"]);
        Assert.Equal("", Map(rule["Filter"])!["Prefix"]);
        Assert.Equal("Disabled", Map(rule["DeleteMarkerReplication"])!["Status"]);
        Assert.Equal("Enabled", Map(Map(rule["SourceSelectionCriteria"])!["SseKmsEncryptedObjects"])!["Status"]);
        Assert.Equal("arn:aws:s3:::lifeboat-dr-copy", policies.Evaluator.Scalar(destination["Bucket"]));
        Assert.Equal("arn:aws:kms:eu-central-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab", Map(destination["EncryptionConfiguration"])!["ReplicaKmsKeyID"]);
        // In another account the replicas belong to that account, out of reach of this one.
        Assert.Equal("210987654321", destination["Account"]);
        Assert.Equal("Destination", Map(destination["AccessControlTranslation"])!["Owner"]);
    }

    [Fact]
    public void Replication_Role_Writes_Replicas_But_Cannot_Delete_Or_Read_Elsewhere()
    {
        // Arrange
        var policies = new SecurityPolicies("offsite-copy");

        // Act
        var replication = policies.All.Where(s => s.Owner == "ReplicationRole").ToList();
        var writes = replication.Where(s => s.Allows("s3:ReplicateObject")).SelectMany(s => s.Resources).ToList();

        // Assert
        Assert.NotEmpty(replication);
        Assert.DoesNotContain(replication, s => s.Allows("s3:ReplicateDelete") || s.Allows("s3:DeleteObject") || s.Allows("s3:DeleteObjectVersion"));
        Assert.Equal(["arn:aws:s3:::lifeboat-dr-copy/*"], writes);
        Assert.All(replication.Where(s => s.Allows("kms:Decrypt")), s => Assert.Contains("kms:ViaService", s.ConditionKeys));
        Assert.All(replication.Where(s => s.Allows("kms:Encrypt")), s => Assert.Equal(["arn:aws:kms:eu-central-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab"], s.Resources));
    }

    [Fact]
    public void Restores_From_The_Copy_Can_Read_It_And_Nothing_Writes_To_It()
    {
        // Arrange
        var policies = new SecurityPolicies("offsite-copy");
        const string copy = "arn:aws:s3:::lifeboat-dr-copy";

        // Act
        var readers = policies.All.Where(s => s.Allows("s3:GetObject") && s.Resources.Any(r => r.StartsWith(copy, StringComparison.Ordinal))).Select(s => s.Owner).ToHashSet();
        var decrypters = policies.All.Where(s => s.Allows("kms:Decrypt") && s.Resources.Any(r => r.Contains("210987654321:key/", StringComparison.Ordinal))).Select(s => s.Owner).ToHashSet();
        var writers = policies.All.Where(s => s.Allows("s3:PutObject") && s.Resources.Any(r => r.StartsWith(copy, StringComparison.Ordinal))).Select(s => s.Owner);

        // Assert
        Assert.Equal(["PlanRestoreFunction", "RestoreTargetRole"], readers.Order());
        Assert.Superset(new HashSet<string> { "PlanRestoreFunction", "RestoreTargetRole" }, decrypters);
        Assert.Empty(writers);
    }

    [Fact]
    public void Offsite_Parameters_Are_All_Or_Nothing()
    {
        // Arrange
        var rules = Map(Template.Root.GetValueOrDefault("Rules"))!;

        // Act
        var rule = Map(rules["OffsiteCopyIsComplete"])!;
        var asserted = List(rule["Assertions"]).Select(Map).SelectMany(a => References(a!["Assert"])).Select(r => r.Target).ToHashSet();

        // Assert
        Assert.Contains("OffsiteBucketName", References(rule["RuleCondition"]).Select(r => r.Target));
        Assert.Superset(new HashSet<string> { "OffsiteRegion", "OffsiteKmsKeyArn" }, asserted);
        Assert.All(List(rule["Assertions"]).Select(Map), a => Assert.Contains("OffsiteBucketName", a!["AssertDescription"] as string));
    }

    [Fact]
    public void Plan_Restore_Knows_Where_The_Copy_Is()
    {
        // Arrange
        var environment = Template.EnvironmentOf("PlanRestoreFunction");

        // Act
        var bucket = References(environment["OFFSITE_BUCKET_NAME"]).Single().Target;
        var region = References(environment["OFFSITE_REGION"]).Single().Target;

        // Assert
        Assert.Equal("OffsiteBucketName", bucket);
        Assert.Equal("OffsiteRegion", region);
    }
}
