using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Lifeboat.Aws.S3;

public static class S3ClientFactory
{
    /// <summary>The regional endpoint in AWS; with <paramref name="serviceUrl"/> (the sandbox's s3rver) path-style over http.</summary>
    public static IAmazonS3 Create(string? region, string? serviceUrl)
    {
        if (string.IsNullOrEmpty(serviceUrl))
        {
            return string.IsNullOrEmpty(region)
                ? new AmazonS3Client()
                : new AmazonS3Client(RegionEndpoint.GetBySystemName(region));
        }
        var config = new AmazonS3Config
        {
            ServiceURL = serviceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = region ?? "us-east-1",
        };
        // s3rver checks only the access key's name; it never sees a real secret.
        return new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), config);
    }
}
