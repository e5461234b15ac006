using System.Text.Json;

namespace Lifeboat.Core;

/// <summary>
/// CloudWatch Embedded Metric Format: one JSON log line that CloudWatch turns into metrics (namespace Lifeboat,
/// dimension Cluster). No SDK needed; in the sandbox the lines stay in the host's log.
/// </summary>
public static class Metrics
{
    public const string Namespace = "Lifeboat";

    public static string Emf(string cluster, DateTimeOffset timestamp, IReadOnlyDictionary<string, (double Value, string Unit)> metrics)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", timestamp.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue("Cluster");
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var (name, (_, unit)) in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", unit);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("Cluster", cluster);
            foreach (var (name, (value, _)) in metrics)
            {
                json.WriteNumber(name, value);
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
