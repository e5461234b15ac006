using System.Globalization;
using System.Text.RegularExpressions;

namespace Lifeboat.Core.Storage;

/// <summary>
/// Validation of the names that become S3 keys and SSM parameters. The patterns here are the same as the
/// documents' allowedPatterns, so bad input is refused before anything is sent.
/// </summary>
public static partial class Names
{
    public const string Cluster = "[a-z][a-z0-9-]{0,39}";
    public const string BackupId = "[0-9]{8}T[0-9]{6}Z(-[a-z0-9]{1,16})?";
    /// <summary>A server's identity in binlog keys: MySQL's server_uuid, or the UUID the shipping document keeps for MariaDB.</summary>
    public const string ServerUuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    /// <summary>A binlog file name: basename, dot, numeric sequence (mysql-bin.000042).</summary>
    public const string BinlogFile = "[A-Za-z0-9_-]{1,64}\\.[0-9]{6,10}";
    public const string ClusterPattern = "^" + Cluster + "$";
    public const string BackupIdPattern = "^" + BackupId + "$";
    public const string InstanceIdPattern = "^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$";

    public static void RequireCluster(string? cluster)
    {
        if (string.IsNullOrEmpty(cluster) || !ClusterRegex().IsMatch(cluster))
        {
            throw new InvalidInputException(
                $"cluster '{Shorten(cluster)}' is not a valid cluster name: use 1-40 characters of a-z, 0-9 and '-', starting with a letter (for example \"orders-db\").");
        }
    }

    public static void RequireInstanceId(string? instanceId)
    {
        if (string.IsNullOrEmpty(instanceId) || !InstanceIdRegex().IsMatch(instanceId))
        {
            throw new InvalidInputException(
                $"instance '{Shorten(instanceId)}' is not an EC2 or managed instance id: expected i-0123456789abcdef0 or mi-0123456789abcdef0.");
        }
    }

    public static bool IsCluster(string? value) => value is not null && ClusterRegex().IsMatch(value);

    public static bool IsInstanceId(string? value) => value is not null && InstanceIdRegex().IsMatch(value);

    public static bool IsBackupId(string? value) => value is not null && BackupIdRegex().IsMatch(value);

    /// <summary>Backup ids sort by time: <c>20261122T013000Z-a1b2c3</c>.</summary>
    public static string NewBackupId(DateTimeOffset now, string suffix) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + suffix;

    /// <summary>A value as an error message shows it: at most 64 characters, control characters as '?' (no NUL or newline in a log).</summary>
    internal static string Shorten(string? value) =>
        value is null
            ? "(missing)"
            : new string((value.Length > 64 ? value[..64] + "…" : value).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    // \z, not $: in .NET, $ also matches before a trailing newline, which must never reach a key or a parameter.
    [GeneratedRegex("^" + Cluster + @"\z")]
    private static partial Regex ClusterRegex();

    [GeneratedRegex("^" + BackupId + @"\z")]
    private static partial Regex BackupIdRegex();

    [GeneratedRegex(@"^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})\z")]
    private static partial Regex InstanceIdRegex();
}
