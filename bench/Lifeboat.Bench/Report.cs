using System.Globalization;
using System.Text;

namespace Lifeboat.Bench;

/// <summary>The suite's figures and the Markdown section of docs/PERFORMANCE.md made from them.</summary>
internal sealed class Report(SuiteOptions options, string machine)
{
    private sealed record Row(string Section, string Case, double Seconds, bool Baseline, long Events, long Transactions, long Bytes);

    private readonly List<Row> _rows = [];

    public bool CacheDrop { get; set; }
    public long DatasetBytes { get; set; }
    public string Tables { get; set; } = "";
    public long RawBytes { get; set; }
    public long CompressedBytes { get; set; }
    public long DumpBytes { get; set; }
    public string LoadBefore { get; set; } = "";
    public string LoadAfter { get; set; } = "";
    public string RestorePhases { get; set; } = "";
    public string BackupPhases { get; set; } = "";
    public (double Machine, IReadOnlyDictionary<string, double> Processes)? BackupCpu { get; set; }
    public double? ValidationSeconds { get; set; }
    public double ReplayCommandSeconds { get; set; }
    public string? ReplayFile { get; set; }
    public double ReaderRatio { get; set; }
    public (int Commits, int Cataloged, double P50, double P99, double Max)? Rpo { get; set; }

    /// <summary>The sandbox's shipping cadence, the template's defaults (SandboxParameters).</summary>
    public (string Passes, string IntervalSeconds) Shipping { get; set; }

    public void Add(string section, string name, double seconds, string? baseline, long events = 0, long transactions = 0, long bytes = 0) =>
        _rows.Add(new Row(section, name, seconds, baseline is not null, events, transactions, bytes));

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine("## Lifeboat against the usual tools");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `./run bench --size {options.SizeGb.ToString(CultureInfo.InvariantCulture)}` (the whole suite, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC).");
        md.AppendLine();
        md.AppendLine(Invariant($"Machine: {machine}. Load averages (1, 5, 15 min) before the first measurement: {LoadBefore}; after the last: {LoadAfter}. ") +
            "The machine is shared, so the load is other work running at the same time.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Page cache: {(CacheDrop ? "dropped (`echo 3 > /proc/sys/vm/drop_caches`) before every backup and restore case" : "**could not be dropped** in this container (no permission on /proc/sys/vm/drop_caches), so reads may come from memory")}.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Data: {Mb(DatasetBytes)} of InnoDB files (data and secondary indexes) in 4 schemas, {Tables}: orders, order items, customers, " +
            $"contacts and log events with utf8mb4 text in several scripts, and a 43-column table. The backup stream is {Mb(RawBytes)} raw, " +
            $"{Mb(CompressedBytes)} after zstd -1; the dump is {Mb(DumpBytes)} after zstd -1.");
        md.AppendLine();
        md.AppendLine("How each side is measured: Lifeboat's figures are the real workflows in the sandbox (`statemachines/*.asl.json` run by the " +
            "Step Functions stand-in, the Lambda handlers, `ssm/*.yaml` run by the SSM stand-in against real MariaDB 10.11 servers, uploads to " +
            "and downloads from the S3 stand-in over HTTP). \"SSM document\" is the wall time of that one command as the agent ran it; " +
            "\"whole workflow\" adds launching, polling, validation and bookkeeping. Baselines run the bare tools on the same replica, the same " +
            "backup stream or the same binlogs, one after another in the same run.");
        md.AppendLine();

        Table(md, "Backup (from the replica)", "backup", "`mariadb-dump`");
        BackupAttribution(md);
        Table(md, "Restore to a running server", "restore", "the dump reload");
        md.AppendLine(Invariant($"Lifeboat's restore phases in seconds, as the document reports them: `{RestorePhases}`.") +
            (ValidationSeconds is { } v ? $" The drill's row-for-row validation took {v:0.0} s more." : ""));
        md.AppendLine();

        md.AppendLine("### Point-in-time replay");
        md.AppendLine();
        md.AppendLine("| case | seconds | events/s | transactions/s | vs baseline |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        var replayBase = _rows.First(r => r.Section == "replay" && r.Baseline);
        foreach (var r in _rows.Where(r => r.Section == "replay"))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Case} | {r.Seconds:0.0} | {r.Events / r.Seconds:N0} | {r.Transactions / r.Seconds:N0} | {replayBase.Seconds / r.Seconds:0.00}× |");
        }
        md.AppendLine();
        md.AppendLine(Invariant($"Both apply the same {replayBase.Transactions:N0} transactions ({replayBase.Events:N0} events): small orders, ") +
            $"a customer update and a log line each. The replay document's whole command, with its checks and the download of the binlogs, took {ReplayCommandSeconds:0.0} s; " +
            "its applying phase runs from the end of the download to the last transaction applied (for the server's applier: reading the " +
            "event headers, writing the relay logs and applying them) and is timed to the hundredth of a second. The events are those " +
            "of the transactions applied.");
        md.AppendLine();

        md.AppendLine("### Binlog reader on a real binlog");
        md.AppendLine();
        md.AppendLine("| case | median MB/s | vs baseline |");
        md.AppendLine("|---|---:|---:|");
        foreach (var r in _rows.Where(r => r.Section == "reader"))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Case} | {r.Bytes / r.Seconds / 1e6:N0} | {(r.Baseline ? 1.0 : ReaderRatio):0.00} |");
        }
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"The replay's largest binlog ({Path.GetFileName(ReplayFile)}), read from the page cache over and over, {Mb(_rows.First(r => r.Section == "reader").Bytes)} per case and run, 5 round-robin runs after a warm-up.");
        md.AppendLine();

        RpoSection(md);
        Targets(md);
        return md.ToString().TrimEnd();
    }

    /// <summary>The section of <c>--only rpo</c>: the machine and the recovery point, nothing else measured.</summary>
    public string RpoOnlyMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `./run bench --only rpo --size {options.SizeGb.ToString(CultureInfo.InvariantCulture)} --rpo-minutes {options.RpoMinutes}` ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC).");
        md.AppendLine();
        md.AppendLine(Invariant($"Machine: {machine}. Load averages (1, 5, 15 min) before the first measurement: {LoadBefore}; after the last: {LoadAfter}. ") +
            "The machine is shared, so the load is other work running at the same time.");
        md.AppendLine();
        RpoSection(md);
        if (Rpo is { } rpo)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Target RPO p99 ≤ 60 s with the default schedule: {rpo.P99:0.0} s, {(rpo.P99 <= 60 ? "met" : "**missed**")}.");
        }
        return md.ToString().TrimEnd();
    }

    private void RpoSection(StringBuilder md)
    {
        if (Rpo is { } rpo)
        {
            md.AppendLine("### Recovery point (RPO)");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"{rpo.Commits} commits on the primary, one a second for {options.RpoMinutes} min, with binlog shipping invoked on the default schedule " +
                $"(`rate(1 minute)`) and cadence ({(Shipping.Passes == "1" ? "1 pass per run" : $"{Shipping.Passes} passes per run, {Shipping.IntervalSeconds} s apart")}). " +
                $"RPO is the time from a commit to the catalog entry of the binlog holding it. {rpo.Cataloged} of {rpo.Commits} were cataloged: " +
                $"p50 **{rpo.P50:0.0} s**, p99 **{rpo.P99:0.0} s**, max {rpo.Max:0.0} s.");
            md.AppendLine();
        }
    }

    private void Table(StringBuilder md, string title, string section, string baselineName)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| case | seconds | speed vs {baselineName} |");
        md.AppendLine("|---|---:|---:|");
        var baseline = _rows.First(r => r.Section == section && r.Baseline);
        foreach (var r in _rows.Where(r => r.Section == section))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Case} | {r.Seconds:0.0} | {baseline.Seconds / r.Seconds:0.00}× |");
        }
        md.AppendLine();
    }

    /// <summary>Where the backup document's time went: its phases, and what used the 2 cores while it ran.</summary>
    private void BackupAttribution(StringBuilder md)
    {
        double Seconds(string startsWith) => _rows.First(r => r.Section == "backup" && r.Case.Contains(startsWith, StringComparison.Ordinal)).Seconds;
        var document = Seconds("**Lifeboat");
        var bare = Seconds("bare tools: ");
        var bareToS3 = Seconds("limit: the bare tools streamed");
        md.AppendLine(Invariant($"Lifeboat's backup phases in seconds, as the document reports them (the row counts run alongside the stream): `{BackupPhases}`. ") +
            Invariant($"The same bare pipeline takes {bareToS3 / bare:0.00}× as long streamed into the S3 stand-in as to a local file; the document takes {document / bareToS3:0.00}× as long as that pipeline into the S3 stand-in."));
        md.AppendLine();
        if (BackupCpu is { } cpu)
        {
            var p = cpu.Processes;
            var rest = Math.Max(0, cpu.Machine - p.Values.Sum());
            md.AppendLine(Invariant($"CPU seconds used while the document ran ({document:0.0} s on {Environment.ProcessorCount} cores, {cpu.Machine:0.0} CPU-s busy): ") +
                Invariant($"the document's own processes (backup tool, zstd, hash, AWS CLI) {p["document"]:0.0}, the replica's server (row counts) {p["replica"]:0.0}, ") +
                Invariant($"the S3 stand-in {p["s3"]:0.0}, the sandbox host (Lambdas, replication stand-in) {p["host"]:0.0}, the Step Functions stand-in {p["stepfunctions"]:0.0}, ") +
                Invariant($"everything else on the machine {rest:0.0}."));
            md.AppendLine();
        }
    }

    private void Targets(StringBuilder md)
    {
        double Seconds(string section, string startsWith) => _rows.First(r => r.Section == section && r.Case.Contains(startsWith, StringComparison.Ordinal)).Seconds;
        var lifeboatBackup = Seconds("backup", "**Lifeboat");
        var lifeboatRestore = Seconds("restore", "**Lifeboat");
        var replayRatio = Seconds("replay", "mariadb-binlog") / Seconds("replay", "**Lifeboat");
        var rows = new List<(string Target, string Figure, bool Met)>
        {
            ("restore ≥ 10× faster than the dump reload", $"{Seconds("restore", "reload the dump") / lifeboatRestore:0.0}×", Seconds("restore", "reload the dump") / lifeboatRestore >= 10),
            ("restore ≥ 8× faster than myloader", $"{Seconds("restore", "myloader") / lifeboatRestore:0.0}×", Seconds("restore", "myloader") / lifeboatRestore >= 8),
            ("backup ≥ 3× faster than mariadb-dump", $"{Seconds("backup", "mariadb-dump") / lifeboatBackup:0.0}×", Seconds("backup", "mariadb-dump") / lifeboatBackup >= 3),
            ("backup within 1.25× of the bare tools", $"{lifeboatBackup / Seconds("backup", "bare tools"):0.00}×", lifeboatBackup / Seconds("backup", "bare tools") <= 1.25),
            ("restore within 1.25× of the bare tools", $"{lifeboatRestore / Seconds("restore", "bare tools"):0.00}×", lifeboatRestore / Seconds("restore", "bare tools") <= 1.25),
            ("binlog reader ≥ 0.5× a plain read", $"{ReaderRatio:0.00}×", ReaderRatio >= 0.5),
            ("replay ≥ 5× the events/s of `mariadb-binlog \\| mariadb`", $"{replayRatio:0.00}×", replayRatio >= 5),
        };
        if (Rpo is { } rpo)
        {
            rows.Add(("RPO p99 ≤ 60 s with the default schedule", $"{rpo.P99:0.0} s", rpo.P99 <= 60));
        }
        md.AppendLine("### Targets in this run");
        md.AppendLine();
        md.AppendLine("| target | this run | |");
        md.AppendLine("|---|---:|---|");
        foreach (var (target, figure, met) in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {figure} | {(met ? "met" : "**missed**")} |");
        }
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static string Mb(long bytes) => $"{bytes / 1e6:N0} MB";
}

/// <summary>What the machine is, for a reader comparing figures.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "Linux"
            : "Linux";
        return $"{Environment.ProcessorCount} cores ({model}), {long.Parse(memory, CultureInfo.InvariantCulture) / 1024 / 1024.0:0} GiB RAM, {os}, " +
            $"MariaDB {Version("mariadbd --version")}, zstd {Version("zstd --version")}, mydumper {Version("mydumper --version")}, .NET {Environment.Version}";
    }

    public static string LoadAverages() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>What the restore document's PrepareMemoryMb=auto picks: half of MemAvailable, at least 256 MiB.</summary>
    public static long PrepareMemoryMb()
    {
        var availableKb = long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return Math.Max(256, availableKb / 1024 / 2);
    }

    private static string Version(string command)
    {
        try
        {
            var output = Shell.OutputAsync($"{command} 2>&1 | head -n 1").GetAwaiter().GetResult();
            var match = System.Text.RegularExpressions.Regex.Match(output, @"\d+\.\d+\.\d+[^\s,]*");
            return match.Success ? match.Value : output;
        }
        catch (InvalidOperationException)
        {
            return "(not installed)";
        }
    }
}
