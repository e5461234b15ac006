using System.Text.Json.Nodes;
using Lifeboat.Aws.Protocol;

namespace Lifeboat.Sandbox;

/// <summary>
/// EventBridge for the template's rules: an event (so far, the Step Functions runner's execution status changes) is
/// matched against every rule's pattern and delivered to its target — a state machine execution whose input is the
/// event, or a function invocation — as EventBridge would.
/// </summary>
public sealed class EventRouter(SamTemplate template, LambdaHost lambdas, Func<StepFunctionsClient> stepFunctions, Action<string> log)
{
    public async Task<int> RouteAsync(JsonNode @event)
    {
        var delivered = 0;
        foreach (var rule in template.EventRules.Where(r => Matches(r.Pattern, @event)))
        {
            delivered++;
            if (rule.TargetIsStateMachine)
            {
                using var sfn = stepFunctions();
                var started = await sfn.StartExecutionAsync(new StartExecutionRequest
                {
                    StateMachineArn = SandboxLayout.StateMachineArn(rule.TargetLogicalId),
                    Input = @event.ToJsonString(),
                }, CancellationToken.None);
                log($"events: {@event["detail-type"]} → started {started.ExecutionArn}");
            }
            else
            {
                var result = await lambdas.InvokeAsync(rule.TargetLogicalId, @event.ToJsonString());
                log($"events: {@event["detail-type"]} → {rule.TargetLogicalId}{(result.Failed ? " failed" : "")}");
            }
        }
        return delivered;
    }

    /// <summary>EventBridge's exact-value matching: every key of the pattern must be present; a list matches any of its values.</summary>
    public static bool Matches(JsonNode pattern, JsonNode? value) => pattern switch
    {
        JsonObject fields => value is JsonObject obj && fields.All(f => Matches(f.Value!, obj[f.Key])),
        JsonArray allowed => value switch
        {
            JsonArray values => values.Any(v => allowed.Any(a => Same(a, v))),
            null => false,
            _ => allowed.Any(a => Same(a, value)),
        },
        _ => Same(pattern, value),
    };

    private static bool Same(JsonNode? expected, JsonNode? actual) =>
        expected is not null && actual is JsonValue && expected.ToString() == actual.ToString();
}
