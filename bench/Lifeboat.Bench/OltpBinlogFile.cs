using System.Diagnostics;
using System.Globalization;
using Lifeboat.Sandbox;

namespace Lifeboat.Bench;

/// <summary>
/// A real binlog of small events: the suite's replay workload (<see cref="Dataset.WorkloadSql"/>: a small order, a
/// customer update and a log line per transaction) written by a throwaway MariaDB with the sandbox's binlog settings.
/// Its events average about 115 B, like the replay binlog the suite measures the reader on. Kept under
/// .sandbox-bench/binlog-reader/ and reused, since the server takes a minute to write it.
/// </summary>
internal static class OltpBinlogFile
{
    private const int Customers = 20_000;
    private const int TransactionsPerBatch = 5_000;

    public static async Task<string> GetAsync(int transactions)
    {
        var root = Path.Combine(SandboxLayout.FindRepoRoot(AppContext.BaseDirectory), ".sandbox-bench", "binlog-reader");
        var file = Path.Combine(root, $"oltp-{transactions}.binlog");
        if (File.Exists(file))
        {
            Console.Error.WriteLine($"reusing {file} (delete it to write a new one)");
            return file;
        }

        if (!File.Exists("/usr/sbin/mariadbd"))
        {
            throw new InvalidOperationException("--oltp needs a MariaDB server to write the binlog, and /usr/sbin/mariadbd is missing: install mariadb-server (./run sandbox up does), or pass --file <binlog>.");
        }

        // No TCP port: the client talks over the socket, so this server cannot collide with a sandbox's.
        var server = Instances.Define(root, "server", 0, 201);
        await Instances.WipeAsync(server);
        await MariaDb.InitializeAsync(server);
        server = await Instances.StartAsync(server, "--skip-networking", "--log-bin=mysql-bin", "--binlog-format=ROW",
            "--binlog-checksum=CRC32", "--gtid-strict-mode=1", "--innodb-flush-log-at-trx-commit=2");
        try
        {
            Console.Error.WriteLine($"writing a binlog of {transactions:N0} small transactions on a throwaway MariaDB ({server.Dir})");
            await Dataset.CreateAsync(server);
            await MariaDb.QueryAsync(server, CustomersSql(Customers));
            await MariaDb.QueryAsync(server, "FLUSH BINARY LOGS");
            var first = (await MariaDb.QueryAsync(server, "SHOW MASTER STATUS")).Split('\t')[0];
            // The suite's workload text, fed in batches of transactions so the run can show its progress.
            var batches = Dataset.WorkloadSql(transactions, Customers).Split("COMMIT;\n", StringSplitOptions.RemoveEmptyEntries)
                .Chunk(TransactionsPerBatch).ToArray();
            var watch = Stopwatch.StartNew();
            var workload = Path.Combine(server.Dir, "workload.sql");
            int done = 0;
            foreach (var batch in batches)
            {
                await File.WriteAllTextAsync(workload, "SET NAMES utf8mb4;\n" + string.Concat(batch.Select(t => t + "COMMIT;\n")));
                await Shell.OutputAsync($"mariadb --no-defaults --socket={Shell.Quote(server.Socket)} -uroot < {Shell.Quote(workload)}");
                done += batch.Length;
                var rate = done / watch.Elapsed.TotalSeconds;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {done:N0} of {transactions:N0} transactions, {rate:N0}/s, ETA {TimeSpan.FromSeconds((transactions - done) / rate):mm\\:ss}"));
            }

            await MariaDb.QueryAsync(server, "FLUSH BINARY LOGS");
            Directory.CreateDirectory(root);
            File.Copy(Path.Combine(server.DataDir, first), file + ".part", overwrite: true);
            File.Move(file + ".part", file, overwrite: true);
            return file;
        }
        finally
        {
            await Instances.StopAsync(server);
            await Instances.WipeAsync(server);
            Directory.Delete(server.Dir);
        }
    }

    // Customers like the suite's dataset has: the update's before and after images carry a name, a city and notes.
    private static string CustomersSql(int count) => $"""
        SET NAMES utf8mb4;
        USE bench_shop;
        SET @words = 'Zoë Jürgen Ærøskøbing Łukasz Renée José Åsa Chloé Müller Okafor 中村 García Søndergaard Dubois Zürich München 東京 São Paulo Kraków Reykjavík order shipped delivered returned invoice payment pending ';
        INSERT INTO bench_shop.customers (email, name, city, country, created_at, notes)
          SELECT CONCAT('c', seq, '@example.com'), SUBSTRING(@words, 1 + FLOOR(RAND() * 100), 24), 'Zürich', 'CH',
                 NOW() - INTERVAL FLOOR(RAND() * 100000000) SECOND, CONCAT(SUBSTRING(@words, 1 + FLOOR(RAND() * 100), 80), ' ', MD5(RAND()))
          FROM seq_1_to_{count.ToString(CultureInfo.InvariantCulture)};
        """;
}
