using System.Globalization;
using Lifeboat.Core.Binlog;

namespace Lifeboat.Bench;

/// <summary>
/// binlog-reader [--mb N | --oltp [--transactions N] | --file path] [--runs N] [--buffer-kb N] [--fixtures dir]:
/// the reader against plain reads of the same bytes from the same kind of stream, and the
/// CRC-32 implementations against each other, all in one process and one thread. The input is
/// the fixtures' transactions replayed to N MB (events of 454 B on average), a real binlog of
/// the suite's small OLTP transactions (--oltp, about 115 B), or any binlog.
/// </summary>
internal static class BinlogReaderBench
{
    public static int Run(string[] args)
    {
        var options = Options.Parse(args);
        var readerOptions = new BinlogReaderOptions { BufferSize = options.BufferKb * 1024 };
        byte[] data;
        string source;
        if (options.Oltp)
        {
            var file = OltpBinlogFile.GetAsync(options.Transactions).GetAwaiter().GetResult();
            data = File.ReadAllBytes(file);
            source = $"a MariaDB binlog of the suite's replay workload ({options.Transactions:N0} transactions: a small order, a customer update and a log line each), {file}";
        }
        else if (options.File is not null)
        {
            data = File.ReadAllBytes(options.File);
            source = options.File;
        }
        else
        {
            var fixtures = options.Fixtures ?? FindFixtures();
            data = SyntheticBinlogFile.Build(fixtures, options.Megabytes * 1024L * 1024);
            source = $"synthetic: transactions of {string.Join(" + ", SyntheticBinlogFile.Sources)} replayed (from {fixtures})";
        }

        var check = BinlogSummary.Read(new MemoryStream(data), null, readerOptions);
        Console.WriteLine($"input          {source}");
        Console.WriteLine($"size           {data.Length / 1e6:F1} MB, {check.EventCount:N0} events, {check.TransactionCount:N0} transactions, mean event {data.Length / (double)check.EventCount:F0} B");
        Console.WriteLine($"valid          {check.IsValid} {check.Corruption}");
        if (!check.IsValid)
        {
            Console.Error.WriteLine("the input must be a valid binlog to measure the reader over all of it");
            return 1;
        }

        Console.WriteLine($"machine        {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"crc32 default  {Crc32.Default} (available: {string.Join(", ", Enum.GetValues<Crc32Implementation>().Where(Crc32.IsAvailable))})");
        // Each case passes over the input until about 256 MB went through, as the suite does: long enough that a
        // busy neighbour's time slice lands on every case alike, and that the JIT has optimized the loops.
        int passes = (int)Math.Max(1, (256L << 20) / data.Length);
        Console.WriteLine($"buffer         {options.BufferKb} KiB, {passes} pass(es) over the input per case, {options.Runs} round-robin runs after a warm-up, single thread (MB/s = MB/s per core)");
        Console.WriteLine();

        string temp = Path.Combine(Path.GetTempPath(), $"lifeboat-bench-{Environment.ProcessId}.bin");
        File.WriteAllBytes(temp, data);
        try
        {
            Console.WriteLine("stream         case                          best MB/s   median MB/s   speed vs baseline (median of per-run ratios)");
            foreach (var (kind, open) in new (string, Func<Stream>)[]
                     {
                         ("MemoryStream", () => new MemoryStream(data, writable: false)),
                         ("FileStream", () => new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1)),
                     })
            {
                var cases = new List<(string Name, Action Run)>
                {
                    ("baseline: Stream.Read only", () => ReadAll(open(), readerOptions.BufferSize)),
                    ("reader, CRC verified", () => CountEvents(open(), readerOptions)),
                    ("reader + summary, CRC", () => Summarize(open(), readerOptions)),
                    ("reader, CRC not verified", () => CountEvents(open(), new BinlogReaderOptions { BufferSize = readerOptions.BufferSize, VerifyChecksums = false })),
                };
                foreach (var implementation in Enum.GetValues<Crc32Implementation>().Where(i => Crc32.IsAvailable(i) && i != Crc32.Default))
                {
                    var other = new BinlogReaderOptions { BufferSize = readerOptions.BufferSize, Crc32Implementation = implementation };
                    cases.Add(($"reader, CRC via {implementation}", () => CountEvents(open(), other)));
                }

                var timings = Measure.RoundRobin(options.Runs, cases.Select(c => (Action)(() => Passes(passes, c.Run))).ToArray());
                for (int i = 0; i < cases.Count; i++)
                {
                    Row(kind, cases[i].Name, timings[i], (long)data.Length * passes);
                }
            }
        }
        finally
        {
            File.Delete(temp);
        }

        Console.WriteLine();
        CrcThroughput(data, options.Runs);
        Console.WriteLine();
        Allocations(data, readerOptions, check.EventCount);
        return 0;
    }

    private static void CrcThroughput(byte[] data, int runs)
    {
        var lengths = EventLengths(data);
        Console.WriteLine("crc32          implementation    64 KiB blocks best MB/s   per event, one call each best MB/s");
        var implementations = Enum.GetValues<Crc32Implementation>().Where(Crc32.IsAvailable).ToArray();
        var cases = implementations.SelectMany(implementation => new Action[]
        {
            () =>
            {
                uint crc = 0;
                for (int at = 0; at + 65536 <= data.Length; at += 65536)
                {
                    crc = Crc32.Append(crc, data.AsSpan(at, 65536), implementation);
                }

                GC.KeepAlive(crc);
            },
            () =>
            {
                uint crc = 0;
                int at = 4;
                foreach (int length in lengths)
                {
                    crc ^= Crc32.Append(0, data.AsSpan(at, length - 4), implementation);
                    at += length;
                }

                GC.KeepAlive(crc);
            },
        }).ToArray();
        var timings = Measure.RoundRobin(runs, cases);
        for (int i = 0; i < implementations.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"               {implementations[i],-17} {timings[2 * i].BestMBps(data.Length / 65536 * 65536L),10:F0}             {timings[(2 * i) + 1].BestMBps(data.Length),10:F0}"));
        }
    }

    private static void Allocations(byte[] data, BinlogReaderOptions readerOptions, long events)
    {
        CountEvents(new MemoryStream(data), readerOptions);
        long reader = Measure.AllocatedBytes(() => CountEvents(new MemoryStream(data), readerOptions));
        long summary = Measure.AllocatedBytes(() => BinlogSummary.Read(new MemoryStream(data), null, readerOptions));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"allocations    reader: {reader:N0} B in total, {reader / (double)events:F4} B/event; reader + summary: {summary:N0} B, {summary / (double)events:F4} B/event ({events:N0} events)"));
    }

    private static void Row(string stream, string name, Timing timing, long bytes) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stream,-14} {name,-29} {timing.BestMBps(bytes),9:F0} {timing.MedianMBps(bytes),13:F0}   {timing.RatioToBaseline,8:F2}"));

    private static void Passes(int passes, Action pass)
    {
        for (int i = 0; i < passes; i++)
        {
            pass();
        }
    }

    internal static long ReadAll(Stream stream, int bufferSize)
    {
        using (stream)
        {
            var buffer = new byte[bufferSize];
            long total = 0;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
            }

            return total;
        }
    }

    internal static long CountEvents(Stream stream, BinlogReaderOptions options)
    {
        using var reader = new BinlogReader(stream, options);
        while (reader.Read())
        {
        }

        return reader.Corruption is null ? reader.EventCount : throw new InvalidDataException(reader.Corruption.ToString());
    }

    private static BinlogSummary Summarize(Stream stream, BinlogReaderOptions options)
    {
        using (stream)
        {
            return BinlogSummary.Read(stream, null, options);
        }
    }

    private static List<int> EventLengths(byte[] data)
    {
        using var reader = new BinlogReader(new MemoryStream(data));
        var lengths = new List<int>();
        while (reader.Read())
        {
            lengths.Add((int)reader.Current.Length);
        }

        return lengths;
    }

    private static string FindFixtures()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Lifeboat.Tests", "Fixtures", "Binlog");
                if (File.Exists(Path.Combine(candidate, SyntheticBinlogFile.Sources[0])))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("tests/Lifeboat.Tests/Fixtures/Binlog not found above the current directory; pass --fixtures or --file.");
    }

    private sealed record Options(int Megabytes, string? File, int Runs, int BufferKb, string? Fixtures, bool Oltp = false, int Transactions = 50_000)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(256, null, 5, BinlogReaderOptions.Default.BufferSize / 1024, null);
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                o = args[i] switch
                {
                    "--mb" => o with { Megabytes = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--file" => o with { File = Value() },
                    "--runs" => o with { Runs = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--buffer-kb" => o with { BufferKb = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--fixtures" => o with { Fixtures = Value() },
                    "--oltp" => o with { Oltp = true },
                    "--transactions" => o with { Transactions = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }

            return o;
        }
    }
}
