using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>What CloudFormation would reject, or accept and regret, in the template's resources (DESIGN.md §8).</summary>
public sealed class TemplateResourceTests
{
    // The non-Serverless types this template may use, with the properties CloudFormation requires of each. A new type
    // belongs here once someone has looked at what it requires.
    private static readonly Dictionary<string, string[]> RequiredProperties = new(StringComparer.Ordinal)
    {
        ["AWS::S3::Bucket"] = [],
        ["AWS::S3::BucketPolicy"] = ["Bucket", "PolicyDocument"],
        ["AWS::SSM::Document"] = ["Content", "DocumentType"],
        ["AWS::IAM::Role"] = ["AssumeRolePolicyDocument"],
        ["AWS::IAM::InstanceProfile"] = ["Roles"],
        ["AWS::IAM::ManagedPolicy"] = ["PolicyDocument"],
        ["AWS::IAM::Policy"] = ["PolicyDocument", "PolicyName"],
        ["AWS::Logs::LogGroup"] = ["RetentionInDays"],
        ["AWS::SNS::Topic"] = [],
        ["AWS::SNS::Subscription"] = ["Protocol", "TopicArn"],
        ["AWS::SNS::TopicPolicy"] = ["PolicyDocument", "Topics"],
        ["AWS::CloudWatch::Alarm"] = ["ComparisonOperator", "EvaluationPeriods"],
        ["AWS::CloudWatch::Dashboard"] = ["DashboardBody"],
        ["AWS::KMS::Key"] = [],
        ["AWS::EC2::LaunchTemplate"] = ["LaunchTemplateData"],
        ["AWS::EC2::SecurityGroup"] = ["GroupDescription"],
        ["AWS::Scheduler::Schedule"] = ["FlexibleTimeWindow", "ScheduleExpression", "Target"],
        ["AWS::Lambda::Permission"] = ["Action", "FunctionName", "Principal"],
    };

    private static readonly CfnTemplate Template = Repo.Template;

    [Fact]
    public void Serverless_Resources_Match_The_Sam_Schema()
    {
        // Arrange
        var arguments = new[]
        {
            Repo.Path("sandbox/node/validate-template.mjs"),
            Repo.Path("template.yaml"),
            Path.Combine(Repo.Shared, "schemas", "sam.schema.json"),
        };

        // Act
        var result = Repo.Run(Repo.Node, arguments);

        // Assert
        Assert.True(result.ExitCode == 0, "validate-template.mjs against sam.schema.json:\n" + result.Output);
    }

    [Fact]
    public void Every_Other_Resource_Type_Is_Known_And_Has_Its_Required_Properties()
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var (id, _) in Template.Resources)
        {
            var type = Template.TypeOf(id);
            if (type.StartsWith("AWS::Serverless::", StringComparison.Ordinal))
            {
                continue;
            }
            if (!RequiredProperties.TryGetValue(type, out var required))
            {
                problems.Add($"{id}: type {type} is not one these tests know; add it with its required properties");
                continue;
            }
            var properties = Template.PropertiesWithGlobals(id);
            problems.AddRange(required.Where(p => properties.GetValueOrDefault(p) is null).Select(p => $"{id}: {type} requires {p}"));
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Backup_Bucket_Is_Versioned_Encrypted_Private_And_Retained()
    {
        // Arrange
        var buckets = Template.ResourcesOfType("AWS::S3::Bucket").ToList();
        var problems = new List<string>();

        // Act
        foreach (var bucket in buckets)
        {
            var properties = Template.PropertiesWithGlobals(bucket);
            if (Map(properties.GetValueOrDefault("VersioningConfiguration"))?.GetValueOrDefault("Status") as string != "Enabled")
            {
                problems.Add($"{bucket}: VersioningConfiguration.Status must be Enabled");
            }
            var encryption = List(Map(properties.GetValueOrDefault("BucketEncryption"))?.GetValueOrDefault("ServerSideEncryptionConfiguration"));
            if (!encryption.Any(rule => Map(Map(rule)?.GetValueOrDefault("ServerSideEncryptionByDefault"))?.GetValueOrDefault("SSEAlgorithm") is string))
            {
                problems.Add($"{bucket}: BucketEncryption needs a ServerSideEncryptionByDefault.SSEAlgorithm");
            }
            var publicAccess = Map(properties.GetValueOrDefault("PublicAccessBlockConfiguration"));
            foreach (var flag in new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" })
            {
                if (publicAccess?.GetValueOrDefault(flag) as string != "true")
                {
                    problems.Add($"{bucket}: PublicAccessBlockConfiguration.{flag} must be true");
                }
            }
            var rules = List(Map(properties.GetValueOrDefault("LifecycleConfiguration"))?.GetValueOrDefault("Rules")).Select(Map);
            if (!rules.Any(r => r?.GetValueOrDefault("Status") as string == "Enabled"
                && Map(r.GetValueOrDefault("AbortIncompleteMultipartUpload"))?.GetValueOrDefault("DaysAfterInitiation") is string))
            {
                problems.Add($"{bucket}: needs an enabled lifecycle rule with AbortIncompleteMultipartUpload.DaysAfterInitiation");
            }
            // Backups must outlive the stack that made them.
            if (Map(Template.Resources[bucket])?.GetValueOrDefault("DeletionPolicy") as string != "Retain")
            {
                problems.Add($"{bucket}: DeletionPolicy must be Retain");
            }
        }

        // Assert
        Assert.NotEmpty(buckets);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_Bucket_Policy_Denies_Insecure_Transport_On_Bucket_And_Objects()
    {
        // Arrange
        var buckets = Template.ResourcesOfType("AWS::S3::Bucket").ToList();
        var policies = Template.ResourcesOfType("AWS::S3::BucketPolicy").Select(Template.PropertiesWithGlobals).ToList();
        var problems = new List<string>();

        // Act
        foreach (var bucket in buckets)
        {
            var statements = policies
                .Where(p => References(p.GetValueOrDefault("Bucket")).Any(r => r.Target == bucket))
                .SelectMany(p => List(Map(p.GetValueOrDefault("PolicyDocument"))?.GetValueOrDefault("Statement")))
                .Select(Map)
                .OfType<Dictionary<string, object?>>();
            var denial = statements.FirstOrDefault(s =>
                s.GetValueOrDefault("Effect") as string == "Deny"
                && Map(Map(s.GetValueOrDefault("Condition"))?.GetValueOrDefault("Bool"))?.GetValueOrDefault("aws:SecureTransport") as string == "false");
            if (denial is null)
            {
                problems.Add($"{bucket}: no bucket policy statement denies aws:SecureTransport false");
                continue;
            }
            // The policy is attached to this bucket, so its resources are the bucket ARN and ARN/* in some spelling.
            var resources = List(denial.GetValueOrDefault("Resource")).Select(r => SubText(r) ?? "").ToList();
            if (!resources.Any(r => r.EndsWith("/*", StringComparison.Ordinal)) || !resources.Any(r => !r.EndsWith('*')))
            {
                problems.Add($"{bucket}: the SecureTransport denial must cover the bucket ARN and its objects (ARN/*)");
            }
            if (!List(denial.GetValueOrDefault("Action")).Contains("s3:*") || denial.GetValueOrDefault("Principal") as string != "*")
            {
                problems.Add($"{bucket}: the SecureTransport denial must deny s3:* to Principal \"*\"");
            }
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_Function_Has_A_Log_Group_With_Retention()
    {
        // Arrange
        var logGroups = Template.ResourcesOfType("AWS::Logs::LogGroup")
            .Select(id => (Id: id, Properties: Template.PropertiesWithGlobals(id)))
            .ToList();
        var problems = new List<string>();

        // Act
        foreach (var function in Template.ResourcesOfType("AWS::Serverless::Function"))
        {
            var expected = $"/aws/lambda/${{{function}}}";
            var group = logGroups.FirstOrDefault(g => SubText(g.Properties.GetValueOrDefault("LogGroupName")) == expected);
            if (group.Id is null)
            {
                problems.Add($"{function}: no AWS::Logs::LogGroup named !Sub \"{expected}\" (Lambda would create one that never expires)");
            }
        }
        problems.AddRange(logGroups.Where(g => g.Properties.GetValueOrDefault("RetentionInDays") is null).Select(g => $"{g.Id}: no RetentionInDays"));

        // Assert
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Ssm_Documents_Are_Command_Documents()
    {
        // Arrange, Act
        var problems = Template.ResourcesOfType("AWS::SSM::Document")
            .Where(id => Template.PropertiesWithGlobals(id).GetValueOrDefault("DocumentType") as string != "Command")
            .Select(id => $"{id}: DocumentType must be Command (Run Command sends it)");

        // Assert
        Assert.Empty(problems);
    }

    private static string? SubText(object? expression) => Map(expression)?.GetValueOrDefault("Fn::Sub") is { } sub ? SubParts(sub).Text : null;
}
