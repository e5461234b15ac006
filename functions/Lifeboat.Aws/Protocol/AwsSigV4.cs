using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Lifeboat.Aws.Protocol;

/// <summary>
/// Signs an <see cref="HttpRequestMessage"/> with Signature Version 4. The canonical request is built
/// here because the SDK's signer only takes its own request type; the string to sign, key derivation
/// and signature come from AWSSDK.Core's <see cref="AWS4Signer"/>.
/// </summary>
public static class AwsSigV4
{
    private const string DateHeader = "X-Amz-Date";
    private const string SecurityTokenHeader = "X-Amz-Security-Token";

    /// <summary>
    /// Adds X-Amz-Date, X-Amz-Security-Token (for session credentials), Host and Authorization.
    /// Signs host, content-type and every x-amz-* header; <paramref name="body"/> must be the exact bytes sent.
    /// </summary>
    public static void Sign(
        HttpRequestMessage request,
        ReadOnlySpan<byte> body,
        ImmutableCredentials credentials,
        string region,
        string service,
        DateTimeOffset now)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        if (uri.Query.Length > 0)
        {
            throw new ArgumentException("Query strings are not signed by this signer; the JSON protocol has none.", nameof(request));
        }

        var signedAt = now.UtcDateTime;
        request.Headers.Remove(DateHeader);
        request.Headers.TryAddWithoutValidation(DateHeader, signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        request.Headers.Remove(SecurityTokenHeader);
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation(SecurityTokenHeader, credentials.Token);
        }

        // Pin Host so the value sent is the value signed.
        request.Headers.Host = uri.Authority;

        var headers = CanonicalHeaders(request);
        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalRequest = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(uri.AbsolutePath).Append('\n')
            .Append('\n') // empty canonical query string
            .AppendJoin(string.Empty, headers.Select(h => $"{h.Key}:{h.Value}\n")).Append('\n')
            .Append(signedHeaders).Append('\n')
            .Append(Convert.ToHexStringLower(SHA256.HashData(body)))
            .ToString();

        var result = AWS4Signer.ComputeSignature(credentials, region, signedAt, service, signedHeaders, canonicalRequest);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

    private static SortedDictionary<string, string> CanonicalHeaders(HttpRequestMessage request)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var all = request.Headers.NonValidated.AsEnumerable();
        if (request.Content is not null)
        {
            all = all.Concat(request.Content.Headers.NonValidated);
        }

        foreach (var (name, values) in all)
        {
            var key = name.ToLowerInvariant();
            if (key is "host" or "content-type" || key.StartsWith("x-amz-", StringComparison.Ordinal))
            {
                headers[key] = string.Join(',', values.Select(CanonicalValue));
            }
        }

        return headers;
    }

    // SigV4 trims header values and collapses inner runs of spaces.
    private static string CanonicalValue(string value) =>
        string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
