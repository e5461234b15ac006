using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Lifeboat.Aws.Protocol;

/// <summary>
/// AWS JSON protocol (awsJson1_0 / awsJson1_1): POST / with X-Amz-Target, SigV4-signed,
/// retried with capped exponential backoff and full jitter on throttling and transient failures.
/// </summary>
public sealed class AwsJsonClient : AwsProtocolClient
{
    /// <param name="handler">Transport override for tests; not disposed by this client.</param>
    public AwsJsonClient(AwsJsonService service, AwsClientOptions? options = null, HttpMessageHandler? handler = null)
        : base(service.EndpointPrefix, service.SigningName, options, handler)
    {
        Service = service;
    }

    public AwsJsonService Service { get; }

    /// <summary>Calls <paramref name="operation"/> and returns its decoded output; AWS errors throw <see cref="AwsServiceException"/>.</summary>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        var payload = await SendAsync(operation, JsonSerializer.SerializeToUtf8Bytes(request, requestType), cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(payload.Length == 0 ? "{}"u8 : payload, responseType)
            ?? throw new JsonException($"{Service.ServiceId} {operation} returned JSON null.");
    }

    protected override void Prepare(HttpRequestMessage message, string operation, byte[] body)
    {
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(Service.ContentType);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", Service.Target(operation));
    }

    protected override AwsServiceException ParseError(string operation, HttpResponseMessage response, byte[] payload)
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
            message = BodyExcerpt(payload);
        }

        return ServiceError(Service.ServiceId, operation, response, ErrorName(code), message, requestId: null);
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
}
