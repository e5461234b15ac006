using System.Text.Json.Serialization;
using Lifeboat.Core.Backup;
using Lifeboat.Core.Binlogs;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Clusters;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Events;
using Lifeboat.Core.Forensics;
using Lifeboat.Core.Monitoring;
using Lifeboat.Core.Recovery;
using Lifeboat.Core.Replication;
using Lifeboat.Core.Restore;
using Lifeboat.Core.Workflow;

namespace Lifeboat.Core.Json;

/// <summary>
/// The project's one JSON contract: camelCase so that ASL paths read naturally (<c>$.backup.id</c>), nulls omitted,
/// enums as strings. Source-generated: no reflection at Lambda cold start.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    UseStringEnumConverter = true,
    WriteIndented = false)]
[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(BackupCatalogEntry))]
[JsonSerializable(typeof(ReplicaStatus))]
[JsonSerializable(typeof(S3EventNotification))]
[JsonSerializable(typeof(BackupRequest))]
[JsonSerializable(typeof(PlannedBackup))]
[JsonSerializable(typeof(StartBackupInput))]
[JsonSerializable(typeof(FollowCommandInput))]
[JsonSerializable(typeof(FollowedCommand))]
[JsonSerializable(typeof(BackupVerdictInput))]
[JsonSerializable(typeof(BackupVerdict))]
[JsonSerializable(typeof(BackupLockInput))]
[JsonSerializable(typeof(BackupLease))]
[JsonSerializable(typeof(BackupLockResult))]
[JsonSerializable(typeof(IReadOnlyList<BackupCatalogEntry>))]
[JsonSerializable(typeof(BinlogCatalogEntry))]
[JsonSerializable(typeof(ShipBinlogsRequest))]
[JsonSerializable(typeof(RetentionRequest))]
[JsonSerializable(typeof(RecoveryWindow))]
[JsonSerializable(typeof(PlanRestoreInput))]
[JsonSerializable(typeof(RestorePlan))]
[JsonSerializable(typeof(InstanceOnlineInput))]
[JsonSerializable(typeof(InstanceOnlineResult))]
[JsonSerializable(typeof(StartCommandInput))]
[JsonSerializable(typeof(JudgeRestoreInput))]
[JsonSerializable(typeof(RestoreVerdict))]
[JsonSerializable(typeof(ValidationReport))]
[JsonSerializable(typeof(RecordDrillInput))]
[JsonSerializable(typeof(DrillRecord))]
[JsonSerializable(typeof(FindDestructiveRequest))]
[JsonSerializable(typeof(WatchdogRequest))]
[JsonSerializable(typeof(WatchdogReport))]
[JsonSerializable(typeof(ShippingStatus))]
[JsonSerializable(typeof(IReadOnlyList<DestructiveEvent>))]
[JsonSerializable(typeof(IReadOnlyList<RetentionResult>))]
[JsonSerializable(typeof(ShipBinlogsResult))]
[JsonSerializable(typeof(IReadOnlyList<BinlogCatalogEntry>))]
[JsonSerializable(typeof(ListClustersRequest))]
[JsonSerializable(typeof(ClusterRunPlan))]
[JsonSerializable(typeof(ClusterTaskInput))]
public sealed partial class LifeboatJson : JsonSerializerContext;
