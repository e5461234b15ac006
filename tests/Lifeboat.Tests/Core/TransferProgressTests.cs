using Lifeboat.Core;
using Xunit;

namespace Lifeboat.Tests.Core;

public class TransferProgressTests
{
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;

    private readonly ManualClock _clock = new(CoreFixtures.Now);
    private readonly RecordingLog _log = new();

    private TransferProgress Progress(long total) => new("verify backups/orders-db/x/data.xbstream.zst", total, _log, _clock);

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(MiB - 1, "1024.0 KiB")]
    [InlineData(MiB, "1.0 MiB")]
    [InlineData(512 * MiB, "512.0 MiB")]
    [InlineData(GiB, "1.00 GiB")]
    [InlineData(21474836480, "20.00 GiB")]
    [InlineData(5 * GiB + GiB / 4, "5.25 GiB")]
    [InlineData(3L << 40, "3072.00 GiB")]
    public void Format_Picks_The_Largest_Binary_Unit(long bytes, string expected)
    {
        Assert.Equal(expected, TransferProgress.Format(bytes));
    }

    [Fact]
    public void Describe_Gives_Bytes_Percent_Rate_And_Eta()
    {
        var progress = Progress(GiB);
        _clock.Advance(TimeSpan.FromSeconds(10));
        progress.Advance((int)(256 * MiB));

        var text = progress.Describe();

        Assert.Equal("verify backups/orders-db/x/data.xbstream.zst: 256.0 MiB of 1.00 GiB (25%), 25.6 MiB/s, ETA 00:00:30", text);
    }

    [Fact]
    public void Describe_Without_A_Known_Total_Gives_No_Percent_Or_Eta()
    {
        var progress = Progress(0);
        _clock.Advance(TimeSpan.FromSeconds(4));
        progress.Advance((int)(8 * MiB));

        var text = progress.Describe();

        Assert.Equal("verify backups/orders-db/x/data.xbstream.zst: 8.0 MiB, 2.0 MiB/s", text);
    }

    [Fact]
    public void Describe_Before_Any_Time_Has_Passed_Has_No_Rate_Or_Eta()
    {
        var progress = Progress(GiB);

        var text = progress.Describe();

        Assert.Equal("verify backups/orders-db/x/data.xbstream.zst: 0 B of 1.00 GiB (0%), 0 B/s", text);
    }

    [Fact]
    public void Eta_Longer_Than_A_Day_Keeps_Its_Hours()
    {
        // 1 GiB in 1000 s leaves 99 GiB for 99000 s: 27 h 30 min, the scale of the 71-hour restore this project exists for.
        var progress = Progress(100 * GiB);
        _clock.Advance(TimeSpan.FromSeconds(1000));
        progress.Advance((int)GiB);

        var text = progress.Describe();

        Assert.EndsWith("ETA 27:30:00", text);
    }

    [Fact]
    public void Progress_Is_Logged_At_Most_Every_Five_Seconds()
    {
        var progress = Progress(100 * MiB);

        for (var i = 0; i < 4; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            progress.Advance((int)MiB);
        }
        var beforeInterval = _log.Lines.Count;
        _clock.Advance(TimeSpan.FromSeconds(1));
        progress.Advance((int)MiB);
        progress.Advance((int)MiB);

        Assert.Equal(0, beforeInterval);
        var line = Assert.Single(_log.Lines);
        Assert.Contains("5.0 MiB of 100.0 MiB (5%)", line);
    }

    [Fact]
    public void Complete_Logs_The_Final_Figures_And_Done()
    {
        var progress = Progress(4 * MiB);
        _clock.Advance(TimeSpan.FromSeconds(2));
        progress.Advance((int)(4 * MiB));

        progress.Complete();

        Assert.Equal(4 * MiB, progress.Bytes);
        Assert.Equal(["verify backups/orders-db/x/data.xbstream.zst: 4.0 MiB of 4.0 MiB (100%), 2.0 MiB/s — done"], _log.Lines);
    }
}
