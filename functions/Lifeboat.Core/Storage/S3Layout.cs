using System.Text.RegularExpressions;

namespace Lifeboat.Core.Storage;

/// <summary>The bucket's key layout (DESIGN §3): every key Lifeboat writes or reads is built and parsed here.</summary>
public static partial class S3Layout
{
    public const string BackupsPrefix = "backups/";
    public const string BinlogsPrefix = "binlogs/";
    public const string CatalogPrefix = "catalog/";
    public const string ReportsPrefix = "reports/";
    public const string ManifestFileName = "manifest.json";
    public const string StreamFileName = "data.xbstream.zst";

    public static string BackupFolder(string cluster, string backupId) => $"{BackupsPrefix}{cluster}/{backupId}/";
    public static string BackupStream(string cluster, string backupId) => BackupFolder(cluster, backupId) + StreamFileName;
    public static string BackupManifest(string cluster, string backupId) => BackupFolder(cluster, backupId) + ManifestFileName;
    public static string BackupCatalogFolder(string cluster) => $"{CatalogPrefix}{cluster}/backups/";
    public static string BackupCatalogEntry(string cluster, string backupId) => $"{BackupCatalogFolder(cluster)}{backupId}.json";

    /// <summary>Optional per-cluster restore assertions: lines of name&lt;TAB&gt;SQL, each query returning 1.</summary>
    public static string ClusterAssertions(string cluster) => $"config/{cluster}/assertions.tsv";

    public static string DrillCatalogFolder(string cluster) => $"{CatalogPrefix}{cluster}/drills/";
    public static string DrillCatalogEntry(string cluster, string executionName) => $"{DrillCatalogFolder(cluster)}{executionName}.json";

    public static string BinlogFolder(string cluster, string serverUuid) => $"{BinlogsPrefix}{cluster}/{serverUuid}/";
    public static string Binlog(string cluster, string serverUuid, string file) => BinlogFolder(cluster, serverUuid) + file;
    public static string BinlogCatalogFolder(string cluster) => $"{CatalogPrefix}{cluster}/binlogs/";
    public static string BinlogCatalogServerFolder(string cluster, string serverUuid) => $"{BinlogCatalogFolder(cluster)}{serverUuid}/";
    public static string BinlogCatalogEntry(string cluster, string serverUuid, string file) => $"{BinlogCatalogServerFolder(cluster, serverUuid)}{file}.json";

    /// <summary>Parses <c>binlogs/&lt;cluster&gt;/&lt;serverUuid&gt;/&lt;file&gt;</c>; null for any other key.</summary>
    public static (string Cluster, string ServerUuid, string File)? ParseBinlogKey(string key)
    {
        var match = BinlogKeyPattern().Match(key);
        return match.Success ? (match.Groups["cluster"].Value, match.Groups["uuid"].Value, match.Groups["file"].Value) : null;
    }

    /// <summary>The cluster of a <c>catalog/&lt;cluster&gt;/backups/&lt;id&gt;.json</c> key (the writes that can change what retention keeps); null for any other key.</summary>
    public static string? ParseBackupCatalogKey(string key)
    {
        var match = BackupCatalogKeyPattern().Match(key);
        return match.Success ? match.Groups["cluster"].Value : null;
    }

    [GeneratedRegex("^binlogs/(?<cluster>" + Names.Cluster + ")/(?<uuid>" + Names.ServerUuid + ")/(?<file>" + Names.BinlogFile + ")\\z")]
    private static partial Regex BinlogKeyPattern();

    [GeneratedRegex("^catalog/(?<cluster>" + Names.Cluster + ")/backups/" + Names.BackupId + "\\.json\\z")]
    private static partial Regex BackupCatalogKeyPattern();

    /// <summary>Parses <c>backups/&lt;cluster&gt;/&lt;backupId&gt;/manifest.json</c>; null for any other key.</summary>
    public static (string Cluster, string BackupId)? ParseManifestKey(string key)
    {
        var match = ManifestKeyPattern().Match(key);
        return match.Success ? (match.Groups["cluster"].Value, match.Groups["id"].Value) : null;
    }

    [GeneratedRegex("^backups/(?<cluster>" + Names.Cluster + ")/(?<id>" + Names.BackupId + ")/manifest\\.json\\z")]
    private static partial Regex ManifestKeyPattern();
}
