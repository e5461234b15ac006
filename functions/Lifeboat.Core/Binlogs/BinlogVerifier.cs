using System.Globalization;
using Lifeboat.Core.Binlog;
using Lifeboat.Core.Catalog;
using Lifeboat.Core.Replication;
using Lifeboat.Core.Storage;

namespace Lifeboat.Core.Binlogs;

/// <summary>What the bucket says about one shipped binlog and its neighbours, measured by the verifier itself.</summary>
public sealed record BinlogFacts(
    string Cluster,
    string ServerUuid,
    string File,
    long Size,
    string? RecordedSha256,
    string ActualSha256,
    BinlogSummary Summary,
    BinlogCatalogEntry? Previous,
    bool PreviousShipped,
    bool OlderFilesCataloged);

/// <summary>
/// The verdict on one shipped binlog: intact (events, CRCs, SHA-256, closed) and continuous with the previous file of
/// the same server. A gap or corruption makes a failed entry with the reason; the restorable window ends there.
/// </summary>
public static class BinlogVerifier
{
    public static BinlogCatalogEntry Judge(BinlogFacts facts, DateTimeOffset now)
    {
        var summary = facts.Summary;
        var reasons = new List<string>();
        if (summary.Corruption is { } corruption)
        {
            reasons.Add($"corrupt at byte {corruption.Offset.ToString(CultureInfo.InvariantCulture)}: {corruption.Reason}");
        }
        if (summary.Encrypted)
        {
            reasons.Add("the binlog is encrypted (START_ENCRYPTION): its events cannot be verified");
        }
        if (facts.RecordedSha256 is null)
        {
            reasons.Add("the object has no sha256 metadata: it was not uploaded by the shipping document");
        }
        else if (!string.Equals(facts.RecordedSha256, facts.ActualSha256, StringComparison.OrdinalIgnoreCase))
        {
            reasons.Add($"SHA-256 is {facts.ActualSha256} in S3 but the shipper recorded {facts.RecordedSha256}");
        }
        if (summary.Corruption is null && !summary.Closed)
        {
            reasons.Add("the file does not end with ROTATE or STOP: an active or truncated binlog was shipped");
        }
        foreach (var domain in summary.MariaDbDomains.Where(d => !d.Contiguous))
        {
            reasons.Add($"GTIDs of domain {domain.DomainId} skip inside the file (at {domain.FirstGap})");
        }

        var start = StartPosition(summary);
        var end = EndPosition(summary, start);
        var (continuity, gap) = Continuity(facts, start);
        if (gap is not null)
        {
            reasons.Add(gap);
        }
        return new BinlogCatalogEntry
        {
            Cluster = facts.Cluster,
            ServerUuid = facts.ServerUuid,
            File = facts.File,
            Sequence = Sequence(facts.File),
            Key = S3Layout.Binlog(facts.Cluster, facts.ServerUuid, facts.File),
            Status = reasons.Count == 0 ? CatalogStatus.Verified : CatalogStatus.Failed,
            Reasons = reasons,
            VerifiedAt = now,
            Size = facts.Size,
            Sha256 = facts.ActualSha256,
            FirstEventTime = summary.FirstEventTime,
            LastEventTime = summary.LastEventTime,
            EventCount = summary.EventCount,
            TransactionCount = summary.TransactionCount,
            StartPosition = start.ToString(),
            EndPosition = end.ToString(),
            GtidRanges = summary.MariaDbDomains.Select(d => $"{d.First}..{d.Last}").ToList(),
            NextFile = summary.NextFileName,
            Closed = summary.Closed,
            Continuity = continuity,
            PreviousFile = PreviousFile(facts.File),
        };
    }

    /// <summary>mysql-bin.000042 → 42.</summary>
    public static long Sequence(string file) =>
        long.Parse(file[(file.LastIndexOf('.') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>mysql-bin.000042 → mysql-bin.000041, keeping the width; null before the first file.</summary>
    public static string? PreviousFile(string file)
    {
        var dot = file.LastIndexOf('.');
        var digits = file[(dot + 1)..];
        var sequence = Sequence(file);
        return sequence <= 1 ? null : file[..(dot + 1)] + (sequence - 1).ToString(CultureInfo.InvariantCulture).PadLeft(digits.Length, '0');
    }

    /// <summary>The GTID_LIST event: the last GTID per (domain, server) before the file; the position is the highest per domain.</summary>
    private static GtidPosition StartPosition(BinlogSummary summary) => Position(
        summary.GtidListAtStart
            .GroupBy(g => g.DomainId)
            .Select(g => g.MaxBy(x => x.SequenceNumber))
            .Select(g => new Gtid(g.DomainId, g.ServerId, g.SequenceNumber)));

    private static GtidPosition EndPosition(BinlogSummary summary, GtidPosition start)
    {
        var byDomain = start.Gtids.ToDictionary(g => g.Domain);
        foreach (var domain in summary.MariaDbDomains)
        {
            byDomain[domain.DomainId] = new Gtid(domain.Last.DomainId, domain.Last.ServerId, domain.Last.SequenceNumber);
        }
        return Position(byDomain.Values);
    }

    private static GtidPosition Position(IEnumerable<Gtid> gtids) => GtidPosition.Parse(string.Join(",", gtids));

    private static (string Continuity, string? Gap) Continuity(BinlogFacts facts, GtidPosition start)
    {
        var previousFile = PreviousFile(facts.File);
        var previous = facts.Previous;
        if (previous is null)
        {
            if (!facts.PreviousShipped && !facts.OlderFilesCataloged)
            {
                return (BinlogContinuity.ChainStart, null);
            }
            return (BinlogContinuity.Gap, $"gap: the previous file {previousFile} is not in S3, so the binlog chain of server {facts.ServerUuid} is broken before {facts.File}");
        }
        if (!previous.IsVerified)
        {
            return (BinlogContinuity.Gap, $"gap: the previous file {previous.File} failed verification ({string.Join("; ", previous.Reasons)})");
        }
        if (previous.NextFile is not null && previous.NextFile != facts.File)
        {
            return (BinlogContinuity.Gap, $"gap: {previous.File} rotates into {previous.NextFile}, not {facts.File}");
        }
        if (GtidPosition.Parse(previous.EndPosition).ToString() != start.ToString())
        {
            return (BinlogContinuity.Gap, $"gap: {previous.File} ends at GTID position '{previous.EndPosition}' but {facts.File} starts at '{start}'");
        }
        return (BinlogContinuity.Continuous, null);
    }
}
