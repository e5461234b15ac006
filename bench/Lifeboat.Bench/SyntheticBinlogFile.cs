using System.Buffers.Binary;
using Lifeboat.Core.Binlog;

namespace Lifeboat.Bench;

/// <summary>
/// A large valid binlog made by replaying the transactions of the real MariaDB fixtures over
/// and over, with log_pos, GTID seq_nos and CRCs rewritten so it parses as one clean file.
/// </summary>
internal static class SyntheticBinlogFile
{
    public static readonly string[] Sources = ["mysql-bin.000001", "mysql-bin.000002"];

    public static byte[] Build(string fixtures, long targetBytes)
    {
        var first = File.ReadAllBytes(Path.Combine(fixtures, Sources[0]));
        var events = Sources.SelectMany(s => TransactionEvents(File.ReadAllBytes(Path.Combine(fixtures, s)))).ToArray();
        var rotate = Events(first).Last(e => e.Type == BinlogEventType.Rotate);
        long prologue = Events(first).First(e => e.Type == BinlogEventType.MariaDbGtid).Offset;

        var output = new MemoryStream((int)Math.Min(int.MaxValue, targetBytes + (1 << 20)));
        output.Write(first, 0, (int)prologue);
        var sequences = new Dictionary<uint, ulong>();
        while (output.Length < targetBytes)
        {
            foreach (var ev in events)
            {
                var copy = ev.Bytes.ToArray();
                if (ev.Type == BinlogEventType.MariaDbGtid)
                {
                    uint domain = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(BinlogEventHeader.Size + 8));
                    sequences[domain] = sequences.GetValueOrDefault(domain) + 1;
                    BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(BinlogEventHeader.Size), sequences[domain]);
                }

                Append(output, copy);
            }
        }

        Append(output, first.AsSpan((int)rotate.Offset, (int)rotate.Length).ToArray());
        return output.ToArray();
    }

    private static void Append(MemoryStream output, byte[] ev)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(ev.AsSpan(13), (uint)(output.Length + ev.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(ev.AsSpan(ev.Length - 4), Crc32.Compute(ev.AsSpan(0, ev.Length - 4)));
        output.Write(ev);
    }

    // Everything from the first GTID event up to the closing ROTATE: whole transactions.
    private static IEnumerable<(BinlogEventType Type, ReadOnlyMemory<byte> Bytes)> TransactionEvents(byte[] file)
    {
        var all = Events(file);
        int from = all.FindIndex(e => e.Type == BinlogEventType.MariaDbGtid);
        return all.Skip(from)
            .Where(e => e.Type is not (BinlogEventType.Rotate or BinlogEventType.Stop or BinlogEventType.BinlogCheckpoint))
            .Select(e => (e.Type, new ReadOnlyMemory<byte>(file, (int)e.Offset, (int)e.Length)));
    }

    private static List<BinlogEventHeader> Events(byte[] file)
    {
        using var reader = new BinlogReader(new MemoryStream(file));
        var list = new List<BinlogEventHeader>();
        while (reader.Read())
        {
            list.Add(reader.Current);
        }

        if (reader.Corruption is not null || reader.Format?.ChecksumAlgorithm != BinlogChecksumAlgorithm.Crc32)
        {
            throw new InvalidDataException($"fixture is not a clean CRC32 binlog: {reader.Corruption}");
        }

        return list;
    }
}
