using System.Net;
using System.Text;
using System.Text.Json;

namespace Lifeboat.Tests.Aws;

/// <summary>Answers queued responses in order and records every request it saw.</summary>
internal sealed class FakeAwsHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();

    public List<CapturedRequest> Requests { get; } = [];

    public FakeAwsHandler Respond(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
    {
        _responses.Enqueue(() =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return response;
        });
        return this;
    }

    public FakeAwsHandler RespondJson(string body) => Respond(HttpStatusCode.OK, body);

    public FakeAwsHandler Throw(Exception exception)
    {
        _responses.Enqueue(() => throw exception);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            headers[name] = string.Join(',', values);
        }

        byte[] body = [];
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers.NonValidated)
            {
                headers[name] = string.Join(',', values);
            }

            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        Requests.Add(new CapturedRequest(request.Method, request.RequestUri!, headers, body));
        if (_responses.Count == 0)
        {
            throw new InvalidOperationException("The test queued no response for this request.");
        }

        return _responses.Dequeue()();
    }
}

internal sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}
