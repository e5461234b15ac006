using System.Text.RegularExpressions;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>Encryption, TLS, Object Lock and secrets: what protects the backups at rest and what the logs may show.</summary>
public sealed partial class SecurityStorageTests
{
    private static readonly CfnTemplate Template = Repo.Template;
    private static readonly CfnEvaluator Evaluator = new(Template);

    [Fact]
    public void Bucket_Is_Kms_Encrypted_Versioned_Object_Locked_And_Private()
    {
        // Arrange
        var bucket = Map(Evaluator.Resolve(Template.PropertiesWithGlobals("BackupBucket")))!;

        // Act
        var encryption = Map(List(Map(bucket["BucketEncryption"])!["ServerSideEncryptionConfiguration"]).Single())!;
        var lockRule = Map(Map(Map(bucket["ObjectLockConfiguration"])!["Rule"])!["DefaultRetention"])!;
        var publicAccess = Map(bucket["PublicAccessBlockConfiguration"])!;

        // Assert
        Assert.Equal("aws:kms", Map(encryption["ServerSideEncryptionByDefault"])!["SSEAlgorithm"]);
        Assert.Equal("true", encryption["BucketKeyEnabled"]);
        Assert.Equal("Enabled", Map(bucket["VersioningConfiguration"])!["Status"]);
        Assert.Equal("true", bucket["ObjectLockEnabled"]);
        Assert.Equal("GOVERNANCE", lockRule["Mode"]);
        Assert.Equal(Evaluator.Value("RetentionDays"), lockRule["Days"]);
        Assert.All(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], k => Assert.Equal("true", publicAccess[k]));
        Assert.Equal("Retain", Map(Template.Resources["BackupBucket"])!["DeletionPolicy"]);
    }

    [Fact]
    public void Bucket_Policy_Denies_Every_Request_Without_Tls()
    {
        // Arrange
        var statements = BucketPolicyStatements();

        // Act
        var tls = statements.SingleOrDefault(s =>
            s.GetValueOrDefault("Effect") as string == "Deny"
            && Map(Map(s.GetValueOrDefault("Condition"))?.GetValueOrDefault("Bool"))?.GetValueOrDefault("aws:SecureTransport") as string == "false");

        // Assert
        Assert.NotNull(tls);
        Assert.Equal("*", tls["Principal"]);
        Assert.Equal(["s3:*"], List(tls["Action"]).Select(Evaluator.Scalar));
        var resources = List(tls["Resource"]).Select(Evaluator.Scalar).ToList();
        Assert.Contains(resources, r => r.EndsWith(CfnEvaluator.RefPlaceholder("BackupBucket"), StringComparison.Ordinal));
        Assert.Contains(resources, r => r.EndsWith(CfnEvaluator.RefPlaceholder("BackupBucket") + "/*", StringComparison.Ordinal));
    }

    [Fact]
    public void Bucket_Policy_Denies_Deletion_To_Every_Principal_But_Retention()
    {
        // Arrange
        var statements = BucketPolicyStatements();

        // Act
        var deny = statements.Single(s => s.GetValueOrDefault("Effect") as string == "Deny" && List(s["Action"]).Contains("s3:DeleteObject"));

        // Assert
        Assert.Equal("*", deny["Principal"]);
        Assert.Contains("s3:DeleteObjectVersion", List(deny["Action"]));
        Assert.Contains("s3:BypassGovernanceRetention", List(deny["Action"]));
        var exception = Map(Map(deny["Condition"])!["ArnNotEquals"])!["aws:PrincipalArn"];
        Assert.Equal(CfnEvaluator.GetAttPlaceholder("RetentionRole", "Arn"), Evaluator.Scalar(exception));
    }

    [Fact]
    public void Every_Log_Group_Is_Encrypted_With_The_Stacks_Logs_Key()
    {
        // Arrange
        var groups = Template.ResourcesOfType("AWS::Logs::LogGroup").ToList();

        // Act
        var unencrypted = groups.Where(id => Evaluator.Scalar(Template.PropertiesWithGlobals(id).GetValueOrDefault("KmsKeyId")) != CfnEvaluator.GetAttPlaceholder("LogsKey", "Arn"));

        // Assert
        Assert.NotEmpty(groups);
        Assert.Empty(unencrypted);
    }

    [Fact]
    public void Logs_Key_Lets_The_Regional_Logs_Service_Use_It_Only_For_This_Accounts_Log_Groups()
    {
        // Arrange
        var key = Map(Evaluator.Resolve(Template.PropertiesWithGlobals("LogsKey")))!;
        var statements = List(Map(key["KeyPolicy"])!["Statement"]).Select(Map).ToList();

        // Act
        var logs = statements.Single(s => Map(s!["Principal"])!.GetValueOrDefault("Service") is not null)!;
        var context = Map(logs["Condition"])!.Values.Select(Map).Select(m => m?.GetValueOrDefault("kms:EncryptionContext:aws:logs:arn")).Single(v => v is not null);

        // Assert
        Assert.Equal("true", key["EnableKeyRotation"]);
        // The regional principal: CloudWatch Logs uses logs.<region>.amazonaws.com, not logs.amazonaws.com.
        Assert.Equal("logs.eu-west-1.amazonaws.com", Evaluator.Scalar(Map(logs["Principal"])!["Service"]));
        Assert.Equal("arn:aws:logs:eu-west-1:123456789012:log-group:*", Evaluator.Scalar(context));
        Assert.DoesNotContain(List(logs["Action"]).Select(Evaluator.Scalar), a => a is "kms:*" or "kms:PutKeyPolicy" or "kms:ScheduleKeyDeletion");
    }

    [Fact]
    public void Key_Policies_Give_Administration_Only_To_The_Account()
    {
        // Arrange: kms:* to the account root is the key's default policy; without it CloudFormation refuses the key
        // (a policy that would lock out its own account).
        var keys = Template.ResourcesOfType("AWS::KMS::Key").ToList();

        // Act
        var problems = keys.SelectMany(id =>
            List(Map(Map(Evaluator.Resolve(Template.PropertiesWithGlobals(id)))!["KeyPolicy"])!["Statement"]).Select(Map)
                .Where(s => List(s!["Action"]).Contains("kms:*"))
                .Where(s => Evaluator.Scalar(Map(s!["Principal"])!.GetValueOrDefault("AWS")) != "arn:aws:iam::123456789012:root")
                .Select(s => $"{id}: kms:* to {Describe(s!["Principal"])}"));

        // Assert
        Assert.Contains("LogsKey", keys);
        Assert.Empty(problems);
    }

    [Fact]
    public void State_Machines_Never_Log_Execution_Data()
    {
        // Arrange
        var machines = Template.ResourcesOfType("AWS::Serverless::StateMachine").ToList();

        // Act
        var logging = machines.Select(id => (id, value: Map(Template.PropertiesWithGlobals(id).GetValueOrDefault("Logging"))?.GetValueOrDefault("IncludeExecutionData")));

        // Assert
        Assert.NotEmpty(machines);
        Assert.All(logging, l => Assert.True(l.value as string == "false", $"{l.id} logs execution data (inputs may carry hosts and keys)"));
    }

    [Fact]
    public void No_Secret_Is_A_Parameter_An_Output_An_Environment_Variable_Or_A_Command_Parameter()
    {
        // Arrange: database credentials stay on the hosts (~/.my.cnf); nothing in the stack carries one.
        var names = new List<string>();
        names.AddRange(Template.Parameters.Keys.Select(k => $"parameter {k}"));
        names.AddRange(Template.Outputs.Keys.Select(k => $"output {k}"));
        names.AddRange(Template.ResourcesOfType("AWS::Serverless::Function").SelectMany(f => Template.EnvironmentOf(f).Keys.Select(k => $"{f} environment {k}")));
        foreach (var document in Directory.GetFiles(Repo.Path("ssm"), "*.yaml"))
        {
            var parameters = Map(Map(ParseYaml(File.ReadAllText(document)))?.GetValueOrDefault("parameters")) ?? [];
            names.AddRange(parameters.Keys.Select(k => $"{Path.GetFileName(document)} parameter {k}"));
        }

        // Act
        var secrets = names.Where(n => SecretName().IsMatch(n.Split(' ')[^1]));

        // Assert
        Assert.True(names.Count > 40, "the scan found too few names to mean anything");
        Assert.Empty(secrets);
    }

    [Fact]
    public void Documents_Never_Trace_Their_Commands()
    {
        // Arrange: xtrace would copy every expanded command line into the command output SSM keeps.
        var documents = Directory.GetFiles(Repo.Path("ssm"), "*.yaml");

        // Act
        var tracing = documents.Where(d => XTrace().IsMatch(File.ReadAllText(d))).Select(Path.GetFileName);

        // Assert
        Assert.NotEmpty(documents);
        Assert.Empty(tracing);
    }

    [Fact]
    public void Restore_Targets_Require_Imdsv2_And_Get_No_Public_Address()
    {
        // Arrange
        var data = Map(Template.PropertiesWithGlobals("RestoreLaunchTemplate")["LaunchTemplateData"])!;

        // Act
        var metadata = Map(data["MetadataOptions"])!;
        var nic = Map(List(data["NetworkInterfaces"]).Single())!;

        // Assert
        Assert.Equal("required", metadata["HttpTokens"]);
        Assert.Equal("false", nic["AssociatePublicIpAddress"]);
    }

    private static List<Dictionary<string, object?>> BucketPolicyStatements() =>
        List(Map(Map(Evaluator.Resolve(Template.PropertiesWithGlobals("BackupBucketPolicy")))!["PolicyDocument"])!["Statement"])
            .Select(Map).OfType<Dictionary<string, object?>>().ToList();

    private static string Describe(object? node) => node switch
    {
        Dictionary<string, object?> map => "{" + string.Join(", ", map.Select(e => $"{e.Key}: {Describe(e.Value)}")) + "}",
        _ => node?.ToString() ?? "null",
    };

    [GeneratedRegex("password|passwd|secret|token|credential|private_?key|access_?key", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"set\s+-[a-wyz]*x|set\s+-o\s+xtrace|bash\s+-x")]
    private static partial Regex XTrace();
}
