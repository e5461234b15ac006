namespace Lifeboat.Core.Clusters;

/// <summary>
/// One cluster of a deployment, as <c>config/clusters.json</c> defines it (or the template's parameters, when there is no
/// such document). A null setting means "the functions' own default", which is the template parameter.
/// </summary>
public sealed record ClusterDefinition
{
    public required string Name { get; init; }

    /// <summary><see cref="ClusterConfiguration.ByTag"/> (the instance tagged lifeboat:role=primary) or an instance id.</summary>
    public string? BinlogSource { get; init; }

    /// <summary>Replicas to back up, by id; null finds them by the tags lifeboat:cluster and lifeboat:role=replica.</summary>
    public IReadOnlyList<string>? Replicas { get; init; }

    /// <summary>A replica further behind than this is not backed up, and the watchdog calls it unhealthy.</summary>
    public long? MaxLagSeconds { get; init; }

    /// <summary>The cluster's restore assertions (always <c>config/&lt;name&gt;/assertions.tsv</c>), when it has any.</summary>
    public string? Assertions { get; init; }
}
