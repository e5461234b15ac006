using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lifeboat.Sandbox;

namespace Lifeboat.Bench;

/// <summary>
/// The suite's dataset on the primary, replicated to the replica: four schemas, tables with secondary indexes,
/// utf8mb4 text in several scripts, and a few wide tables. Text mixes words from a fixed pool with random hex,
/// so it compresses about as well as ordinary application data rather than collapsing to nothing.
/// </summary>
internal static class Dataset
{
    public static readonly string[] Schemas = ["bench_shop", "bench_crm", "bench_logs", "bench_wide"];

    private const string Words =
        "Zoë Jürgen Ærøskøbing Łukasz Renée José Åsa Chloé Müller Okafor 中村 García Søndergaard Dubois Zürich München 東京 " +
        "São Paulo Kraków Reykjavík Москва القاهرة Paris Lagos order shipped delivered returned invoice payment pending " +
        "refund warehouse customer 🚚 package label fragile express standard priority note address street Straße plaza " +
        "calle rue via 大通り district postcode city region country phone mobile email newsletter consent marketing ";

    private const string Schema = """
        CREATE DATABASE IF NOT EXISTS bench_shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE DATABASE IF NOT EXISTS bench_crm CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE DATABASE IF NOT EXISTS bench_logs CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE DATABASE IF NOT EXISTS bench_wide CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE TABLE IF NOT EXISTS bench_shop.customers (
          id INT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(120) NOT NULL, name VARCHAR(100) NOT NULL, city VARCHAR(60) NOT NULL,
          country CHAR(2) NOT NULL, created_at DATETIME NOT NULL, notes TEXT,
          UNIQUE KEY by_email (email), KEY by_city (city, country), KEY by_created (created_at));
        CREATE TABLE IF NOT EXISTS bench_shop.orders (
          id BIGINT PRIMARY KEY AUTO_INCREMENT, customer_id INT NOT NULL, status VARCHAR(16) NOT NULL, total DECIMAL(12,2) NOT NULL,
          created_at DATETIME NOT NULL, shipping_address VARCHAR(255) NOT NULL, note TEXT,
          KEY by_customer (customer_id, created_at), KEY by_status (status, created_at));
        CREATE TABLE IF NOT EXISTS bench_shop.order_items (
          order_id BIGINT NOT NULL, line SMALLINT NOT NULL, sku VARCHAR(32) NOT NULL, quantity INT NOT NULL, price DECIMAL(10,2) NOT NULL,
          PRIMARY KEY (order_id, line), KEY by_sku (sku));
        CREATE TABLE IF NOT EXISTS bench_crm.contacts (
          id INT PRIMARY KEY AUTO_INCREMENT, first_name VARCHAR(60) NOT NULL, last_name VARCHAR(60) NOT NULL, phone VARCHAR(32),
          email VARCHAR(120), bio TEXT, tags VARCHAR(255), updated_at DATETIME NOT NULL,
          KEY by_name (last_name, first_name), KEY by_email (email), KEY by_updated (updated_at));
        CREATE TABLE IF NOT EXISTS bench_logs.events (
          id BIGINT PRIMARY KEY AUTO_INCREMENT, ts DATETIME(6) NOT NULL, level VARCHAR(8) NOT NULL, source VARCHAR(64) NOT NULL,
          message VARCHAR(500) NOT NULL, payload TEXT, KEY by_ts (ts), KEY by_level (level, ts), KEY by_source (source));
        CREATE TABLE IF NOT EXISTS bench_logs.rpo_probe (
          id BIGINT PRIMARY KEY AUTO_INCREMENT, committed_at DATETIME(6) NOT NULL);
        CREATE TABLE IF NOT EXISTS bench_wide.measurements (
          id BIGINT PRIMARY KEY AUTO_INCREMENT, station VARCHAR(40) NOT NULL, taken_at DATETIME NOT NULL,
          {0},
          KEY by_station (station, taken_at), KEY by_taken (taken_at));
        """;

    public static async Task CreateAsync(InstanceEntry primary)
    {
        var columns = new List<string>();
        for (int i = 1; i <= 24; i++)
        {
            columns.Add($"v{i:00} DOUBLE");
        }
        for (int i = 1; i <= 12; i++)
        {
            columns.Add($"s{i:00} VARCHAR(40)");
        }
        for (int i = 1; i <= 4; i++)
        {
            columns.Add($"t{i:00} TEXT");
        }
        await MariaDb.QueryAsync(primary, string.Format(CultureInfo.InvariantCulture, Schema, string.Join(", ", columns)));
    }

    /// <summary>Adds rows in rounds until the bench schemas' files on the replica reach <paramref name="targetBytes"/>.</summary>
    public static async Task<long> FillAsync(InstanceEntry primary, InstanceEntry replica, long targetBytes)
    {
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        for (int round = 0; bytes < targetBytes; round++)
        {
            await MariaDb.QueryAsync(primary, RoundSql(round));
            bytes = await SchemaBytesAsync(primary);
            var rate = bytes / Math.Max(watch.Elapsed.TotalSeconds, 0.001);
            var eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, targetBytes - bytes) / rate) : TimeSpan.Zero;
            Console.Error.WriteLine($"  dataset: {bytes / 1e6:N0} of {targetBytes / 1e6:N0} MB, {rate / 1e6:N1} MB/s, ETA {eta:mm\\:ss}");
        }
        await MariaDb.WaitCaughtUpAsync(replica, primary, TimeSpan.FromMinutes(30));
        return await SchemaBytesAsync(replica);
    }

    /// <summary>The bench schemas' table files (data and indexes) on an instance's disk.</summary>
    public static async Task<long> SchemaBytesAsync(InstanceEntry instance)
    {
        var dirs = string.Join(' ', Schemas.Select(s => Shell.Quote(Path.Combine(instance.DataDir, s))));
        return long.Parse(await Shell.OutputAsync($"du -s -b -c {dirs} | tail -n 1 | cut -f 1"), CultureInfo.InvariantCulture);
    }

    private static string RoundSql(int round)
    {
        var text = new StringBuilder();
        string Pick(int length) => $"SUBSTRING(@words, 1 + FLOOR(RAND() * {Words.Length - length}), {length})";
        text.Append(CultureInfo.InvariantCulture, $"SET NAMES utf8mb4;\nUSE bench_shop;\nSET @words = '{Words}{Words}';\n");
        text.Append(CultureInfo.InvariantCulture, $"""
            INSERT INTO bench_shop.customers (email, name, city, country, created_at, notes)
              SELECT CONCAT('c', {round * 10000} + seq, '@example.', ELT(1 + seq % 4, 'com', 'de', 'jp', 'fr')), {Pick(24)},
                     ELT(1 + seq % 10, 'Zürich', 'München', '東京', 'São Paulo', 'Kraków', 'Reykjavík', 'Москва', 'القاهرة', 'Paris', 'Lagos'),
                     ELT(1 + seq % 5, 'CH', 'DE', 'JP', 'BR', 'PL'), NOW() - INTERVAL FLOOR(RAND() * 100000000) SECOND,
                     CONCAT({Pick(80)}, ' ', MD5(RAND()))
              FROM seq_1_to_10000;
            INSERT INTO bench_shop.orders (customer_id, status, total, created_at, shipping_address, note)
              SELECT 1 + FLOOR(RAND() * {(round + 1) * 10000}), ELT(1 + seq % 5, 'pending', 'paid', 'shipped', 'delivered', 'returned'),
                     ROUND(RAND() * 2000, 2), NOW() - INTERVAL FLOOR(RAND() * 100000000) SECOND, {Pick(60)},
                     CONCAT({Pick(40)}, ' ', LEFT(MD5(RAND()), 16))
              FROM seq_1_to_30000;
            INSERT INTO bench_shop.order_items (order_id, line, sku, quantity, price)
              SELECT {round * 30000} + (seq + 1) DIV 2, 1 + seq % 2, CONCAT('SKU-', LPAD(FLOOR(RAND() * 50000), 6, '0')),
                     1 + FLOOR(RAND() * 5), ROUND(RAND() * 500, 2)
              FROM seq_1_to_60000;
            INSERT INTO bench_crm.contacts (first_name, last_name, phone, email, bio, tags, updated_at)
              SELECT {Pick(10)}, {Pick(14)}, CONCAT('+', FLOOR(RAND() * 100000000000)), CONCAT('p', {round * 10000} + seq, '@example.org'),
                     CONCAT({Pick(200)}, ' ', MD5(RAND()), ' ', {Pick(100)}), {Pick(30)}, NOW() - INTERVAL FLOOR(RAND() * 10000000) SECOND
              FROM seq_1_to_10000;
            INSERT INTO bench_logs.events (ts, level, source, message, payload)
              SELECT NOW(6) - INTERVAL FLOOR(RAND() * 10000000000) MICROSECOND, ELT(1 + seq % 4, 'INFO', 'WARN', 'ERROR', 'DEBUG'),
                     CONCAT('service-', seq % 37), {Pick(90)},
                     CONCAT(CHAR(123), '"request":"', MD5(RAND()), '","user":', FLOOR(RAND() * 100000), ',"text":"', {Pick(60)}, '"', CHAR(125))
              FROM seq_1_to_40000;
            INSERT INTO bench_wide.measurements (station, taken_at, {string.Join(", ", Enumerable.Range(1, 24).Select(i => $"v{i:00}"))},
                {string.Join(", ", Enumerable.Range(1, 12).Select(i => $"s{i:00}"))}, {string.Join(", ", Enumerable.Range(1, 4).Select(i => $"t{i:00}"))})
              SELECT CONCAT('station-', seq % 211), NOW() - INTERVAL seq MINUTE,
                     {string.Join(", ", Enumerable.Range(1, 24).Select(_ => "RAND() * 1000"))},
                     {string.Join(", ", Enumerable.Range(1, 12).Select(_ => Pick(20)))},
                     {string.Join(", ", Enumerable.Range(1, 4).Select(_ => $"CONCAT({Pick(100)}, MD5(RAND()))"))}
              FROM seq_1_to_5000;

            """);
        return text.ToString();
    }

    /// <summary>Small OLTP transactions (an order, a customer update, a log line) for the replay measurements.</summary>
    public static string WorkloadSql(int transactions, int customers)
    {
        var random = new Random(42);
        var text = new StringBuilder("SET NAMES utf8mb4;\n");
        for (int i = 0; i < transactions; i++)
        {
            int customer = 1 + random.Next(customers);
            text.Append(CultureInfo.InvariantCulture, $"""
                BEGIN;
                INSERT INTO bench_shop.orders (customer_id, status, total, created_at, shipping_address, note) VALUES ({customer}, 'pending', {random.Next(100000) / 100.0}, NOW(), 'Hauptstraße {i}, Zürich', 'replay {i} 東京');
                UPDATE bench_shop.customers SET city = 'Kraków', notes = CONCAT('updated by replay ', {i}) WHERE id = {customer};
                INSERT INTO bench_logs.events (ts, level, source, message) VALUES (NOW(6), 'INFO', 'replay', 'order for customer {customer} — ✓');
                COMMIT;

                """);
        }
        return text.ToString();
    }
}
