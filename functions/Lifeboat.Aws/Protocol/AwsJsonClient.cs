using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Lifeboat.Aws.Protocol;

/// <summary>
/// AWS JSON protocol (awsJson1_0 / awsJson1_1): POST / with X-Amz-Target, SigV4-signed,
/// retried with capped exponential backoff and full jitter on throttling and transient failures.
/// </summary>
public sealed class AwsJsonClient : IDisposable
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
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
    private AWSCredentials? _credentials;

    /// <param name="handler">Transport override for tests; not disposed by this client.</param>
    public AwsJsonClient(AwsJsonService service, AwsClientOptions? options = null, HttpMessageHandler? handler = null)
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

        Service = service;
        Region = ResolveRegion(_options.Region);
        Endpoint = _options.ServiceUrl ?? DefaultEndpoint(service, Region);
        _credentials = _options.Credentials;
        _delay = _options.Delay ?? Task.Delay;
        _clock = _options.TimeProvider ?? TimeProvider.System;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = _options.RequestTimeout;
    }

    public AwsJsonService Service { get; }

    public string Region { get; }

    public Uri Endpoint { get; }

    /// <summary>Calls <paramref name="operation"/> and returns its decoded output; AWS errors throw <see cref="AwsServiceException"/>.</summary>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var payload = await SendOnceAsync(operation, body, cancellationToken).ConfigureAwait(false);
                return JsonSerializer.Deserialize(payload.Length == 0 ? "{}"u8 : payload, responseType)
                    ?? throw new JsonException($"{Service.ServiceId} {operation} returned JSON null.");
            }
            catch (Exception e) when (attempt < _options.MaxAttempts && IsTransient(e, cancellationToken))
            {
                await _delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<byte[]> SendOnceAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        _credentials ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
        var credentials = await _credentials.GetCredentialsAsync().ConfigureAwait(false);

        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(Service.ContentType);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", Service.Target(operation));
        AwsSigV4.Sign(message, body, credentials, Region, Service.SigningName, _clock.GetUtcNow());

        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ParseError(operation, response, payload);
        }

        return payload;
    }

    private AwsServiceException ParseError(string operation, HttpResponseMessage response, byte[] payload)
    {
        string? code = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                code ??= StringMember(document.RootElement, "__type");
                message = StringMember(document.RootElement, "message") ?? StringMember(document.RootElement, "Message");
            }
        }
        catch (JsonException)
        {
            // A proxy or load balancer may answer with HTML or plain text.
            message = Encoding.UTF8.GetString(payload, 0, Math.Min(payload.Length, 512));
        }

        code = ErrorName(code) ?? $"Http{(int)response.StatusCode}";
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        return new AwsServiceException(
            Service.ServiceId,
            operation,
            code,
            string.IsNullOrWhiteSpace(message) ? code : message,
            response.StatusCode,
            requestId);
    }

    private static string? StringMember(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // "com.amazonaws.ssm#InvalidInstanceId" and "ValidationException:http://internal.amazon.com/..." both name the shape.
    private static string? ErrorName(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var name = raw.Split(':', 2)[0];
        name = name[(name.LastIndexOf('#') + 1)..].Trim();
        return name.Length == 0 ? null : name;
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

    private static Uri DefaultEndpoint(AwsJsonService service, string region) =>
        new($"https://{service.EndpointPrefix}.{region}.{(region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com")}/");
}
