using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Lifeboat.Aws.Protocol;

/// <summary>
/// AWS query protocol (CloudWatch, CloudFormation): a form-encoded POST of Action, Version and the parameters,
/// answered with XML (<c>&lt;{Action}Response&gt;&lt;{Action}Result&gt;</c>) or an <c>&lt;ErrorResponse&gt;</c>.
/// Signing, retries and backoff are the JSON client's.
/// </summary>
public sealed class AwsQueryClient : AwsProtocolClient
{
    private const string FormContentType = "application/x-www-form-urlencoded";

    /// <param name="handler">Transport override for tests; not disposed by this client.</param>
    public AwsQueryClient(AwsQueryService service, AwsClientOptions? options = null, HttpMessageHandler? handler = null)
        : base(service.EndpointPrefix, service.SigningName, options, handler)
    {
        Service = service;
    }

    public AwsQueryService Service { get; }

    /// <summary>
    /// Calls <paramref name="action"/> with <paramref name="parameters"/> (already flattened: <c>AlarmNames.member.1</c>)
    /// and returns its <c>{Action}Result</c> element; AWS errors throw <see cref="AwsServiceException"/>.
    /// </summary>
    public async Task<XElement> InvokeAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var payload = await SendAsync(action, Encode(action, Service.Version, parameters), cancellationToken).ConfigureAwait(false);
        var root = XDocument.Parse(Encoding.UTF8.GetString(payload)).Root
            ?? throw new XmlException($"{Service.ServiceId} {action} returned an empty document.");
        return root.Elements().FirstOrDefault(e => e.Name.LocalName == $"{action}Result")
            ?? throw new XmlException($"{Service.ServiceId} {action} returned no <{action}Result> element.");
    }

    /// <summary>The form body: Action and Version first, then the parameters in order, RFC 3986-encoded.</summary>
    public static byte[] Encode(string action, string version, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var all = new[] { KeyValuePair.Create("Action", action), KeyValuePair.Create("Version", version) }.Concat(parameters);
        return Encoding.UTF8.GetBytes(string.Join('&', all.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));
    }

    /// <summary>Flattens a list parameter the query protocol's way: <c>Name.member.1</c>, <c>Name.member.2</c>, …</summary>
    public static IEnumerable<KeyValuePair<string, string>> Members(string name, IEnumerable<string> values) =>
        values.Select((value, i) => KeyValuePair.Create(string.Create(CultureInfo.InvariantCulture, $"{name}.member.{i + 1}"), value));

    protected override void Prepare(HttpRequestMessage message, string operation, byte[] body)
    {
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(FormContentType) { CharSet = "utf-8" };
    }

    protected override AwsServiceException ParseError(string operation, HttpResponseMessage response, byte[] payload)
    {
        string? code = null;
        string? message = null;
        string? requestId = null;
        try
        {
            var root = XDocument.Parse(Encoding.UTF8.GetString(payload)).Root;
            var error = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            code = Child(error, "Code");
            message = Child(error, "Message");
            requestId = Child(root, "RequestId");
        }
        catch (XmlException)
        {
            message = BodyExcerpt(payload);
        }

        return ServiceError(Service.ServiceId, operation, response, code, message, requestId);
    }

    /// <summary>The text of the first child named <paramref name="name"/> (namespace ignored), or null.</summary>
    public static string? Child(XElement? element, string name) =>
        element?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    /// <summary>The <c>member</c> items of the list child <paramref name="name"/> (namespace ignored).</summary>
    public static IEnumerable<XElement> ChildMembers(XElement element, string name) =>
        element.Elements().Where(e => e.Name.LocalName == name).Elements().Where(e => e.Name.LocalName == "member");
}
