using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>
/// Least privilege, read from the template as it would deploy (with and without the off-site copy): no wildcard
/// actions, "*" resources only for APIs that authorize on nothing else, deletion only by retention, Run Command only with
/// Lifeboat's documents on tagged instances, instances only from the launch template.
/// </summary>
public sealed class SecurityIamTests
{
    /// <summary>
    /// The APIs AWS authorizes only on "*" (no resource-level permissions); a statement on "*" may grant these and nothing
    /// else. Each entry says why it is here.
    /// </summary>
    private static readonly Dictionary<string, string> OnlyOnStar = new(StringComparer.OrdinalIgnoreCase)
    {
        // Run Command results: GetCommandInvocation takes no resource ARN.
        ["ssm:GetCommandInvocation"] = "no resource-level permissions",
        // A list call over the account's managed instances.
        ["ssm:DescribeInstanceInformation"] = "list call, no resource-level permissions",
        // The restore cleanup finds a stopped restore's instances by tag; EC2's Describe* calls authorize on "*" only.
        ["ec2:DescribeInstances"] = "list call, no resource-level permissions",
        // Step Functions' vended log delivery: AWS documents these on "*" only.
        ["logs:CreateLogDelivery"] = "vended logs",
        ["logs:GetLogDelivery"] = "vended logs",
        ["logs:UpdateLogDelivery"] = "vended logs",
        ["logs:DeleteLogDelivery"] = "vended logs",
        ["logs:ListLogDeliveries"] = "vended logs",
        ["logs:PutResourcePolicy"] = "vended logs",
        ["logs:DescribeResourcePolicies"] = "vended logs",
        ["logs:DescribeLogGroups"] = "vended logs",
    };

    /// <summary>AWS managed policies a role may carry: what the SSM agent, the Lambda runtime's logs and X-Ray need.</summary>
    private static readonly HashSet<string> ManagedPolicies = new(StringComparer.Ordinal)
    {
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
    };

    public static TheoryData<string> Deployments() => new(SecurityPolicies.Deployments.Keys);

    [Theory]
    [MemberData(nameof(Deployments))]
    public void No_Policy_Allows_A_Wildcard_Action(string deployment)
    {
        // Arrange
        var policies = new SecurityPolicies(deployment);

        // Act
        var wildcards = policies.All
            .Where(s => s.Effect == "Allow" && s.Actions.Any(a => a == "*" || a.EndsWith(":*", StringComparison.Ordinal)))
            .Select(s => s.ToString());

        // Assert
        Assert.Empty(wildcards);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Star_Resources_Are_Only_For_Apis_That_Authorize_On_Nothing_Else(string deployment)
    {
        // Arrange
        var policies = new SecurityPolicies(deployment);

        // Act
        var scopable = policies.All
            .Where(s => s.Effect == "Allow" && s.Resources.Contains("*"))
            .SelectMany(s => s.Actions.Where(a => !OnlyOnStar.ContainsKey(a)).Select(a => $"{s.Owner}/{s.Sid}: {a} on \"*\""));

        // Assert
        Assert.Empty(scopable);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Only_Lambda_Invoke_Policy_Templates_Are_Used(string deployment)
    {
        // Arrange: SAM's S3 and SSM policy templates grant whole buckets and every document; explicit statements scope them.
        var policies = new SecurityPolicies(deployment);

        // Act
        var others = policies.SamPolicyTemplates.Where(t => t.Name != "LambdaInvokePolicy").Select(t => $"{t.Owner}: {t.Name}");

        // Assert
        Assert.Empty(others);
    }

    [Fact]
    public void Roles_Carry_Only_The_Known_Managed_Policies()
    {
        // Arrange
        var evaluator = new CfnEvaluator(Repo.Template);

        // Act
        var unknown = Repo.Template.ResourcesOfType("AWS::IAM::Role")
            .SelectMany(id => List(Repo.Template.PropertiesWithGlobals(id).GetValueOrDefault("ManagedPolicyArns")).Select(a => (id, arn: evaluator.Scalar(a))))
            .Where(p => !ManagedPolicies.Contains(p.arn))
            .Select(p => $"{p.id}: {p.arn}");

        // Assert
        Assert.Empty(unknown);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Only_The_Retention_Role_May_Delete_Objects(string deployment)
    {
        // Arrange
        var policies = new SecurityPolicies(deployment);
        string[] destructive = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention", "s3:ReplicateDelete",
            "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy", "s3:DeleteBucket", "s3:PutObjectRetention"];

        // Act
        var deleters = policies.All.Where(s => destructive.Any(s.Allows)).Select(s => s.Owner).Distinct().ToList();

        // Assert
        Assert.Equal(["RetentionRole"], deleters);
        var retention = policies.All.Where(s => s.Owner == "RetentionRole" && s.Allows("s3:DeleteObject")).ToList();
        Assert.All(retention, s => Assert.Equal(["s3:DeleteObject"], s.Actions));
        Assert.All(retention.SelectMany(s => s.Resources), r => Assert.Matches(@"/(backups|binlogs|catalog)/\*$", r));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void SendCommand_Is_Only_For_Lifeboat_Documents_And_Instances_With_The_Cluster_Tag(string deployment)
    {
        // Arrange
        var policies = new SecurityPolicies(deployment);
        var documents = Repo.Template.ResourcesOfType("AWS::SSM::Document").Select(CfnEvaluator.RefPlaceholder).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();

        // Act
        foreach (var statement in policies.All.Where(s => s.Allows("ssm:SendCommand")))
        {
            foreach (var resource in statement.Resources)
            {
                var document = resource.Split(":document/") is [_, var name] ? name : null;
                var instances = resource.EndsWith(":instance/*", StringComparison.Ordinal) && resource.Contains(":ec2:", StringComparison.Ordinal);
                if (document is not null && !documents.Contains(document))
                {
                    problems.Add($"{statement}: {document} is not one of the stack's documents");
                }
                else if (instances && !statement.ConditionKeys.Contains("ssm:resourceTag/lifeboat:cluster"))
                {
                    problems.Add($"{statement}: instances without a condition on the lifeboat:cluster tag");
                }
                else if (document is null && !instances)
                {
                    problems.Add($"{statement}: {resource} is neither a Lifeboat document nor an instance");
                }
            }
        }

        // Assert
        Assert.Empty(problems);
        Assert.Contains(policies.All, s => s.Allows("ssm:SendCommand"));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Instances_Are_Launched_Only_From_The_Launch_Template_And_Only_Restore_Targets_Terminated_By_The_Restore_Workflows(string deployment)
    {
        // Arrange
        var policies = new SecurityPolicies(deployment);
        var launchTemplate = $":launch-template/{CfnEvaluator.RefPlaceholder("RestoreLaunchTemplate")}";

        // Act
        var launches = policies.All.Where(s => s.Allows("ec2:RunInstances")).ToList();
        var terminations = policies.All.Where(s => s.Allows("ec2:TerminateInstances")).ToList();
        var passes = policies.All.Where(s => s.Allows("iam:PassRole")).ToList();

        // Assert
        var launch = Assert.Single(launches);
        Assert.Equal("RestoreStateMachine", launch.Owner);
        var condition = Map(launch.Condition.GetValueOrDefault("ArnLike")) ?? Map(launch.Condition.GetValueOrDefault("ArnEquals"));
        Assert.EndsWith(launchTemplate, policies.Evaluator.Scalar(condition?.GetValueOrDefault("ec2:LaunchTemplate")));
        Assert.Equal(["RestoreCleanupStateMachine", "RestoreStateMachine"], terminations.Select(t => t.Owner).Order());
        Assert.All(terminations, terminate =>
            Assert.Equal("restore-target", Map(terminate.Condition.GetValueOrDefault("StringEquals"))?.GetValueOrDefault("aws:ResourceTag/lifeboat:role")));
        var pass = Assert.Single(passes);
        Assert.Equal([CfnEvaluator.GetAttPlaceholder("RestoreTargetRole", "Arn")], pass.Resources);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Hosts_Only_Write_Their_Own_Prefixes_And_Never_Read_The_Catalog(string deployment)
    {
        // Arrange
        var policies = new SecurityPolicies(deployment);

        // Act
        var hostWrites = policies.All.Where(s => s.Owner == "DatabaseHostRole" && s.Allows("s3:PutObject")).SelectMany(s => s.Resources).ToList();
        var targetWrites = policies.All.Where(s => s.Owner == "RestoreTargetRole" && s.Allows("s3:PutObject")).SelectMany(s => s.Resources).ToList();
        var hostReads = policies.All.Where(s => s.Owner == "DatabaseHostRole" && s.Allows("s3:GetObject")).ToList();

        // Assert
        Assert.All(hostWrites, r => Assert.Matches(@"/(backups|binlogs)/\*$", r));
        Assert.All(targetWrites, r => Assert.Matches(@"/reports/\*$", r));
        Assert.Empty(hostReads);
    }
}
