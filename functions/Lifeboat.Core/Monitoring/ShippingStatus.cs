using System.Text.Json;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Monitoring;

/// <summary>
/// <c>status/&lt;cluster&gt;/binlog-shipping.json</c>: the last successful shipping run and where the binlog source was.
/// Outside catalog/ on purpose: it changes every minute and must not wake retention.
/// </summary>
public sealed record ShippingStatus
{
    public required string ServerUuid { get; init; }
    public DateTimeOffset RanAt { get; init; }
    /// <summary>
    /// The binlog source's GTID position when the run's newest pass flushed: everything up to it was in closed, shipped
    /// files by <see cref="RanAt"/>, the end of the run.
    /// </summary>
    public string? Position { get; init; }

    public static string Key(string cluster) => $"status/{cluster}/binlog-shipping.json";

    public static async Task<ShippingStatus?> ReadAsync(IObjectStore store, string cluster, CancellationToken cancellationToken)
    {
        var bytes = await store.GetBytesAsync(Key(cluster), cancellationToken);
        return bytes is null ? null : JsonSerializer.Deserialize(bytes, LifeboatJson.Default.ShippingStatus);
    }

    public Task WriteAsync(IObjectStore store, string cluster, CancellationToken cancellationToken) =>
        store.PutAsync(Key(cluster), JsonSerializer.SerializeToUtf8Bytes(this, LifeboatJson.Default.ShippingStatus), "application/json", cancellationToken);
}
