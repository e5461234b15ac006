using System.Text.Json;
using Lifeboat.Core.Workflow;

namespace Lifeboat.Core.Commands;

/// <summary>One poll of a Run Command invocation, folded into the workflow's <c>$.command</c>.</summary>
public sealed class CommandFollower(IRemoteCommands commands, TimeProvider clock)
{
    private const int StderrTailChars = 4000;

    public async Task<FollowedCommand> PollAsync(FollowedCommand command, CancellationToken cancellationToken)
    {
        var result = await commands.GetAsync(command.CommandId, command.InstanceId, cancellationToken);
        var done = !CommandStates.IsRunning(result.Status);
        var output = done ? LastJsonLine(result.Stdout) : null;
        var started = result.StartedAt ?? command.SentAt;
        var ended = done ? result.EndedAt ?? clock.GetUtcNow() : clock.GetUtcNow();
        return command with
        {
            Status = result.Status,
            Done = done,
            Succeeded = result.Status == CommandStates.Success,
            DurationSeconds = Math.Round((ended - started).TotalSeconds, 1),
            Polls = command.Polls + 1,
            Result = output,
            StderrTail = done && result.Status != CommandStates.Success ? Cause(output, result.Stderr, result.StatusDetails) : null,
        };
    }

    /// <summary>Every Lifeboat document ends by printing its result as one line of JSON.</summary>
    public static JsonElement? LastJsonLine(string stdout)
    {
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (line is null || !line.StartsWith('{'))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The document's own reason first (its stdout JSON <c>error</c>), then stderr. SSM returns only the head of a
    /// long stderr, so the reason printed on stdout is what survives a long, chatty run.
    /// </summary>
    private static string Cause(JsonElement? output, string stderr, string? details)
    {
        var tail = Tail(stderr, details);
        return output is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
            ? $"{error.GetString()}\n--- stderr ---\n{tail}"
            : tail;
    }

    private static string Tail(string stderr, string? details)
    {
        var tail = stderr.Length > StderrTailChars ? "…" + stderr[^StderrTailChars..] : stderr;
        return string.IsNullOrWhiteSpace(tail) ? $"no output on stderr (status details: {details ?? "none"})" : tail.TrimEnd();
    }
}
