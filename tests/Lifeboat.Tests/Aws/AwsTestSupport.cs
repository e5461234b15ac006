using Amazon.Runtime;
using Lifeboat.Aws.Protocol;

namespace Lifeboat.Tests.Aws;

internal static class AwsTestSupport
{
    public static readonly DateTimeOffset SigningTime = new(2024, 6, 1, 10, 11, 12, TimeSpan.Zero);

    /// <summary>Fixed region, credentials and clock; delays are recorded instead of slept.</summary>
    public static AwsClientOptions Options(List<TimeSpan>? delays = null, AWSCredentials? credentials = null) => new()
    {
        Region = "eu-west-1",
        Credentials = credentials ?? new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        TimeProvider = new FixedClock(SigningTime),
        Delay = (delay, _) =>
        {
            delays?.Add(delay);
            return Task.CompletedTask;
        },
    };

    public static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Aws", name));
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
