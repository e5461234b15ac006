namespace Lifeboat.Core.Binlog;

/// <summary>
/// Accumulates a <see cref="BinlogSummary"/> from a reader's events, so a caller that walks the
/// events for its own purpose (say, looking for destructive statements) gets the summary from
/// the same pass: call <see cref="Add"/> after each successful <see cref="BinlogReader.Read"/>.
/// Allocation-free per event except for once-per-file events and new (domain, server) pairs.
/// </summary>
public sealed class BinlogSummaryBuilder(string? fileName = null)
{
    private readonly List<uint> serverIds = [];
    private readonly SmallMap<(uint Domain, uint Server), PairState> pairs = new();
    private readonly SmallMap<uint, DomainState> domains = new();
    private readonly SmallMap<Guid, PairState> mySqlSources = new();
    private uint lastServerId;
    private uint firstTime;
    private uint lastTime;
    private uint minTime = uint.MaxValue;
    private uint maxTime;
    private long events;
    private long transactions;
    private long anonymous;
    private IReadOnlyList<MariaDbGtid> gtidList = [];
    private IReadOnlyList<MySqlGtidInterval> previousGtids = [];
    private BinlogRotate? rotate;
    private BinlogEventType lastType;
    private BinlogIssue? malformed;

    public void Add(BinlogReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var e = reader.Current;
        if (events++ == 0)
        {
            firstTime = e.Timestamp;
        }

        lastTime = e.Timestamp;
        minTime = Math.Min(minTime, e.Timestamp);
        maxTime = Math.Max(maxTime, e.Timestamp);
        lastType = e.Type;
        if (e.ServerId != lastServerId || serverIds.Count == 0)
        {
            lastServerId = e.ServerId;
            if (!serverIds.Contains(e.ServerId))
            {
                serverIds.Add(e.ServerId);
            }
        }

        switch (e.Type)
        {
            case BinlogEventType.MariaDbGtid:
                if (reader.TryGetMariaDbGtid(out var gtid))
                {
                    AddMariaDb(gtid.Gtid);
                }
                else
                {
                    Malformed(e, "MariaDB GTID");
                }

                break;
            case BinlogEventType.MySqlGtid or BinlogEventType.MySqlAnonymousGtid:
                if (reader.TryGetMySqlGtid(out var mySqlGtid))
                {
                    AddMySql(mySqlGtid);
                }
                else
                {
                    Malformed(e, "MySQL GTID");
                }

                break;
            case BinlogEventType.MariaDbGtidList:
                if (!reader.TryReadMariaDbGtidList(out gtidList))
                {
                    Malformed(e, "GTID list");
                }

                break;
            case BinlogEventType.MySqlPreviousGtids:
                if (!reader.TryReadMySqlPreviousGtids(out previousGtids))
                {
                    Malformed(e, "previous GTIDs");
                }

                break;
            case BinlogEventType.Rotate:
                if (!reader.TryReadRotate(out var r))
                {
                    Malformed(e, "rotate");
                }

                rotate = r;
                break;
        }
    }

    public BinlogSummary Build(BinlogReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var format = reader.Format;
        return new BinlogSummary
        {
            FileName = fileName,
            Size = reader.Position,
            ServerIds = serverIds.ToArray(),
            BinlogVersion = format?.BinlogVersion ?? 0,
            ServerVersion = format?.ServerVersion ?? "",
            ChecksumAlgorithm = format?.ChecksumAlgorithm ?? BinlogChecksumAlgorithm.Undefined,
            FirstEventTime = events > 0 ? DateTimeOffset.FromUnixTimeSeconds(firstTime) : null,
            LastEventTime = events > 0 ? DateTimeOffset.FromUnixTimeSeconds(lastTime) : null,
            MinEventTime = events > 0 ? DateTimeOffset.FromUnixTimeSeconds(minTime) : null,
            MaxEventTime = events > 0 ? DateTimeOffset.FromUnixTimeSeconds(maxTime) : null,
            EventCount = events,
            TransactionCount = transactions,
            GtidListAtStart = gtidList,
            MariaDbGtidRanges = pairs.Entries
                .OrderBy(p => p.Key.Domain).ThenBy(p => p.Key.Server)
                .Select(p => new MariaDbGtidRange(p.Key.Domain, p.Key.Server, p.Value.First, p.Value.Last, p.Value.Count, p.Value.Contiguous))
                .ToArray(),
            MariaDbDomains = domains.Entries
                .OrderBy(d => d.Key)
                .Select(d => new MariaDbDomainRange(d.Key, d.Value.First, d.Value.Last, d.Value.Count, d.Value.Gap is null, d.Value.Gap))
                .ToArray(),
            MySqlPreviousGtids = previousGtids,
            MySqlGtidRanges = mySqlSources.Entries
                .OrderBy(s => s.Key)
                .Select(s => new MySqlGtidRange(s.Key, (long)s.Value.First, (long)s.Value.Last, s.Value.Count, s.Value.Contiguous))
                .ToArray(),
            MySqlAnonymousTransactionCount = anonymous,
            NextFileName = rotate?.NextFileName,
            EndsWithRotate = lastType == BinlogEventType.Rotate,
            EndsWithStop = lastType == BinlogEventType.Stop,
            MarkedInUse = format?.MarkedInUse ?? false,
            Encrypted = reader.Encrypted,
            Corruption = reader.Corruption ?? malformed,
            Notices = reader.Notices.ToArray(),
        };
    }

    private void AddMariaDb(MariaDbGtid gtid)
    {
        transactions++;
        ref var pair = ref pairs.GetOrAdd((gtid.DomainId, gtid.ServerId), out bool pairExists);
        pair.Add(gtid.SequenceNumber, pairExists);

        ref var domain = ref domains.GetOrAdd(gtid.DomainId, out bool domainExists);
        if (!domainExists)
        {
            domain.First = gtid;
        }
        else if (domain.Gap is null && gtid.SequenceNumber != domain.Last.SequenceNumber + 1)
        {
            domain.Gap = domain.Last;
        }

        domain.Last = gtid;
        domain.Count++;
    }

    private void AddMySql(MySqlGtidEvent gtid)
    {
        transactions++;
        if (gtid.Anonymous)
        {
            anonymous++;
            return;
        }

        ref var source = ref mySqlSources.GetOrAdd(gtid.Gtid.SourceId, out bool exists);
        source.Add((ulong)gtid.Gtid.TransactionId, exists);
    }

    private void Malformed(BinlogEventHeader e, string what) =>
        malformed ??= new BinlogIssue(e.Offset, BinlogIssueKind.MalformedEvent, $"the {what} event of {e.Length} bytes could not be decoded");

    // A file has a handful of domains and servers, usually writing in runs: a scan from the
    // last hit beats hashing on every GTID.
    private sealed class SmallMap<TKey, TValue>
        where TKey : IEquatable<TKey>
    {
        private TKey[] keys = new TKey[4];
        private TValue[] values = new TValue[4];
        private int count;
        private int last;

        public IEnumerable<KeyValuePair<TKey, TValue>> Entries =>
            keys.Take(count).Zip(values, (k, v) => KeyValuePair.Create(k, v));

        public ref TValue GetOrAdd(TKey key, out bool exists)
        {
            exists = true;
            if (last < count && keys[last].Equals(key))
            {
                return ref values[last];
            }

            for (int i = 0; i < count; i++)
            {
                if (keys[i].Equals(key))
                {
                    last = i;
                    return ref values[i];
                }
            }

            if (count == keys.Length)
            {
                Array.Resize(ref keys, count * 2);
                Array.Resize(ref values, count * 2);
            }

            exists = false;
            keys[count] = key;
            values[count] = default!;
            last = count;
            return ref values[count++];
        }
    }

    private struct PairState
    {
        public ulong First;
        public ulong Last;
        public long Count;
        public bool Contiguous;

        public void Add(ulong sequence, bool exists)
        {
            if (!exists)
            {
                First = Last = sequence;
                Count = 1;
                Contiguous = true;
                return;
            }

            Contiguous &= sequence == Last + 1;
            Last = sequence;
            Count++;
        }
    }

    private struct DomainState
    {
        public MariaDbGtid First;
        public MariaDbGtid Last;
        public long Count;
        public MariaDbGtid? Gap;
    }
}
