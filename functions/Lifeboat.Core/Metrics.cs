using System.Text.Json;
using System.Text.Json.Nodes;

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

    /// <summary>
    /// The same line with a second dimension set, [Deployment]: CloudWatch then keeps one more series per metric, across
    /// every cluster of the deployment, so that one alarm per metric covers clusters the template does not name.
    /// </summary>
    public static string WithDeployment(string emfLine, string deployment)
    {
        var line = JsonNode.Parse(emfLine)!.AsObject();
        foreach (var directive in line["_aws"]!["CloudWatchMetrics"]!.AsArray())
        {
            directive!["Dimensions"]!.AsArray().Add(new JsonArray("Deployment"));
        }
        line["Deployment"] = deployment;
        return line.ToJsonString();
    }
}
