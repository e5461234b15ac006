using System.Text;
using System.Text.Json;
using Lifeboat.Core;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Json;
using Lifeboat.Core.Restore;
using Lifeboat.Core.Storage;
using Lifeboat.Tests.Core;
using Lifeboat.Tests.Recovery;

namespace Lifeboat.Tests.Restore;

/// <summary>
/// Fixtures for the restore workflow's domain: validation reports under Fixtures/Restore (what ssm/validate-restore.yaml
/// built on MariaDB 10.11 for the tables of Fixtures/Core/manifest-mariadb.json), plans, and the documents' result lines.
/// </summary>
internal static class RestoreFixtures
{
    public const string Cluster = CoreFixtures.Cluster;
    public const string BackupId = CoreFixtures.BackupId;
    /// <summary>manifest-mariadb.json's gtidSlavePos, which the report fixtures also report.</summary>
    public const string BackupPosition = "0-101-48213,1-101-7";
    public const string ExecutionName = "drill-20261122T040000Z";
    public const string ReportKey = "reports/orders-db/drill-20261122T040000Z/validation.json";
    public const string InstanceId = "i-0a1b2c3d4e5f60718";

    /// <summary>What the restore document prints on success (ssm/restore.yaml's last printf).</summary>
    public const string RestoreResultLine =
        """{"backupId":"20261122T013000Z-bcdef0","gtidPosition":"0-101-48213,1-101-7","phases":{"checks":2,"download":412,"prepare":388,"chown":6,"start":14},"bytes":21474836480,"rawBytes":99857612800,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","prepareMemoryMb":7936,"bufferPoolMb":11904,"serverVersion":"10.11.6-MariaDB-0+deb12u1","serverPid":4242,"serverLog":"/var/lib/lifeboat/restore/error.log","datadir":"/var/lib/lifeboat/restore/data"}""";

    /// <summary>What the replay document prints on success (ssm/replay-binlogs.yaml's last printf).</summary>
    public const string ReplayResultLine =
        """{"applied":{"files":12,"events":410233,"transactions":786,"bytes":805306368},"lastAppliedGtid":"0-101-48999","position":"0-101-48999,1-101-7","startPosition":"0-101-48213,1-101-7","stoppedBy":"gtid","seconds":250,"downloadSeconds":31,"durationSeconds":291.4,"eventsPerSecond":1640}""";

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Restore", name);

    public static byte[] ReportBytes(string name = "validation-report-mariadb.json") => File.ReadAllBytes(FixturePath(name));

    public static ValidationReport Report(string name = "validation-report-mariadb.json") =>
        JsonSerializer.Deserialize(ReportBytes(name), LifeboatJson.Default.ValidationReport)
        ?? throw new InvalidDataException($"{name} is empty");

    public static byte[] Serialize(ValidationReport report) =>
        JsonSerializer.SerializeToUtf8Bytes(report, LifeboatJson.Default.ValidationReport);

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The report with one table changed.</summary>
    public static ValidationReport WithTable(this ValidationReport report, string schema, string table, Func<ReportedTable, ReportedTable> change) =>
        report with { Tables = report.Tables.Select(t => t.Schema == schema && t.Table == table ? change(t) : t).ToList() };

    public static ValidationReport WithServer(this ValidationReport report, Func<ReportedServer, ReportedServer> change) =>
        report with { Server = change(report.Server!) };

    /// <summary>The daily drill of manifest-mariadb.json's backup, as the Plan step builds it.</summary>
    public static RestorePlan DrillPlan() => Plan(RestoreModes.Drill, new RestorePoint
    {
        Kind = "backup",
        ExpectedPosition = BackupPosition,
        Description = $"backup {BackupId} as of 2026-11-22T01:30:05Z",
    }, new RestoreReplay());

    public static RestorePlan LatestPlan(string expectedPosition) => Plan(RestoreModes.Restore, new RestorePoint
    {
        Kind = "latest",
        ExpectedPosition = expectedPosition,
        Description = "the last shipped event, 2026-11-22T03:59:00Z",
    }, Replayed(12));

    public static RestorePlan GtidPlan(string beforeGtid) => Plan(RestoreModes.Restore, new RestorePoint
    {
        Kind = "gtid",
        BeforeGtid = beforeGtid,
        Description = $"just before GTID {beforeGtid} (in mysql-bin.000029, 2026-11-22T03:00:00Z)",
    }, Replayed(12));

    public static RestorePlan TimePlan(DateTimeOffset time) => Plan(RestoreModes.Restore, new RestorePoint
    {
        Kind = "time",
        Time = time,
        Description = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
    }, Replayed(6));

    private static RestoreReplay Replayed(int files) => new()
    {
        Needed = true,
        ServerUuid = CatalogBuilder.Primary,
        Files = Enumerable.Range(18, files).Select(i => $"mysql-bin.{i:D6}").ToList(),
        Bytes = files * 67_108_864L,
    };

    private static RestorePlan Plan(string mode, RestorePoint target, RestoreReplay replay)
    {
        var manifest = CoreFixtures.Manifest();
        return new RestorePlan
        {
            Cluster = Cluster,
            Mode = mode,
            InstanceType = "r6i.xlarge",
            DiskGiB = 131,
            Backup = new RestoreSource
            {
                Id = BackupId,
                Sha256 = manifest.Stream.Sha256,
                RawBytes = manifest.Sizes.RawBytes,
                CompressedBytes = manifest.Sizes.CompressedBytes,
                ConsistentAt = manifest.ConsistentAt!.Value,
                GtidPosition = manifest.Coordinates.GtidSlavePos,
            },
            Target = target,
            Replay = replay,
            EtaSeconds = 786,
            RestoreParameters = new Dictionary<string, string> { ["Cluster"] = Cluster, ["BackupId"] = BackupId },
            ReplayParameters = replay.Needed ? new Dictionary<string, string> { ["Cluster"] = Cluster } : null,
            ValidateParameters = new Dictionary<string, string> { ["Cluster"] = Cluster, ["ReportKey"] = ReportKey },
            ReportKey = ReportKey,
        };
    }
}

/// <summary>
/// A bucket holding a <see cref="CatalogBuilder"/> catalog the way the verifiers write it: a catalog entry and a
/// manifest per backup (each <paramref name="rawBytes"/> uncompressed) and a catalog entry per binlog
/// (each <paramref name="binlogBytes"/> long).
/// </summary>
internal sealed class RestoreScenario
{
    public const long GiB = 1L << 30;
    public const string Bucket = "lifeboat-orders-backups";
    public const string DefaultInstanceType = "r6i.xlarge";
    public const string ExecutionName = "restore-20261122T004200Z";

    public RestoreScenario(CatalogBuilder catalog, long rawBytes = 40 * GiB, long binlogBytes = 64L << 20)
    {
        Catalog = catalog;
        RawBytes = rawBytes;
        BinlogBytes = binlogBytes;
        Clock = new ManualClock(CatalogBuilder.Now);
        Store = new InMemoryObjectStore(Clock);
        var template = CoreFixtures.Manifest();
        foreach (var backup in catalog.Backups)
        {
            var entry = Entry(backup);
            Store.Seed(S3Layout.BackupCatalogEntry(backup.Cluster, backup.BackupId),
                JsonSerializer.SerializeToUtf8Bytes(entry, LifeboatJson.Default.BackupCatalogEntry), "application/json");
            Store.Seed(backup.ManifestKey, CoreFixtures.Serialize(template with
            {
                Cluster = backup.Cluster,
                BackupId = backup.BackupId,
                Coordinates = template.Coordinates with { GtidSlavePos = backup.GtidSlavePos!, GtidBinlogPos = backup.GtidSlavePos },
                Sizes = template.Sizes with { RawBytes = rawBytes, CompressedBytes = entry.CompressedBytes, DatadirBytes = rawBytes },
                Stream = new ManifestStream { Key = S3Layout.BackupStream(backup.Cluster, backup.BackupId), Sha256 = entry.Sha256! },
                StartedAt = backup.StartedAt!.Value,
                ConsistentAt = backup.ConsistentAt,
                FinishedAt = backup.FinishedAt!.Value,
            }), "application/json");
        }
        foreach (var binlog in catalog.Binlogs)
        {
            Store.Seed(S3Layout.BinlogCatalogEntry(binlog.Cluster, binlog.ServerUuid, binlog.File),
                JsonSerializer.SerializeToUtf8Bytes(binlog with { Size = binlogBytes }, LifeboatJson.Default.BinlogCatalogEntry), "application/json");
        }
    }

    public CatalogBuilder Catalog { get; }
    public long RawBytes { get; }
    public long BinlogBytes { get; }
    public ManualClock Clock { get; }
    public InMemoryObjectStore Store { get; }

    /// <summary>The catalog entry as the verifier writes it: with the stream's measured SHA-256 and sizes.</summary>
    public BackupCatalogEntry Entry(BackupCatalogEntry backup) => backup with
    {
        Sha256 = CoreFixtures.Sha256(Encoding.UTF8.GetBytes(backup.BackupId)),
        RawBytes = RawBytes,
        CompressedBytes = RawBytes / 4,
        ServerVersion = "10.11.6-MariaDB-0+deb12u1-log",
        TableCount = 4,
        TotalRows = 6_103_009,
    };

    public RestorePlanning Planning() => new(Store, new RestoreSettings(Bucket, DefaultInstanceType), Clock);

    public Task<RestorePlan> PlanAsync(RestoreRequest request, string executionName = ExecutionName) =>
        Planning().PlanAsync(new PlanRestoreInput { Request = request, ExecutionName = executionName }, CancellationToken.None);

    /// <summary>A drill or restore record under catalog/&lt;cluster&gt;/drills/, written one minute after the previous one.</summary>
    public void SeedDrill(string executionName, string status, long rawBytes, IReadOnlyDictionary<string, double> phases, long replayBytes = 0)
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        var record = new DrillRecord
        {
            Cluster = CatalogBuilder.Cluster,
            ExecutionName = executionName,
            Mode = RestoreModes.Drill,
            Status = status,
            RawBytes = rawBytes,
            ReplayBytes = replayBytes,
            Phases = phases,
        };
        Store.Seed(S3Layout.DrillCatalogEntry(CatalogBuilder.Cluster, executionName),
            JsonSerializer.SerializeToUtf8Bytes(record, LifeboatJson.Default.DrillRecord), "application/json");
    }

    /// <summary>The file names of <see cref="CatalogBuilder.Primary"/> from the one holding <paramref name="from"/>'s next transaction to the one holding <paramref name="through"/>.</summary>
    public static IReadOnlyList<string> Files(CatalogBuilder catalog, DateTimeOffset from, DateTimeOffset through)
    {
        var first = catalog.BinlogAfter(CatalogBuilder.Primary, from).Sequence;
        var last = catalog.Binlogs.Single(b => b.ServerUuid == CatalogBuilder.Primary && b.FirstEventTime < through && through <= b.LastEventTime).Sequence;
        return catalog.Binlogs.Where(b => b.ServerUuid == CatalogBuilder.Primary && b.Sequence >= first && b.Sequence <= last).Select(b => b.File).ToList();
    }
}

/// <summary>A progress log that keeps metric lines apart from the other lines, as CloudWatch Logs sees them.</summary>
internal sealed class SplitLog : IProgressLog
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<string> _metrics = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToList();
            }
        }
    }

    public IReadOnlyList<string> Metrics
    {
        get
        {
            lock (_gate)
            {
                return _metrics.ToList();
            }
        }
    }

    public void Info(string message)
    {
        lock (_gate)
        {
            _lines.Add(message);
        }
    }

    public void Metric(string emfLine)
    {
        lock (_gate)
        {
            _metrics.Add(emfLine);
        }
    }
}
