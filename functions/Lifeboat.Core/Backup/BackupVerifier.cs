using System.Text.Json;
using System.Text.RegularExpressions;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Replication;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Backup;

/// <summary>What the bucket says about the stream object, measured by the verifier itself.</summary>
public sealed record StreamFacts(bool Exists, long Size, string? Sha256);

/// <summary>
/// The verdict on one uploaded backup. It does not trust the producer: the stream's size and SHA-256 are measured
/// from the bucket, and the manifest must be plausible on its own and against the previous verified backup.
/// </summary>
public static partial class BackupVerifier
{
    public static BackupManifest? TryParse(ReadOnlySpan<byte> manifestJson, out string? error)
    {
        try
        {
            error = null;
            return JsonSerializer.Deserialize(manifestJson, LifeboatJson.Default.BackupManifest);
        }
        catch (JsonException e)
        {
            error = $"manifest is not valid JSON for this format: {e.Message}";
            return null;
        }
    }

    public static BackupCatalogEntry Judge(
        string cluster,
        string backupId,
        BackupManifest? manifest,
        string? manifestError,
        StreamFacts stream,
        BackupCatalogEntry? previousVerified,
        DateTimeOffset now)
    {
        var reasons = new List<string>();
        if (manifest is null)
        {
            reasons.Add(manifestError ?? "manifest is empty");
        }
        else
        {
            CheckManifest(cluster, backupId, manifest, reasons);
            CheckStream(manifest, stream, reasons);
            CheckAgainstPrevious(manifest, previousVerified, reasons);
        }
        return new BackupCatalogEntry
        {
            Cluster = cluster,
            BackupId = backupId,
            Status = reasons.Count == 0 ? CatalogStatus.Verified : CatalogStatus.Failed,
            Reasons = reasons,
            VerifiedAt = now,
            ManifestKey = S3Layout.BackupManifest(cluster, backupId),
            StreamKey = S3Layout.BackupStream(cluster, backupId),
            Engine = manifest?.Engine,
            ServerVersion = manifest?.ServerVersion,
            SourceInstanceId = manifest?.Source.InstanceId,
            GtidSlavePos = manifest?.Coordinates.GtidSlavePos,
            ConsistentAt = manifest?.ConsistentAt,
            StartedAt = manifest?.StartedAt,
            FinishedAt = manifest?.FinishedAt,
            RawBytes = manifest?.Sizes.RawBytes ?? 0,
            CompressedBytes = stream.Exists ? stream.Size : 0,
            Sha256 = stream.Sha256,
            TableCount = manifest?.Tables.Count ?? 0,
            TotalRows = manifest?.Tables.Sum(t => t.Rows) ?? 0,
        };
    }

    private static void CheckManifest(string cluster, string backupId, BackupManifest m, List<string> reasons)
    {
        if (m.FormatVersion != 1)
        {
            reasons.Add($"manifest formatVersion {m.FormatVersion} is not supported (expected 1)");
        }
        if (m.Cluster != cluster || m.BackupId != backupId)
        {
            reasons.Add($"manifest names {m.Cluster}/{m.BackupId} but was uploaded as {cluster}/{backupId}");
        }
        var expectedTool = m.Engine == "mariadb" ? "mariabackup" : "xtrabackup";
        if (m.Tool != expectedTool)
        {
            reasons.Add($"engine {m.Engine} was backed up with {m.Tool}; expected {expectedTool}");
        }
        if (m.Stream.Key != S3Layout.BackupStream(cluster, backupId))
        {
            reasons.Add($"manifest points at stream '{m.Stream.Key}', not this backup's '{S3Layout.BackupStream(cluster, backupId)}'");
        }
        if (string.IsNullOrWhiteSpace(m.Coordinates.GtidSlavePos))
        {
            reasons.Add("binlog coordinates are missing: gtidSlavePos is empty, so no point-in-time replay could start from this backup");
        }
        else if (m.Engine == "mariadb" ? !GtidPosition.TryParse(m.Coordinates.GtidSlavePos, out _) : !MySqlGtidSet().IsMatch(m.Coordinates.GtidSlavePos))
        {
            reasons.Add($"gtidSlavePos '{m.Coordinates.GtidSlavePos}' is not a {m.Engine} GTID position");
        }
        if (m.Sizes.RawBytes <= 0)
        {
            reasons.Add("raw stream size is zero: the backup tool produced nothing");
        }
        if (m.FinishedAt < m.StartedAt)
        {
            reasons.Add($"finishedAt {m.FinishedAt:O} is before startedAt {m.StartedAt:O}");
        }
        if (!IsSha256(m.Stream.Sha256))
        {
            reasons.Add($"stream sha256 '{m.Stream.Sha256}' is not 64 hex digits");
        }
    }

    private static void CheckStream(BackupManifest m, StreamFacts stream, List<string> reasons)
    {
        if (!stream.Exists)
        {
            reasons.Add($"stream object {m.Stream.Key} does not exist");
            return;
        }
        if (stream.Size != m.Sizes.CompressedBytes)
        {
            reasons.Add($"stream is {stream.Size} bytes in S3 but the manifest says {m.Sizes.CompressedBytes}");
        }
        if (stream.Sha256 is not null && !string.Equals(stream.Sha256, m.Stream.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            reasons.Add($"stream SHA-256 is {stream.Sha256} in S3 but the manifest says {m.Stream.Sha256}");
        }
    }

    private static void CheckAgainstPrevious(BackupManifest m, BackupCatalogEntry? previous, List<string> reasons)
    {
        // MySQL GTID sets (uuid:intervals) are checked for form only; the containment check is MariaDB's for now.
        if (m.Engine != "mariadb" || previous?.GtidSlavePos is null || !GtidPosition.TryParse(m.Coordinates.GtidSlavePos, out var mine))
        {
            return;
        }
        var behind = mine.BehindIn(GtidPosition.Parse(previous.GtidSlavePos));
        if (behind.Count > 0)
        {
            reasons.Add($"GTID position is behind the previous verified backup {previous.BackupId} ({string.Join("; ", behind)}): the replica went back in time or a different cluster was backed up");
        }
    }

    private static bool IsSha256(string value) => value.Length == 64 && value.All(Uri.IsHexDigit);

    /// <summary>@@gtid_executed: <c>uuid:1-5871:5900,uuid2:1-3</c>.</summary>
    [GeneratedRegex(@"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(:[0-9]+(-[0-9]+)?)+(,[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(:[0-9]+(-[0-9]+)?)+)*\z")]
    private static partial Regex MySqlGtidSet();
}
