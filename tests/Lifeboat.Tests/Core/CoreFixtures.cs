using System.Security.Cryptography;
using System.Text.Json;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Json;
using Lifeboat.Core.Replication;

namespace Lifeboat.Tests.Core;

/// <summary>Fixture files under Fixtures/Core and the repository root, for the domain tests.</summary>
internal static class CoreFixtures
{
    /// <summary>The cluster and id of <c>manifest-mariadb.json</c>.</summary>
    public const string Cluster = "orders-db";
    public const string BackupId = "20261122T013000Z-bcdef0";

    public static readonly DateTimeOffset Now = new(2026, 11, 22, 1, 30, 0, TimeSpan.Zero);

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Core", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(FixturePath(name));

    public static BackupManifest Manifest(string name = "manifest-mariadb.json") =>
        JsonSerializer.Deserialize(Bytes(name), LifeboatJson.Default.BackupManifest)
        ?? throw new InvalidDataException($"{name} is empty");

    /// <summary>The fixture manifest, made to describe <paramref name="stream"/> exactly.</summary>
    public static BackupManifest ManifestFor(byte[] stream, string name = "manifest-mariadb.json")
    {
        var manifest = Manifest(name);
        return manifest with
        {
            Sizes = manifest.Sizes with { CompressedBytes = stream.Length },
            Stream = manifest.Stream with { Sha256 = Sha256(stream) },
        };
    }

    public static byte[] Serialize(BackupManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, LifeboatJson.Default.BackupManifest);

    /// <summary>What the replica-status document prints for a healthy MariaDB replica.</summary>
    public static ReplicaStatus HealthyStatus() =>
        JsonSerializer.Deserialize(Bytes("replica-status-mariadb.json"), LifeboatJson.Default.ReplicaStatus)
        ?? throw new InvalidDataException("replica-status-mariadb.json is empty");

    /// <summary>The document's stdout for <paramref name="status"/>: one line of JSON.</summary>
    public static string StatusLine(ReplicaStatus status) =>
        JsonSerializer.Serialize(status, LifeboatJson.Default.ReplicaStatus) + "\n";

    /// <summary>Deterministic bytes that do not compress to nothing, large enough to need several reads.</summary>
    public static byte[] StreamBytes(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The folder holding Serverless.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Serverless.sln above {AppContext.BaseDirectory}");
    }
}
