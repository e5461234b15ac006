using Lifeboat.Core.Forensics;
using Lifeboat.Core.Json;

namespace Lifeboat.Functions;

/// <summary>Lists DROP/TRUNCATE and DELETE/UPDATE-without-WHERE statements in the cataloged binlogs, so an operator can pass beforeGtid.</summary>
public sealed class FindDestructiveFunction
{
    private readonly DestructiveEventSearch _search;
    private readonly string _cluster;

    public FindDestructiveFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public FindDestructiveFunction(FunctionSettings settings)
    {
        _cluster = settings.Required("CLUSTER_NAME");
        _search = new DestructiveEventSearch(Adapters.Bucket(settings));
    }

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.FindDestructiveRequest);
        var events = await _search.FindAsync(request.Cluster ?? _cluster, request.Since, request.Until, CancellationToken.None);
        return LambdaIO.Write(events, LifeboatJson.Default.IReadOnlyListDestructiveEvent);
    }
}
