using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Lifeboat.Aws.Protocol;

/// <summary>
/// What the JSON and query protocol clients share: region and endpoint resolution, credentials, SigV4 signing,
/// and retries with capped exponential backoff and full jitter on throttling and transient failures.
/// Subclasses encode the request and decode errors in their protocol's format.
/// </summary>
public abstract class AwsProtocolClient : IDisposable
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "ProvisionedThroughputExceededException",
        "SlowDown",
    };

    private readonly HttpClient _http;
    private readonly AwsClientOptions _options;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly TimeProvider _clock;
    private readonly string _signingName;
    private AWSCredentials? _credentials;

    /// <param name="handler">Transport override for tests; not disposed by this client.</param>
    protected AwsProtocolClient(string endpointPrefix, string signingName, AwsClientOptions? options, HttpMessageHandler? handler)
    {
        _options = options ?? new AwsClientOptions();
        if (_options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxAttempts, "MaxAttempts must be at least 1.");
        }

        if (_options.ServiceUrl is { Query.Length: > 0 })
        {
            throw new ArgumentException("ServiceUrl must not have a query string.", nameof(options));
        }

        _signingName = signingName;
        Region = ResolveRegion(_options.Region);
        Endpoint = _options.ServiceUrl ?? DefaultEndpoint(endpointPrefix, Region);
        _credentials = _options.Credentials;
        _delay = _options.Delay ?? Task.Delay;
        _clock = _options.TimeProvider ?? TimeProvider.System;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = _options.RequestTimeout;
    }

    public string Region { get; }

    public Uri Endpoint { get; }

    public void Dispose()
    {
        _http.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Sends <paramref name="body"/> until it succeeds, fails for good, or runs out of attempts; returns the response payload.</summary>
    protected async Task<byte[]> SendAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(operation, body, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < _options.MaxAttempts && IsTransient(e, cancellationToken))
            {
                await _delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sets the protocol's content and headers (content type, X-Amz-Target) before signing.</summary>
    protected abstract void Prepare(HttpRequestMessage message, string operation, byte[] body);

    /// <summary>Decodes a non-2xx response into the service's error.</summary>
    protected abstract AwsServiceException ParseError(string operation, HttpResponseMessage response, byte[] payload);

    /// <summary>
    /// The error both protocols report: the code (or "Http{status}" when the body named none), the message (or the code),
    /// and the request id from the body or the x-amzn-RequestId header.
    /// </summary>
    protected static AwsServiceException ServiceError(
        string service, string operation, HttpResponseMessage response, string? code, string? message, string? requestId)
    {
        code = string.IsNullOrWhiteSpace(code) ? $"Http{(int)response.StatusCode}" : code.Trim();
        requestId ??= response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        return new AwsServiceException(service, operation, code, string.IsNullOrWhiteSpace(message) ? code : message, response.StatusCode, requestId);
    }

    /// <summary>The start of a body that is not in the protocol's format: a proxy or load balancer may answer with HTML or plain text.</summary>
    protected static string BodyExcerpt(byte[] payload) => Encoding.UTF8.GetString(payload, 0, Math.Min(payload.Length, 512));

    private async Task<byte[]> SendOnceAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        _credentials ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
        var credentials = await _credentials.GetCredentialsAsync().ConfigureAwait(false);

        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        Prepare(message, operation, body);
        AwsSigV4.Sign(message, body, credentials, Region, _signingName, _clock.GetUtcNow());

        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ParseError(operation, response, payload);
        }

        return payload;
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        AwsServiceException aws => ThrottlingCodes.Contains(aws.ErrorCode)
            || aws.StatusCode == HttpStatusCode.TooManyRequests
            || (int)aws.StatusCode >= 500,
        HttpRequestException or IOException => true,

        // HttpClient's per-attempt timeout, not the caller's cancellation.
        TaskCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(_options.MaxDelay.TotalMilliseconds, _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
    }

    private static string ResolveRegion(string? configured)
    {
        var region = new[] { configured, Environment.GetEnvironmentVariable("AWS_REGION"), Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") }
            .FirstOrDefault(r => !string.IsNullOrWhiteSpace(r));
        return region?.Trim()
            ?? throw new InvalidOperationException("No AWS region: set AwsClientOptions.Region, AWS_REGION or AWS_DEFAULT_REGION.");
    }

    private static Uri DefaultEndpoint(string endpointPrefix, string region) =>
        new($"https://{endpointPrefix}.{region}.{(region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com")}/");
}
