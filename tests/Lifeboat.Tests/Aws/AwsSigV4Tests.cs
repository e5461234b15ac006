using System.Net.Http.Headers;
using System.Text;
using Amazon.Runtime;
using Lifeboat.Aws.Protocol;
using Xunit;

namespace Lifeboat.Tests.Aws;

/// <summary>Vectors from AWS's published Signature Version 4 test suite (region us-east-1, service "service").</summary>
public sealed class AwsSigV4Tests
{
    private static readonly ImmutableCredentials SuiteCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Fact]
    public void Sign_Matches_PostVanilla_Vector()
    {
        // Arrange
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");

        // Act
        AwsSigV4.Sign(request, [], SuiteCredentials, "us-east-1", "service", SuiteTime);

        // Assert
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
            Header(request, "Authorization"));
        Assert.Equal("20150830T123600Z", Header(request, "X-Amz-Date"));
    }

    [Fact]
    public void Sign_Matches_PostXWwwFormUrlencoded_Vector()
    {
        // Arrange
        var body = Encoding.UTF8.GetBytes("Param1=value1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        // Act
        AwsSigV4.Sign(request, body, SuiteCredentials, "us-east-1", "service", SuiteTime);

        // Assert
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            Header(request, "Authorization"));
    }

    [Fact]
    public void Sign_Replaces_A_Previous_Signature()
    {
        // Arrange
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        AwsSigV4.Sign(request, [], SuiteCredentials, "us-east-1", "service", SuiteTime.AddMinutes(5));

        // Act
        AwsSigV4.Sign(request, [], SuiteCredentials, "us-east-1", "service", SuiteTime);

        // Assert
        Assert.EndsWith("Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", Header(request, "Authorization"));
        Assert.Equal("20150830T123600Z", Header(request, "X-Amz-Date"));
    }

    [Fact]
    public void Sign_Rejects_A_Query_String()
    {
        // Arrange
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/?a=b");

        // Act, Assert
        Assert.Throws<ArgumentException>(() => AwsSigV4.Sign(request, [], SuiteCredentials, "us-east-1", "service", SuiteTime));
    }

    private static string Header(HttpRequestMessage request, string name) => string.Join(',', request.Headers.NonValidated[name]);
}
