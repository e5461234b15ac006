using Lifeboat.Bench;

// Each benchmark is a subcommand; add new ones to the table. No subcommand (or options only) runs the suite.
var benchmarks = new Dictionary<string, Func<string[], int>>(StringComparer.Ordinal)
{
    ["suite"] = SuiteBench.Run,
    ["binlog-reader"] = BinlogReaderBench.Run,
};

if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    args = ["suite", .. args];
}

if (!benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine("usage: Lifeboat.Bench [suite] [--size GB] [--rpo-minutes N] [--keep] | <benchmark> [options]");
    Console.Error.WriteLine($"benchmarks: {string.Join(", ", benchmarks.Keys)}");
    return 2;
}

try
{
    return run(args[1..]);
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or TimeoutException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
