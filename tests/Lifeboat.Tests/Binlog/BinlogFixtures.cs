using System.Text.Json;
using Lifeboat.Core.Binlog;

namespace Lifeboat.Tests.Binlog;

/// <summary>The binlogs make-fixtures.sh took from a real MariaDB 10.11, and what mariadb-binlog said about them.</summary>
internal static class BinlogFixtures
{
    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Binlog");

    private static readonly Lazy<JsonElement> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "expected.json"))).RootElement);

    public static IEnumerable<string> FileNames => Expected.Value.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("file").GetString()!);

    public static uint ServerId => Expected.Value.GetProperty("serverId").GetUInt32();

    public static long GeneratedAfter => Expected.Value.GetProperty("generatedAfter").GetInt64();

    public static long GeneratedBefore => Expected.Value.GetProperty("generatedBefore").GetInt64();

    public static byte[] Bytes(string fileName) => File.ReadAllBytes(Path.Combine(Directory, fileName));

    public static JsonElement Facts(string fileName) =>
        Expected.Value.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == fileName);

    public static List<BinlogEventHeader> ReadHeaders(byte[] bytes, BinlogReaderOptions? options = null)
    {
        using var reader = new BinlogReader(new MemoryStream(bytes), options);
        var headers = new List<BinlogEventHeader>();
        while (reader.Read())
        {
            headers.Add(reader.Current);
        }

        return headers;
    }

    public static BinlogSummary Summarize(byte[] bytes, string? fileName = null, BinlogReaderOptions? options = null) =>
        BinlogSummary.Read(new MemoryStream(bytes), fileName, options);

    /// <summary>Offset of the event that contains byte <paramref name="at"/> (0 for the magic).</summary>
    public static long EventContaining(IReadOnlyList<BinlogEventHeader> events, long at) =>
        at < 4 ? 0 : events.Last(e => e.Offset <= at).Offset;
}
