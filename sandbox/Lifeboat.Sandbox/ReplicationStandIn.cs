using Amazon.S3;
using Amazon.S3.Model;
using Lifeboat.Aws.S3;

namespace Lifeboat.Sandbox;

/// <summary>
/// S3 replication, emulated: each object created in the backup bucket is copied, with its metadata, to the off-site
/// bucket (a second bucket on the same s3rver), as the template's replication rule does. Deletions are not
/// replicated (the rule has delete-marker replication off), so retention in the backup bucket leaves the copy alone.
/// </summary>
public sealed class ReplicationStandIn(IAmazonS3 s3, string sourceBucket, string destinationBucket, Action<string> log)
{
    public static ReplicationStandIn? For(SandboxLayout layout, IReadOnlyDictionary<string, string> parameters, Action<string> log) =>
        parameters.GetValueOrDefault("OffsiteBucketName") is { Length: > 0 } destination
            ? new ReplicationStandIn(S3ClientFactory.Create(SandboxLayout.Region, layout.S3Url), SandboxLayout.Bucket, destination, log)
            : null;

    public async Task ReplicateAsync(string bucket, string eventName, string key)
    {
        if (bucket != sourceBucket || !eventName.StartsWith("ObjectCreated:", StringComparison.Ordinal))
        {
            return;
        }
        try
        {
            await s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = sourceBucket,
                SourceKey = key,
                DestinationBucket = destinationBucket,
                DestinationKey = key,
                MetadataDirective = S3MetadataDirective.COPY,
            });
            log($"replication stand-in: {key} → s3://{destinationBucket}/{key}");
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey")
        {
            // Deleted before it was copied (S3 would not replicate it either).
            log($"replication stand-in: {key} is gone, not copied");
        }
    }
}
