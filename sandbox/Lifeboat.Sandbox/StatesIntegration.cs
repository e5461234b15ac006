using System.Text.Json.Nodes;
using Lifeboat.Aws.Protocol;

namespace Lifeboat.Sandbox;

/// <summary>
/// The Step Functions service integration <c>arn:aws:states:::states:startExecution</c> for the fan-out machine: starts
/// the execution on the sandbox's Step Functions stand-in, and answers errors with the names a Catch sees on AWS.
/// </summary>
public sealed class StatesIntegration(SandboxLayout layout, Action<string> log)
{
    public async Task<(int Status, JsonObject Body)> HandleAsync(string action, JsonNode input)
    {
        if (action != "startExecution")
        {
            return (400, Error("States.TaskFailed", $"the sandbox models only states:startExecution, not states:{action}"));
        }
        // The integration takes Input as a JSON object or a string; StartExecution itself takes a string.
        var executionInput = input["Input"] switch
        {
            null => "{}",
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            var node => node.ToJsonString(),
        };
        using var sfn = layout.StepFunctionsClient();
        try
        {
            var started = await sfn.StartExecutionAsync(new StartExecutionRequest
            {
                StateMachineArn = input["StateMachineArn"]?.GetValue<string>() ?? "",
                Name = input["Name"]?.GetValue<string>(),
                Input = executionInput,
            }, CancellationToken.None);
            log($"states:startExecution {started.ExecutionArn}");
            return (200, new JsonObject { ["ExecutionArn"] = started.ExecutionArn, ["StartDate"] = started.StartDate.ToString("O") });
        }
        catch (AwsServiceException e)
        {
            log($"states:startExecution: {e.ErrorCode}: {e.Message}");
            return (400, Error($"StepFunctions.{e.ErrorCode}Exception", e.Message));
        }
    }

    private static JsonObject Error(string type, string message) => new() { ["errorType"] = type, ["errorMessage"] = message };
}
