using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace Lifeboat.Tests.Template;

/// <summary>The backup lock as deployed: its lease outlives any execution, and every path after it releases it.</summary>
public sealed class BackupLockTemplateTests
{
    private const string Definition = "statemachines/backup.asl.json";
    private static readonly CfnTemplate Template = Repo.Template;
    private static readonly JsonObject Machine = JsonNode.Parse(File.ReadAllText(Repo.Path(Definition)))!.AsObject();

    [Fact]
    public void Lease_Outlives_The_Backup_State_Machines_Timeout()
    {
        // Arrange: a timed-out execution runs no Catch, so only expiry frees its lease; it must not expire under a live one.
        var lease = long.Parse((string)Template.EnvironmentOf("BackupLockFunction")["LOCK_LEASE_SECONDS"]!, CultureInfo.InvariantCulture);

        // Act
        var timeout = Machine["TimeoutSeconds"]!.GetValue<long>();

        // Assert
        Assert.True(lease > timeout, $"LOCK_LEASE_SECONDS {lease} must exceed the state machine's TimeoutSeconds {timeout}");
    }

    [Fact]
    public void Every_Way_Out_After_The_Lock_Is_Taken_Passes_A_Release()
    {
        // Arrange
        var states = Machine["States"]!.AsObject();

        // Act: walk from the lock's success without passing a release; any Fail or End reached is a leak.
        var leaks = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([(string)states["Take the backup lock"]!["Next"]!]);
        while (queue.TryDequeue(out var name))
        {
            if (!seen.Add(name))
            {
                continue;
            }
            var state = states[name]!.AsObject();
            if ((string?)state["Resource"] == "${BackupLockFunctionArn}")
            {
                continue;
            }
            if ((string?)state["Type"] == "Fail" || state["End"]?.GetValue<bool>() == true)
            {
                leaks.Add(name);
            }
            foreach (var next in Successors(state))
            {
                queue.Enqueue(next);
            }
        }

        // Assert
        Assert.True(leaks.Count == 0, "reached without releasing the lock: " + string.Join(", ", leaks));
    }

    private static IEnumerable<string> Successors(JsonObject state)
    {
        if ((string?)state["Next"] is { } next)
        {
            yield return next;
        }
        if ((string?)state["Default"] is { } fallback)
        {
            yield return fallback;
        }
        foreach (var choice in state["Choices"] as JsonArray ?? [])
        {
            yield return (string)choice!["Next"]!;
        }
        foreach (var catcher in state["Catch"] as JsonArray ?? [])
        {
            yield return (string)catcher!["Next"]!;
        }
    }
}
