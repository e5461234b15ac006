using System.Text.Json.Nodes;

namespace Lifeboat.Sandbox;

/// <summary>
/// S3 notifications: each record of the backup bucket from the S3 stand-in goes to every function whose S3 event in
/// template.yaml matches its event name, prefix and suffix — invoked asynchronously, as S3 does, with Lambda's two
/// retries. Records are also handed to the replication stand-in; the off-site bucket has no notifications.
/// </summary>
public sealed class S3EventDispatcher(LambdaHost lambdas, ReplicationStandIn? replication, Action<string> log)
{
    private const int Attempts = 3;

    public async Task DispatchAsync(string body)
    {
        var records = JsonNode.Parse(body)?["Records"]?.AsArray() ?? [];
        foreach (var record in records)
        {
            var eventName = record!["eventName"]!.GetValue<string>();
            var key = Uri.UnescapeDataString(record["s3"]!["object"]!["key"]!.GetValue<string>().Replace('+', ' '));
            var bucket = record["s3"]!["bucket"]!["name"]!.GetValue<string>();
            if (bucket != SandboxLayout.Bucket)
            {
                continue;
            }
            if (replication is not null)
            {
                await replication.ReplicateAsync(bucket, eventName, key);
            }
            var single = new JsonObject { ["Records"] = new JsonArray(record.DeepClone()) }.ToJsonString();
            foreach (var function in lambdas.Functions.Where(f => f.S3Triggers.Any(t => t.Matches(eventName, key))))
            {
                for (var attempt = 1; attempt <= Attempts; attempt++)
                {
                    var result = await lambdas.InvokeAsync(function.LogicalId, single);
                    log($"s3 event {eventName} {key} → {function.LogicalId}: {(result.Failed ? "failed " + result.ErrorType : "ok")}");
                    if (!result.Failed)
                    {
                        break;
                    }
                }
            }
        }
    }
}
