using System.Globalization;
using System.Xml.Linq;

namespace Lifeboat.Aws.Protocol;

/// <summary>The CloudWatch operations Lifeboat uses (query protocol, API version 2010-08-01).</summary>
public sealed class CloudWatchClient : IDisposable
{
    private readonly AwsQueryClient _client;

    /// <param name="handler">Transport override for tests; not disposed by this client.</param>
    public CloudWatchClient(AwsClientOptions? options = null, HttpMessageHandler? handler = null)
    {
        _client = new AwsQueryClient(AwsQueryService.CloudWatch, options, handler);
    }

    public Uri Endpoint => _client.Endpoint;

    /// <summary>One page of metric alarms; pass the response's NextToken back for the next page.</summary>
    public async Task<DescribeAlarmsResponse> DescribeAlarmsAsync(DescribeAlarmsRequest request, CancellationToken cancellationToken)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        parameters.AddRange(AwsQueryClient.Members("AlarmNames", request.AlarmNames));
        Add(parameters, "AlarmNamePrefix", request.AlarmNamePrefix);
        Add(parameters, "StateValue", request.StateValue);
        Add(parameters, "MaxRecords", request.MaxRecords?.ToString(CultureInfo.InvariantCulture));
        Add(parameters, "NextToken", request.NextToken);

        var result = await _client.InvokeAsync("DescribeAlarms", parameters, cancellationToken).ConfigureAwait(false);
        return new DescribeAlarmsResponse(
            AwsQueryClient.ChildMembers(result, "MetricAlarms").Select(Alarm).ToList(),
            NullIfEmpty(AwsQueryClient.Child(result, "NextToken")));
    }

    /// <summary>Every metric alarm whose name starts with <paramref name="prefix"/>, following NextToken to the last page.</summary>
    public async Task<IReadOnlyList<MetricAlarm>> DescribeAllAlarmsAsync(string prefix, CancellationToken cancellationToken)
    {
        var alarms = new List<MetricAlarm>();
        string? token = null;
        do
        {
            var page = await DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNamePrefix = prefix, NextToken = token }, cancellationToken).ConfigureAwait(false);
            alarms.AddRange(page.MetricAlarms);
            token = page.NextToken;
        }
        while (token is not null);
        return alarms;
    }

    public void Dispose() => _client.Dispose();

    private static MetricAlarm Alarm(XElement member)
    {
        var updated = AwsQueryClient.Child(member, "StateUpdatedTimestamp");
        return new MetricAlarm(
            AwsQueryClient.Child(member, "AlarmName") ?? "",
            AwsQueryClient.Child(member, "StateValue") ?? "INSUFFICIENT_DATA",
            AwsQueryClient.Child(member, "StateReason"),
            updated is null ? null : DateTimeOffset.Parse(updated, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            AwsQueryClient.Child(member, "AlarmDescription"));
    }

    private static void Add(List<KeyValuePair<string, string>> parameters, string name, string? value)
    {
        if (value is not null)
        {
            parameters.Add(KeyValuePair.Create(name, value));
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

public sealed record DescribeAlarmsRequest
{
    public IReadOnlyList<string> AlarmNames { get; init; } = [];

    public string? AlarmNamePrefix { get; init; }

    /// <summary>OK, ALARM or INSUFFICIENT_DATA.</summary>
    public string? StateValue { get; init; }

    /// <summary>1–100; CloudWatch's default is 50.</summary>
    public int? MaxRecords { get; init; }

    public string? NextToken { get; init; }
}

public sealed record DescribeAlarmsResponse(IReadOnlyList<MetricAlarm> MetricAlarms, string? NextToken);

/// <summary>A metric alarm's state: the part of CloudWatch's MetricAlarm an operator reads.</summary>
public sealed record MetricAlarm(string AlarmName, string StateValue, string? StateReason, DateTimeOffset? StateUpdatedTimestamp, string? AlarmDescription);
