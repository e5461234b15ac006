using Lifeboat.Aws.Protocol;
using Lifeboat.Aws.S3;
using Lifeboat.Aws.Ssm;
using Lifeboat.Aws.StepFunctions;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Storage;

namespace Lifeboat.Functions;

/// <summary>Builds the AWS adapters from a function's settings; each handler's constructor is its composition root.</summary>
internal static class Adapters
{
    public static IObjectStore Bucket(FunctionSettings settings) =>
        new S3ObjectStore(S3ClientFactory.Create(settings.Region, settings.S3Endpoint), settings.Bucket);

    /// <summary>Where the off-site copy is (template parameters OffsiteBucketName, OffsiteRegion); null when there is none.</summary>
    public static IObjectStore? OffsiteBucket(FunctionSettings settings) =>
        settings.Optional("OFFSITE_BUCKET_NAME") is { } bucket
            ? new S3ObjectStore(S3ClientFactory.Create(settings.Optional("OFFSITE_REGION") ?? settings.Region, settings.S3Endpoint), bucket)
            : null;

    public static IExecutionStatus Executions(FunctionSettings settings) =>
        new StepFunctionsExecutionStatus(new StepFunctionsClient(ClientOptions(settings, settings.StepFunctionsEndpoint)));

    /// <summary>Run Command, through the check that only this function's documents are sent, with their own patterns.</summary>
    public static IRemoteCommands RunCommand(FunctionSettings settings) =>
        new CheckedRemoteCommands(
            new SsmRemoteCommands(new SsmClient(ClientOptions(settings, settings.SsmEndpoint))),
            DocumentVariables
                .Where(v => settings.Optional(v.Key) is not null)
                .ToDictionary(v => settings.Required(v.Key), v => v.Value, StringComparer.Ordinal));

    /// <summary>The function's region; the endpoint only where one is configured (the sandbox's stand-ins).</summary>
    private static AwsClientOptions ClientOptions(FunctionSettings settings, string? endpoint) => new()
    {
        Region = settings.Region,
        ServiceUrl = endpoint is null ? null : new Uri(endpoint),
    };

    /// <summary>The environment variables that name a function's documents (template.yaml), and which document each is.</summary>
    private static readonly IReadOnlyDictionary<string, string> DocumentVariables = new Dictionary<string, string>
    {
        ["REPLICA_STATUS_DOCUMENT"] = LifeboatDocuments.ReplicaStatus,
        ["BACKUP_DOCUMENT"] = LifeboatDocuments.Backup,
        ["SHIP_BINLOGS_DOCUMENT"] = LifeboatDocuments.ShipBinlogs,
        ["RESTORE_DOCUMENT"] = LifeboatDocuments.Restore,
        ["REPLAY_DOCUMENT"] = LifeboatDocuments.ReplayBinlogs,
        ["VALIDATE_DOCUMENT"] = LifeboatDocuments.ValidateRestore,
    };
}
