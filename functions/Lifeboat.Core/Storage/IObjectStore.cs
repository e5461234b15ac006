namespace Lifeboat.Core.Storage;

public sealed record StoredObject(string Key, long Size, DateTimeOffset LastModified, IReadOnlyDictionary<string, string> Metadata);

/// <summary>The bucket, as the domain sees it. Implemented over AWSSDK.S3; keys are relative to the deployment's bucket.</summary>
public interface IObjectStore
{
    /// <summary>Null when the key does not exist.</summary>
    Task<StoredObject?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Null when the key does not exist.</summary>
    Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken);

    /// <summary>Streams the object; throws <see cref="ObjectNotFoundException"/> when it does not exist.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Writes only if the key does not exist yet (If-None-Match: *). False when it already existed.</summary>
    Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> body, string contentType, CancellationToken cancellationToken);

    Task PutAsync(string key, ReadOnlyMemory<byte> body, string contentType, CancellationToken cancellationToken);

    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

public sealed class ObjectNotFoundException(string key) : Exception($"s3 object '{key}' does not exist")
{
    public string Key { get; } = key;
}
