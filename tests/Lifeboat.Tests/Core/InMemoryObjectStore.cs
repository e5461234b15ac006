using System.Runtime.CompilerServices;
using Lifeboat.Core.Storage;

namespace Lifeboat.Tests.Core;

/// <summary>A bucket in memory that honours If-None-Match: * and counts every write per key.</summary>
internal sealed class InMemoryObjectStore(TimeProvider? clock = null) : IObjectStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly List<string> _writes = [];
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Runs just before a conditional write is attempted: lets a test simulate a concurrent writer.</summary>
    public Action<string>? BeforePutIfAbsent { get; set; }

    /// <summary>Every successful write, by key, in order.</summary>
    public IReadOnlyList<string> Writes
    {
        get
        {
            lock (_gate)
            {
                return _writes.ToList();
            }
        }
    }

    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_gate)
            {
                return _items.Keys.ToList();
            }
        }
    }

    public void Seed(string key, byte[] body, string contentType = "application/octet-stream", IReadOnlyDictionary<string, string>? metadata = null)
    {
        lock (_gate)
        {
            _items[key] = new Item(body.ToArray(), contentType, _clock.GetUtcNow(), metadata);
        }
    }

    public byte[]? Peek(string key)
    {
        lock (_gate)
        {
            return _items.TryGetValue(key, out var item) ? item.Body.ToArray() : null;
        }
    }

    public Task<StoredObject?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_items.TryGetValue(key, out var item) ? ToStored(key, item) : null);
        }
    }

    public Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_items.TryGetValue(key, out var item) ? item.Body.ToArray() : null);
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _items.TryGetValue(key, out var item)
                ? Task.FromResult<Stream>(new MemoryStream(item.Body, writable: false))
                : throw new ObjectNotFoundException(key);
        }
    }

    public Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> body, string contentType, CancellationToken cancellationToken)
    {
        BeforePutIfAbsent?.Invoke(key);
        lock (_gate)
        {
            if (_items.ContainsKey(key))
            {
                return Task.FromResult(false);
            }
            _items[key] = new Item(body.ToArray(), contentType, _clock.GetUtcNow());
            _writes.Add(key);
            return Task.FromResult(true);
        }
    }

    public Task PutAsync(string key, ReadOnlyMemory<byte> body, string contentType, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _items[key] = new Item(body.ToArray(), contentType, _clock.GetUtcNow());
            _writes.Add(key);
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<StoredObject> page;
        lock (_gate)
        {
            page = _items.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(kv => ToStored(kv.Key, kv.Value)).ToList();
        }
        foreach (var item in page)
        {
            await Task.Yield();
            yield return item;
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _items.Remove(key);
        }
        return Task.CompletedTask;
    }

    private static StoredObject ToStored(string key, Item item) =>
        new(key, item.Body.Length, item.LastModified, new Dictionary<string, string>(item.Metadata ?? new Dictionary<string, string>()) { ["Content-Type"] = item.ContentType });

    private sealed record Item(byte[] Body, string ContentType, DateTimeOffset LastModified, IReadOnlyDictionary<string, string>? Metadata = null);
}
