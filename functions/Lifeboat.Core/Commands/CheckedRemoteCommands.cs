using System.Text.RegularExpressions;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Commands;

/// <summary>
/// Every SendCommand passes through here: only this deployment's documents, to a well-formed instance id, with exactly
/// the declared parameters, each matching its document's own allowedPattern in full. Anything else is refused with
/// <see cref="InvalidInputException"/> and nothing is sent.
/// </summary>
public sealed class CheckedRemoteCommands(IRemoteCommands inner, IReadOnlyDictionary<string, string> documentKindsByName) : IRemoteCommands
{
    public Task<string> SendAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        Check(command, documentKindsByName);
        return inner.SendAsync(command, cancellationToken);
    }

    public Task<CommandResult> GetAsync(string commandId, string instanceId, CancellationToken cancellationToken) =>
        inner.GetAsync(commandId, instanceId, cancellationToken);

    public Task<IReadOnlyList<ManagedInstance>> FindInstancesAsync(IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        inner.FindInstancesAsync(tags, cancellationToken);

    public Task<ManagedInstance?> DescribeAsync(string instanceId, CancellationToken cancellationToken) =>
        inner.DescribeAsync(instanceId, cancellationToken);

    /// <summary>Throws <see cref="InvalidInputException"/> naming the parameter, the value and the rule it breaks.</summary>
    public static void Check(RemoteCommand command, IReadOnlyDictionary<string, string> documentKindsByName)
    {
        Names.RequireInstanceId(command.InstanceId);
        if (!documentKindsByName.TryGetValue(command.DocumentName, out var kind) || !LifeboatDocuments.Parameters.TryGetValue(kind, out var declared))
        {
            throw new InvalidInputException(
                $"document '{Names.Shorten(command.DocumentName)}' is not one of this deployment's Lifeboat documents ({string.Join(", ", documentKindsByName.Keys)}): nothing was sent.");
        }
        var byName = declared.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (name, value) in command.Parameters)
        {
            if (!byName.TryGetValue(name, out var parameter))
            {
                throw new InvalidInputException(
                    $"parameter '{Names.Shorten(name)}' is not declared by the {kind} document: use only {string.Join(", ", declared.Select(p => p.Name))} (nothing was sent).");
            }
            if (!MatchesWhole(parameter.Pattern, value))
            {
                throw new InvalidInputException(
                    $"parameter {name} of the {kind} document, '{Printable(value)}', does not match its allowedPattern {parameter.Pattern}: correct the input it came from (nothing was sent).");
            }
        }
        var missing = declared.Where(p => p.Default is null && !command.Parameters.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidInputException($"the {kind} document needs {string.Join(", ", missing)}: nothing was sent.");
        }
    }

    /// <summary>
    /// The whole value, as SSM means it: .NET's $ also matches before a final newline, and no parameter of Lifeboat's may
    /// carry a control character into a script.
    /// </summary>
    private static bool MatchesWhole(string pattern, string value)
    {
        if (value.Any(char.IsControl))
        {
            return false;
        }
        var match = Regex.Match(value, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success && match.Index == 0 && match.Length == value.Length;
    }

    private static string Printable(string value)
    {
        var shown = Names.Shorten(value);
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
