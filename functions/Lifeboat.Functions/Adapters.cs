using Lifeboat.Aws.Protocol;
using Lifeboat.Aws.S3;
using Lifeboat.Aws.Ssm;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Storage;

namespace Lifeboat.Functions;

/// <summary>Builds the AWS adapters from a function's settings; each handler's constructor is its composition root.</summary>
internal static class Adapters
{
    public static IObjectStore Bucket(FunctionSettings settings) =>
        new S3ObjectStore(S3ClientFactory.Create(settings.Region, settings.S3Endpoint), settings.Bucket);

    public static IRemoteCommands RunCommand(FunctionSettings settings) =>
        new SsmRemoteCommands(new SsmClient(new AwsClientOptions
        {
            Region = settings.Region,
            ServiceUrl = settings.SsmEndpoint is { } url ? new Uri(url) : null,
        }));
}
