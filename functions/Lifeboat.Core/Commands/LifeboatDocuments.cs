namespace Lifeboat.Core.Commands;

/// <summary>One parameter of a Lifeboat SSM document: its allowedPattern and default, as declared in ssm/*.yaml.</summary>
public sealed record DocumentParameter(string Name, string Pattern, string? Default = null);

/// <summary>
/// The parameters of Lifeboat's SSM documents, copied from ssm/*.yaml (a static test fails when the two differ), so that
/// a Lambda refuses a bad parameter before SendCommand rather than leaving it to the agent.
/// </summary>
public static class LifeboatDocuments
{
    public const string ReplicaStatus = "replica-status";
    public const string Backup = "backup";
    public const string ShipBinlogs = "ship-binlogs";
    public const string Restore = "restore";
    public const string ReplayBinlogs = "replay-binlogs";
    public const string ValidateRestore = "validate-restore";

    private const string Cluster = "^[a-z][a-z0-9-]{0,39}$";
    private const string Bucket = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";
    private const string BackupId = "^[0-9]{8}T[0-9]{6}Z(-[a-z0-9]{1,16})?$";
    private const string Threads = "^([1-9]|[1-5][0-9]|6[0-4])$";
    private const string Region = "^$|^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$";
    private const string Gtid = "[0-9]{1,10}-[0-9]{1,10}-[0-9]{1,20}";

    /// <summary>Each document by the file name under ssm/ (without .yaml), with its parameters.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<DocumentParameter>> Parameters { get; } =
        new Dictionary<string, IReadOnlyList<DocumentParameter>>(StringComparer.Ordinal)
        {
            [ReplicaStatus] = [],
            [Backup] =
            [
                new("Cluster", Cluster),
                new("BackupId", BackupId),
                new("Bucket", Bucket),
                new("InstanceId", "^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$"),
                new("CompressionLevel", "^([1-9]|1[0-9])$", "1"),
                new("CompressionThreads", "^([0-9]|[1-5][0-9]|6[0-4])$", "0"),
                new("BackupThreads", Threads, "4"),
            ],
            [ShipBinlogs] =
            [
                new("Cluster", Cluster),
                new("Bucket", Bucket),
                new("Passes", "^[1-4]$", "1"),
                new("PassIntervalSeconds", "^([1-5][0-9]|60)$", "30"),
            ],
            [Restore] =
            [
                new("Cluster", Cluster),
                new("Bucket", Bucket),
                new("Region", Region, ""),
                new("BackupId", BackupId),
                new("Sha256", "^[0-9a-f]{64}$"),
                new("RawBytes", "^[0-9]{1,15}$"),
                new("PrepareMemoryMb", "^(auto|[0-9]{2,7})$", "auto"),
                new("SqlMode", "^[A-Z_,]{0,512}$"),
                new("CharacterSetServer", "^[a-z0-9_]{1,32}$"),
                new("CollationServer", "^[a-z0-9_]{1,64}$"),
                new("LowerCaseTableNames", "^[0-2]$"),
            ],
            [ReplayBinlogs] =
            [
                new("Cluster", Cluster),
                new("Bucket", Bucket),
                new("Region", Region, ""),
                new("ServerUuid", "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
                new("Files", "^[A-Za-z0-9_-]{1,64}\\.[0-9]{6,10}(,[A-Za-z0-9_-]{1,64}\\.[0-9]{6,10}){0,9999}$"),
                new("StartPosition", "^" + Gtid + "(," + Gtid + "){0,99}$"),
                new("StopDatetime", "^$|^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", ""),
                new("StopBeforeGtid", "^$|^" + Gtid + "$", ""),
                new("TimeZone", "^(SYSTEM|[+-](0[0-9]|1[0-4]):[0-5][0-9]|[A-Z][A-Za-z0-9_+-]{0,30}(/[A-Za-z0-9_+-]{1,30}){0,2})$", "+00:00"),
                new("DownloadThreads", Threads, "8"),
                new("Applier", "^(auto|client)$", "auto"),
            ],
            [ValidateRestore] =
            [
                new("Cluster", Cluster),
                new("Bucket", Bucket),
                new("ReportKey", "^reports/[a-z][a-z0-9-]{0,39}/[A-Za-z0-9._:-]{1,128}/[a-z0-9-]{1,64}\\.json$"),
                new("CheckTables", "^(all|none|[0-9]{1,6})$", "all"),
                new("AssertionsKey", "^$|^config/[a-z][a-z0-9-]{0,39}/assertions\\.tsv$", ""),
            ],
        };
}
