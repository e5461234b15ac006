using Lifeboat.Core.Replication;
using Xunit;

namespace Lifeboat.Tests.Core;

public class GtidPositionTests
{
    [Fact]
    public void Multi_Domain_Position_Is_Parsed_Per_Domain()
    {
        var position = GtidPosition.Parse("0-101-48213,1-101-7,5-9-3");

        Assert.Equal(3, position.Gtids.Count);
        Assert.Equal(new Gtid(0, 101, 48213), position.ForDomain(0));
        Assert.Equal(new Gtid(1, 101, 7), position.ForDomain(1));
        Assert.Equal(new Gtid(5, 9, 3), position.ForDomain(5));
        Assert.Null(position.ForDomain(2));
    }

    [Fact]
    public void Whitespace_And_Newlines_Around_Items_Are_Ignored()
    {
        var position = GtidPosition.Parse(" 0-101-48213 ,\n1-101-7\n");

        Assert.Equal("0-101-48213,1-101-7", position.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n")]
    public void Empty_Text_Is_The_Empty_Position(string? text)
    {
        var position = GtidPosition.Parse(text);

        Assert.True(position.IsEmpty);
        Assert.Empty(position.Gtids);
        Assert.Equal("", position.ToString());
    }

    [Theory]
    [InlineData("0-101-48213,banana", "banana")]
    [InlineData("0-101", "0-101")]
    [InlineData("0-101-x", "0-101-x")]
    [InlineData("0-1-2-3", "0-1-2-3")]
    [InlineData("-1-2-3", "-1-2-3")]
    [InlineData("+0-1-5", "+0-1-5")]
    [InlineData("0-1-18446744073709551616", "0-1-18446744073709551616")]
    [InlineData("4294967296-1-5", "4294967296-1-5")]
    [InlineData("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5")]
    public void Malformed_Item_Is_Rejected_By_Name(string text, string badItem)
    {
        var error = Assert.Throws<FormatException>(() => GtidPosition.Parse(text));

        Assert.Contains($"'{badItem}'", error.Message);
        Assert.Contains("domain-server-sequence", error.Message);
        Assert.False(GtidPosition.TryParse(text, out var fallback));
        Assert.True(fallback.IsEmpty);
    }

    [Fact]
    public void Domain_Named_Twice_Is_Rejected()
    {
        var error = Assert.Throws<FormatException>(() => GtidPosition.Parse("0-1-100,1-1-5,0-2-200"));

        Assert.Contains("domain 0 twice", error.Message);
    }

    [Fact]
    public void Behind_In_One_Domain_Names_That_Domain_Only()
    {
        var mine = GtidPosition.Parse("0-101-48213,1-101-7");
        var previous = GtidPosition.Parse("0-101-48300,1-101-7");

        var behind = mine.BehindIn(previous);

        Assert.Equal(["domain 0: 0-101-48213 is behind 0-101-48300"], behind);
    }

    [Fact]
    public void Domain_Missing_From_This_Position_Counts_As_Behind()
    {
        var mine = GtidPosition.Parse("0-101-48213");
        var previous = GtidPosition.Parse("0-101-48000,1-101-7");

        var behind = mine.BehindIn(previous);

        Assert.Equal(["domain 1: missing, previous had 1-101-7"], behind);
    }

    [Theory]
    [InlineData("0-101-48213,1-101-7", "0-101-48213,1-101-7")]
    [InlineData("0-101-50000,1-101-9,2-7-1", "0-101-48213,1-101-7")]
    [InlineData("0-102-48214", "0-101-48213")]
    [InlineData("0-101-1", "")]
    public void Equal_Or_Ahead_Is_Not_Behind(string mine, string previous)
    {
        var behind = GtidPosition.Parse(mine).BehindIn(GtidPosition.Parse(previous));

        Assert.Empty(behind);
    }

    [Theory]
    [InlineData("0-101-48213")]
    [InlineData("0-101-48213,1-101-7,4294967295-4294967295-18446744073709551615")]
    public void Text_Form_Round_Trips(string text)
    {
        var position = GtidPosition.Parse(text);

        var again = GtidPosition.Parse(position.ToString());

        Assert.Equal(text, position.ToString());
        Assert.Equal(position.Gtids, again.Gtids);
    }

    [Fact]
    public void Text_Form_Lists_Domains_In_Ascending_Order()
    {
        var position = GtidPosition.Parse("7-3-9,0-1-100,2-2-2");

        Assert.Equal("0-1-100,2-2-2,7-3-9", position.ToString());
    }
}
