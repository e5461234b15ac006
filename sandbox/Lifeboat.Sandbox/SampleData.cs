using System.Diagnostics;
using System.Globalization;

namespace Lifeboat.Sandbox;

/// <summary>A small shop database on the primary, and a writer that keeps inserting while backups run.</summary>
public static class SampleData
{
    public static Task LoadAsync(InstanceEntry primary, int orders) => MariaDb.QueryAsync(primary, $"""
        CREATE DATABASE IF NOT EXISTS shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        USE shop;
        CREATE TABLE IF NOT EXISTS shop.customers (
          id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100) NOT NULL, email VARCHAR(200) NOT NULL,
          city VARCHAR(100) NOT NULL, created_at DATETIME(6) NOT NULL DEFAULT NOW(6), KEY by_email (email), KEY by_city (city));
        CREATE TABLE IF NOT EXISTS shop.orders (
          id BIGINT PRIMARY KEY AUTO_INCREMENT, customer_id INT NOT NULL, total DECIMAL(12,2) NOT NULL,
          note TEXT, created_at DATETIME(6) NOT NULL DEFAULT NOW(6), KEY by_customer (customer_id, created_at));
        CREATE TABLE IF NOT EXISTS shop.writer_log (
          id BIGINT PRIMARY KEY AUTO_INCREMENT, written_at DATETIME(6) NOT NULL DEFAULT NOW(6), payload VARCHAR(100));
        INSERT INTO shop.customers (name, email, city)
          SELECT CONCAT('Kunde ', seq, ' Ærøskøbing'), CONCAT('c', seq, '@example.com'), ELT(1 + seq % 4, 'Zürich', 'Kraków', '東京', 'São Paulo')
          FROM seq_1_to_{Math.Max(1, orders / 10)};
        INSERT INTO shop.orders (customer_id, total, note)
          SELECT 1 + seq % {Math.Max(1, orders / 10)}, ROUND(seq * 1.37 % 1000, 2), CONCAT('order ', seq, ' — ', REPEAT('x', seq % 50))
          FROM seq_1_to_{orders};
        """);

    /// <summary>One client process fed INSERTs every <paramref name="interval"/> until disposed.</summary>
    public sealed class Writer : IAsyncDisposable
    {
        private readonly Process _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public long Written { get; private set; }

        public Writer(InstanceEntry primary, TimeSpan interval)
        {
            var start = new ProcessStartInfo("mariadb") { RedirectStandardInput = true, UseShellExecute = false };
            foreach (var a in MariaDb.ClientArguments(primary, "shop"))
            {
                start.ArgumentList.Add(a);
            }
            _client = Process.Start(start)!;
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    await _client.StandardInput.WriteLineAsync(
                        $"INSERT INTO writer_log (payload) VALUES ('tick {Written.ToString(CultureInfo.InvariantCulture)}');");
                    await _client.StandardInput.FlushAsync();
                    Written++;
                    try
                    {
                        await Task.Delay(interval, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _client.StandardInput.Close();
            await _client.WaitForExitAsync();
            _client.Dispose();
            _stop.Dispose();
        }
    }
}
