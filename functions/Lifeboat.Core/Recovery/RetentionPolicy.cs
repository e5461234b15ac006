using System.Globalization;

namespace Lifeboat.Core.Recovery;

/// <summary>
/// How long to keep what. Invalid values are refused as they are set, so a policy that exists is a valid one.
/// </summary>
public sealed record RetentionPolicy
{
    public const int MaxWindowDays = 3650;
    public const int MaxWeeklyTiers = 520;
    public const int MaxMonthlyTiers = 240;
    /// <summary>A backup's objects exist before its catalog entry for as long as upload and verification take.</summary>
    public static readonly TimeSpan MinOrphanGrace = TimeSpan.FromHours(6);
    public static readonly TimeSpan MaxOrphanGrace = TimeSpan.FromDays(365);

    /// <summary>Every second of the last N days stays restorable.</summary>
    public int WindowDays
    {
        get;
        init => field = InRange(value, 1, MaxWindowDays, "windowDays", "days of point-in-time recovery (default 30)");
    } = 30;

    /// <summary>Keep the newest verified backup of each of this many ISO weeks, counting back from the window's start.</summary>
    public int WeeklyTiers
    {
        get;
        init => field = InRange(value, 0, MaxWeeklyTiers, "weeklyTiers", "weeks (0, the default, keeps no weekly backups)");
    }

    /// <summary>Keep the newest verified backup of each of this many calendar months (UTC), counting back from the window's start.</summary>
    public int MonthlyTiers
    {
        get;
        init => field = InRange(value, 0, MaxMonthlyTiers, "monthlyTiers", "months (0, the default, keeps no monthly backups)");
    }

    /// <summary>Objects of a backup without a catalog entry are deleted once the newest is older than this.</summary>
    public TimeSpan OrphanGrace
    {
        get;
        init => field = value >= MinOrphanGrace && value <= MaxOrphanGrace
            ? value
            : throw new InvalidInputException(
                $"retention orphanGrace {value.ToString("c", CultureInfo.InvariantCulture)} is out of range: use {RecoveryText.Span(MinOrphanGrace)} to {RecoveryText.Span(MaxOrphanGrace)} (default 2 days). " +
                "A backup's objects exist before its catalog entry while it uploads and is verified; a shorter grace could delete one in progress.");
    } = TimeSpan.FromDays(2);

    private static int InRange(int value, int min, int max, string name, string unit) =>
        value >= min && value <= max
            ? value
            : throw new InvalidInputException(
                FormattableString.Invariant($"retention {name} {value} is out of range: use {min} to {max} {unit}."));
}
