using System.Text.Json;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Clusters;

/// <summary>
/// The deployment's clusters: parsed and validated from <c>config/clusters.json</c> in the bucket. Every problem in the
/// document is reported at once, by cluster and field with the fix, and a broken document runs no cluster at all
/// (rather than silently dropping the broken ones).
/// </summary>
public static class ClusterConfiguration
{
    /// <summary>Where the document lives in the backup bucket.</summary>
    public const string Key = "config/clusters.json";

    public const string ByTag = "by-tag";

    /// <summary>Keeps the fan-out's Map input far below Step Functions' 256 KB state size.</summary>
    public const int MaxClusters = 100;

    private static readonly string[] RootFields = ["clusters"];
    private static readonly string[] ClusterFields = ["name", "binlogSource", "replicas", "maxLagSeconds", "assertions"];

    /// <summary>The clusters of the document in the bucket, or <paramref name="fallback"/> alone when there is none.</summary>
    public static async Task<(IReadOnlyList<ClusterDefinition> Clusters, string Source)> LoadAsync(
        IObjectStore store, ClusterDefinition fallback, CancellationToken cancellationToken)
    {
        var document = await store.GetBytesAsync(Key, cancellationToken);
        return document is null ? ([fallback], "template parameters") : (Parse(document), Key);
    }

    public static IReadOnlyList<ClusterDefinition> Parse(ReadOnlySpan<byte> document)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(document.ToArray());
        }
        catch (JsonException e)
        {
            throw Invalid([$"it is not valid JSON ({e.Message}): write one object {{\"clusters\": [...]}}, see the README's \"Several clusters\""]);
        }
        using (json)
        {
            var problems = new List<string>();
            var clusters = Read(json.RootElement, problems);
            if (problems.Count > 0)
            {
                throw Invalid(problems);
            }
            return clusters;
        }
    }

    private static List<ClusterDefinition> Read(JsonElement root, List<string> problems)
    {
        var clusters = new List<ClusterDefinition>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"the document is a JSON {Kind(root)}: write one object {{\"clusters\": [...]}}");
            return clusters;
        }
        UnknownFields(root, RootFields, "the document", problems);
        if (!root.TryGetProperty("clusters", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            problems.Add("\"clusters\" is missing or not a non-empty array: list each cluster as {\"name\": \"orders\"} (delete the document to run only the template's ClusterName)");
            return clusters;
        }
        if (list.GetArrayLength() > MaxClusters)
        {
            problems.Add($"\"clusters\" has {list.GetArrayLength()} entries; at most {MaxClusters} clusters fit one deployment: split them over two stacks");
            return clusters;
        }
        var index = 0;
        var names = new List<string>();
        foreach (var entry in list.EnumerateArray())
        {
            if (ReadCluster(entry, $"clusters[{index}]", problems) is { } cluster)
            {
                clusters.Add(cluster);
            }
            if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                names.Add(name.GetString()!);
            }
            index++;
        }
        foreach (var duplicate in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"cluster \"{duplicate.Key}\" is defined {duplicate.Count()} times: cluster names must be unique; merge the entries or rename one");
        }
        // An instance carries one lifeboat:cluster tag, so it cannot serve two clusters.
        var instances = clusters
            .SelectMany(c => (c.Replicas ?? []).Concat(c.BinlogSource is { } s && s != ByTag ? [s] : []).Distinct().Select(i => (Instance: i, Cluster: c.Name)))
            .GroupBy(x => x.Instance, StringComparer.Ordinal)
            .Where(g => g.Select(x => x.Cluster).Distinct().Count() > 1);
        foreach (var shared in instances)
        {
            problems.Add($"instance {shared.Key} is named by clusters {string.Join(" and ", shared.Select(x => $"\"{x.Cluster}\"").Distinct())}: an instance belongs to the one cluster its lifeboat:cluster tag names; remove it from the others");
        }
        return clusters;
    }

    private static ClusterDefinition? ReadCluster(JsonElement entry, string where, List<string> problems)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where} is a JSON {Kind(entry)}: each cluster is an object such as {{\"name\": \"orders\"}}");
            return null;
        }
        if (!entry.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{where} has no \"name\": give each cluster the name its hosts' lifeboat:cluster tag carries");
            UnknownFields(entry, ClusterFields, where, problems);
            return null;
        }
        var name = nameElement.GetString()!;
        var label = $"{where} (\"{Names.Shorten(name)}\")";
        var count = problems.Count;
        if (!Names.IsCluster(name))
        {
            problems.Add($"{label}: name is not a valid cluster name: use 1-40 characters of a-z, 0-9 and '-', starting with a letter (the same rule as the ClusterName parameter)");
        }
        UnknownFields(entry, ClusterFields, label, problems);
        var binlogSource = ReadBinlogSource(entry, label, problems);
        var replicas = ReadReplicas(entry, label, problems);
        var maxLag = ReadMaxLag(entry, label, problems);
        var assertions = ReadAssertions(entry, name, label, problems);
        return problems.Count > count ? null : new ClusterDefinition
        {
            Name = name,
            BinlogSource = binlogSource,
            Replicas = replicas,
            MaxLagSeconds = maxLag,
            Assertions = assertions,
        };
    }

    private static string ReadBinlogSource(JsonElement entry, string label, List<string> problems)
    {
        if (!entry.TryGetProperty("binlogSource", out var value))
        {
            return ByTag;
        }
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (text != ByTag && !Names.IsInstanceId(text))
        {
            problems.Add($"{label}: binlogSource {Show(value)} is neither \"{ByTag}\" (the instance tagged lifeboat:role=primary) nor an instance id such as \"i-0123456789abcdef0\"");
        }
        return text ?? ByTag;
    }

    private static IReadOnlyList<string>? ReadReplicas(JsonElement entry, string label, List<string> problems)
    {
        if (!entry.TryGetProperty("replicas", out var value) || value is { ValueKind: JsonValueKind.String } && value.GetString() == ByTag)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            problems.Add($"{label}: replicas {Show(value)} is neither \"{ByTag}\" (the instances tagged lifeboat:role=replica) nor a non-empty list of instance ids");
            return null;
        }
        var ids = value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList();
        foreach (var bad in ids.Where(id => !Names.IsInstanceId(id)))
        {
            problems.Add($"{label}: replicas lists \"{Names.Shorten(bad)}\", which is not an instance id such as \"i-0123456789abcdef0\"");
        }
        if (ids.Count > BackupPlanner.MaxReplicas)
        {
            problems.Add($"{label}: replicas lists {ids.Count} instances; at most {BackupPlanner.MaxReplicas} are checked per backup");
        }
        foreach (var twice in ids.GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"{label}: replicas lists {twice.Key} {twice.Count()} times: list each replica once");
        }
        return ids;
    }

    private static long? ReadMaxLag(JsonElement entry, string label, List<string> problems)
    {
        if (!entry.TryGetProperty("maxLagSeconds", out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var seconds) || seconds is < 0 or > 86_400)
        {
            problems.Add($"{label}: maxLagSeconds {Show(value)} is out of range: use a whole number of seconds from 0 to 86400 (or leave it out for the MaxLagSeconds parameter)");
            return null;
        }
        return seconds;
    }

    private static string? ReadAssertions(JsonElement entry, string name, string label, List<string> problems)
    {
        if (!entry.TryGetProperty("assertions", out var value))
        {
            return null;
        }
        // The validation document reads one fixed key per cluster; a reference elsewhere would silently run no assertions.
        var expected = S3Layout.ClusterAssertions(name);
        if (value.ValueKind != JsonValueKind.String || value.GetString() != expected)
        {
            problems.Add($"{label}: assertions {Show(value)} must be \"{expected}\": the drill reads the cluster's assertions from that key only; upload them there");
            return null;
        }
        return expected;
    }

    private static void UnknownFields(JsonElement element, string[] known, string where, List<string> problems)
    {
        foreach (var property in element.EnumerateObject().Where(p => !known.Contains(p.Name, StringComparer.Ordinal)))
        {
            problems.Add($"{where}: unknown field \"{Names.Shorten(property.Name)}\": the fields are {string.Join(", ", known.Select(k => $"\"{k}\""))} (names are case-sensitive)");
        }
    }

    private static ClusterConfigurationException Invalid(IReadOnlyList<string> problems) =>
        new($"{Key} is not valid, so no cluster was run (fix the document, or delete it to run only the template's ClusterName):\n- {string.Join("\n- ", problems)}");

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    private static string Show(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length > 64 ? text[..64] + "…" : text;
    }
}

/// <summary>The cluster configuration document cannot be used; the message lists every problem with its fix.</summary>
public sealed class ClusterConfigurationException(string message) : Exception(message);
