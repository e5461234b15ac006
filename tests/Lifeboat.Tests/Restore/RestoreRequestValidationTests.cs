using Lifeboat.Core;
using Lifeboat.Core.Restore;
using Xunit;

namespace Lifeboat.Tests.Restore;

/// <summary>RestorePlanner.Validate: the restore workflow's input is refused, with the problem and the fix, before anything is read or launched.</summary>
public class RestoreRequestValidationTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 21, 15, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("backup")]
    [InlineData("DRILL")]
    [InlineData("")]
    public void Unknown_Mode_Is_Refused_Naming_Both_Modes(string mode)
    {
        // Arrange
        var request = new RestoreRequest { Cluster = "orders-db", Mode = mode };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains($"mode '{mode}' is not known", error.Message);
        Assert.Contains("use \"drill\"", error.Message);
        Assert.Contains("\"restore\"", error.Message);
    }

    [Fact]
    public void Missing_Mode_Is_Refused_As_Missing()
    {
        // Arrange
        var request = new RestoreRequest { Cluster = "orders-db" };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains("mode '(missing)' is not known", error.Message);
    }

    [Fact]
    public void Long_Mode_Is_Shortened_In_The_Message()
    {
        // Arrange
        var request = new RestoreRequest { Cluster = "orders-db", Mode = new string('x', 5000) };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains(new string('x', 64) + "…", error.Message);
        Assert.True(error.Message.Length < 400, error.Message);
    }

    [Theory]
    [InlineData("Orders-DB")]
    [InlineData("orders_db")]
    [InlineData("1orders")]
    [InlineData("orders-db/../billing")]
    [InlineData("orders-db\n")]
    public void Invalid_Cluster_Is_Refused_With_The_Naming_Rule(string cluster)
    {
        // Arrange
        var request = new RestoreRequest { Cluster = cluster, Mode = RestoreModes.Drill };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains("is not a valid cluster name", error.Message);
        Assert.Contains("a-z, 0-9 and '-'", error.Message);
    }

    [Fact]
    public void Missing_Cluster_Is_Refused()
    {
        // Arrange
        var request = new RestoreRequest { Mode = RestoreModes.Restore };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains("cluster '(missing)'", error.Message);
    }

    public static TheoryData<bool?, bool, string?> TwoTargets() => new()
    {
        { true, true, null },
        { true, false, "0-1-4242" },
        { null, true, "0-1-4242" },
        { true, true, "0-1-4242" },
    };

    [Theory]
    [MemberData(nameof(TwoTargets))]
    public void Target_Naming_More_Than_One_Point_Is_Refused(bool? latest, bool withTime, string? beforeGtid)
    {
        // Arrange
        var request = new RestoreRequest
        {
            Cluster = "orders-db",
            Mode = RestoreModes.Restore,
            Target = new RestoreTarget { Latest = latest, Time = withTime ? Time : null, BeforeGtid = beforeGtid },
        };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains("more than one point", error.Message);
        Assert.Contains("exactly one of", error.Message);
        Assert.Contains("\"latest\": true", error.Message);
        Assert.Contains("\"time\"", error.Message);
        Assert.Contains("\"beforeGtid\"", error.Message);
    }

    [Fact]
    public void Latest_False_Beside_A_Time_Is_One_Point()
    {
        // Arrange
        var request = new RestoreRequest
        {
            Cluster = "orders-db",
            Mode = RestoreModes.Restore,
            Target = new RestoreTarget { Latest = false, Time = Time },
        };

        // Act
        var error = Record.Exception(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Null(error);
    }

    [Fact]
    public void Drill_With_A_Time_Is_Refused_Pointing_To_Restore_Mode()
    {
        // Arrange
        var request = new RestoreRequest { Cluster = "orders-db", Mode = RestoreModes.Drill, Target = new RestoreTarget { Time = Time } };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains("a drill restores the newest verified backup to its own point", error.Message);
        Assert.Contains("use mode \"restore\" for a time or a GTID", error.Message);
    }

    [Fact]
    public void Drill_With_A_Gtid_Is_Refused_Pointing_To_Restore_Mode()
    {
        // Arrange
        var request = new RestoreRequest { Cluster = "orders-db", Mode = RestoreModes.Drill, Target = new RestoreTarget { BeforeGtid = "0-1-4242" } };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains("use mode \"restore\" for a time or a GTID", error.Message);
    }

    [Fact]
    public void Drill_That_Keeps_Its_Instance_Is_Refused()
    {
        // Arrange
        var request = new RestoreRequest { Cluster = "orders-db", Mode = RestoreModes.Drill, KeepInstance = true };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains("keepInstance is for manual restores", error.Message);
        Assert.Contains("a drill always terminates what it launched", error.Message);
    }

    [Theory]
    [InlineData("0-1")]
    [InlineData("0-1-4242-7")]
    [InlineData("0-1-x")]
    [InlineData("-1-4242")]
    [InlineData("3e11fa47-71ca-11e1-9e33-c80aa9429562:42")]
    [InlineData("0-1-4242,0-2-17")]
    [InlineData("")]
    public void Malformed_Before_Gtid_Is_Refused_With_The_Expected_Form(string gtid)
    {
        // Arrange
        var request = new RestoreRequest { Cluster = "orders-db", Mode = RestoreModes.Restore, Target = new RestoreTarget { BeforeGtid = gtid } };

        // Act
        var error = Assert.Throws<InvalidInputException>(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Contains($"beforeGtid '{gtid}' is not a MariaDB GTID", error.Message);
        Assert.Contains("domain-server-sequence, e.g. 0-1-4242", error.Message);
        Assert.Contains("find-destructive", error.Message);
    }

    public static TheoryData<string, bool?, bool, string?, bool> ValidRequests() => new()
    {
        { RestoreModes.Drill, null, false, null, false },
        { RestoreModes.Drill, true, false, null, false },
        { RestoreModes.Restore, null, false, null, false },
        { RestoreModes.Restore, true, false, null, true },
        { RestoreModes.Restore, null, true, null, true },
        { RestoreModes.Restore, null, false, "0-1-4242", false },
        { RestoreModes.Restore, null, false, "1-102-18446744073709551615", true },
    };

    [Theory]
    [MemberData(nameof(ValidRequests))]
    public void Well_Formed_Requests_Pass(string mode, bool? latest, bool withTime, string? beforeGtid, bool keepInstance)
    {
        // Arrange
        var request = new RestoreRequest
        {
            Cluster = "orders-db",
            Mode = mode,
            Target = latest is null && !withTime && beforeGtid is null ? null : new RestoreTarget { Latest = latest, Time = withTime ? Time : null, BeforeGtid = beforeGtid },
            KeepInstance = keepInstance,
        };

        // Act
        var error = Record.Exception(() => RestorePlanner.Validate(request));

        // Assert
        Assert.Null(error);
    }
}
