using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lifeboat.Core.Storage;

namespace Lifeboat.Sandbox;

/// <summary>
/// The operator's command-line values, checked before anything is started: each refusal is an <see cref="ArgumentException"/>
/// that names the option, the value (control characters shown as '?') and the form it must take.
/// </summary>
public static partial class CliArguments
{
    private const string RestoreUsage = "use --latest, --to <ISO-8601 time>, --before-gtid <domain-server-seq>, --keep, --offsite";

    /// <summary>The restore workflow's input for <c>restore</c> options: at most one target, and the source.</summary>
    public static JsonObject RestoreInput(string cluster, IReadOnlyList<string> options)
    {
        var input = new JsonObject { ["cluster"] = cluster, ["mode"] = "restore" };
        string? targetOption = null;
        void Target(string option, JsonObject target)
        {
            if (targetOption is not null)
            {
                throw new ArgumentException($"{targetOption} and {option} both name a restore point: give one of --latest, --to, --before-gtid.");
            }
            targetOption = option;
            input["target"] = target;
        }
        for (var i = 0; i < options.Count; i++)
        {
            switch (options[i])
            {
                case "--latest":
                    Target("--latest", new JsonObject { ["latest"] = true });
                    break;
                case "--to":
                    Target("--to", new JsonObject { ["time"] = Time("--to", Value(options, ref i)).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture) });
                    break;
                case "--before-gtid":
                    Target("--before-gtid", new JsonObject { ["beforeGtid"] = Gtid("--before-gtid", Value(options, ref i)) });
                    break;
                case "--keep":
                    input["keepInstance"] = true;
                    break;
                case "--offsite":
                    input["source"] = "offsite";
                    break;
                default:
                    throw new ArgumentException($"unknown restore option '{Printable(options[i])}': {RestoreUsage}.");
            }
        }
        return targetOption is null
            ? throw new ArgumentException($"say what to restore to: --latest, --to <ISO-8601 time> or --before-gtid <domain-server-seq> ({RestoreUsage}).")
            : input;
    }

    /// <summary>The drill's input: the drill restores the newest backup, from the bucket or (<c>--offsite</c>) its copy.</summary>
    public static JsonObject DrillInput(string cluster, IReadOnlyList<string> options)
    {
        var input = new JsonObject { ["cluster"] = cluster, ["mode"] = "drill" };
        foreach (var option in options)
        {
            input["source"] = option == "--offsite"
                ? "offsite"
                : throw new ArgumentException($"unknown drill option '{Printable(option)}': use --offsite to drill from the off-site copy, or nothing.");
        }
        return input;
    }

    /// <summary>An ISO-8601 time with its zone (Z or ±hh:mm): a time without one would mean whatever this machine's zone is.</summary>
    public static DateTimeOffset Time(string option, string value)
    {
        if (!IsoTime().IsMatch(value)
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            throw new ArgumentException($"{option} '{Printable(value)}' is not an ISO-8601 time with a zone: use e.g. 2026-11-21T14:03:00Z.");
        }
        return time.ToUniversalTime();
    }

    public static string Gtid(string option, string value) =>
        GtidForm().IsMatch(value)
            ? value
            : throw new ArgumentException($"{option} '{Printable(value)}' is not a MariaDB GTID: use domain-server-sequence, e.g. 0-1-4242 (find-destructive lists candidates).");

    public static int BasePort(string? value)
    {
        if (value is null)
        {
            return 14300;
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1024 and <= 65000
            ? port
            : throw new ArgumentException($"base port '{Printable(value)}' is not a port from 1024 to 65000 (the sandbox uses the ten after it): set --base-port or LIFEBOAT_SANDBOX_BASE_PORT to one.");
    }

    /// <summary>An <c>ops</c> target's values, each in the form AWS would accept, so a typo fails here and not in a request.</summary>
    /// <summary>The stack's name and the query endpoints, checked before anything is asked of AWS.</summary>
    public static void OpsStack(string? stack, string? cloudFormationEndpoint, string? cloudWatchEndpoint)
    {
        if (stack is not null && !StackName().IsMatch(stack))
        {
            throw new ArgumentException($"--stack '{Printable(stack)}' is not a CloudFormation stack name: a letter, then up to 127 letters, digits and '-'.");
        }
        foreach (var (option, url) in new[] { ("--cloudformation-endpoint", cloudFormationEndpoint), ("--cloudwatch-endpoint", cloudWatchEndpoint) })
        {
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                throw new ArgumentException($"{option} '{Printable(url)}' is not an http(s) URL.");
            }
        }
    }

    public static OpsTarget Ops(string? bucket, string? cluster, string? region, string? s3Endpoint, string? stateMachineArn, string? sfnEndpoint)
    {
        if (string.IsNullOrEmpty(bucket))
        {
            throw new ArgumentException("--bucket is required: the stack's BucketName output");
        }
        if (!BucketName().IsMatch(bucket))
        {
            throw new ArgumentException($"--bucket '{Printable(bucket)}' is not an S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-' (the stack's BucketName output).");
        }
        try
        {
            Names.RequireCluster(cluster ?? "main");
        }
        catch (Core.InvalidInputException e)
        {
            throw new ArgumentException("--cluster: " + e.Message);
        }
        if (region is not null && !RegionName().IsMatch(region))
        {
            throw new ArgumentException($"--region '{Printable(region)}' is not an AWS region: use e.g. eu-west-1.");
        }
        if (stateMachineArn is not null && !StateMachineArn().IsMatch(stateMachineArn))
        {
            throw new ArgumentException($"--state-machine-arn '{Printable(stateMachineArn)}' is not a state machine ARN: use the stack's RestoreStateMachineArn output.");
        }
        foreach (var (option, url) in new[] { ("--s3-endpoint", s3Endpoint), ("--sfn-endpoint", sfnEndpoint) })
        {
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                throw new ArgumentException($"{option} '{Printable(url)}' is not an http(s) URL.");
            }
        }
        return new OpsTarget(bucket, cluster ?? "main", region, s3Endpoint, stateMachineArn, sfnEndpoint);
    }

    private static string Value(IReadOnlyList<string> options, ref int i) =>
        i + 1 < options.Count && !options[i + 1].StartsWith("--", StringComparison.Ordinal)
            ? options[++i]
            : throw new ArgumentException($"{options[i]} needs a value: {RestoreUsage}.");

    /// <summary>At most 64 characters, control characters as '?': a hostile value must not rewrite the operator's terminal.</summary>
    public static string Printable(string value)
    {
        var shown = value.Length > 64 ? value[..64] + "…" : value;
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"^[0-9]{1,10}-[0-9]{1,10}-[0-9]{1,20}\z")]
    private static partial Regex GtidForm();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\z")]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}\z")]
    private static partial Regex RegionName();

    [GeneratedRegex(@"^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]{1,80}\z")]
    private static partial Regex StateMachineArn();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9-]{0,127}\z")]
    private static partial Regex StackName();
}
