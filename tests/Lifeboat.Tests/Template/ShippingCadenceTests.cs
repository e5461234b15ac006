using System.Globalization;
using System.Text.RegularExpressions;
using Lifeboat.Core.Binlogs;
using Lifeboat.Core.Commands;
using Xunit;
using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>
/// The shipping cadence (BinlogShippingPasses, BinlogShippingPassIntervalSeconds): the template, the function and the
/// document agree on what is allowed, and the defaults fit the default schedule.
/// </summary>
public sealed class ShippingCadenceTests
{
    private static readonly CfnTemplate Template = Repo.Template;

    [Theory]
    [InlineData("SHIPPING_PASSES", "BinlogShippingPasses")]
    [InlineData("SHIPPING_PASS_INTERVAL_SECONDS", "BinlogShippingPassIntervalSeconds")]
    public void Cadence_Parameters_Reach_The_Shipping_Function(string variable, string parameter)
    {
        // Act
        var value = Template.EnvironmentOf("ShipBinlogsFunction").GetValueOrDefault(variable);

        // Assert
        Assert.True(TreeEquals(value, new Dictionary<string, object?> { ["Ref"] = parameter }), $"{variable} is not !Ref {parameter}");
    }

    [Fact]
    public void Template_Function_And_Document_Allow_The_Same_Passes()
    {
        // Arrange
        var allowed = List(Parameter("BinlogShippingPasses")["AllowedValues"]).OfType<string>().ToList();
        var document = new Regex(DocumentPattern("Passes"));

        // Act
        var byDocument = Enumerable.Range(-1, 12).Where(n => document.IsMatch(Text(n))).Select(Text).ToList();
        var byFunction = Enumerable.Range(-1, 12).Where(n => n is >= 1 and <= BinlogShippingSettings.MaxPasses).Select(Text).ToList();

        // Assert
        Assert.Equal(["1", "2", "3", "4"], allowed);
        Assert.Equal(allowed, byDocument);
        Assert.Equal(allowed, byFunction);
    }

    [Fact]
    public void Template_Function_And_Document_Allow_The_Same_Pass_Intervals()
    {
        // Arrange
        var template = new Regex((string)Parameter("BinlogShippingPassIntervalSeconds")["AllowedPattern"]!);
        var document = new Regex(DocumentPattern("PassIntervalSeconds"));
        var values = Enumerable.Range(-1, 200).Select(Text).Append("030").Append("30.5").ToList();

        // Act
        var byTemplate = values.Where(v => template.IsMatch(v)).ToList();
        var byDocument = values.Where(v => document.IsMatch(v)).ToList();
        var byFunction = Enumerable.Range(-1, 200)
            .Where(n => n is >= BinlogShippingSettings.MinPassIntervalSeconds and <= BinlogShippingSettings.MaxPassIntervalSeconds)
            .Select(Text).ToList();

        // Assert
        Assert.Equal(Enumerable.Range(10, 51).Select(Text), byTemplate);
        Assert.Equal(byTemplate, byDocument);
        Assert.Equal(byTemplate, byFunction);
    }

    [Fact]
    public void Default_Passes_Fit_In_One_Period_Of_The_Default_Schedule()
    {
        // Arrange
        var period = RateSeconds((string)Parameter("BinlogShippingSchedule")["Default"]!);

        // Act
        var passes = int.Parse((string)Parameter("BinlogShippingPasses")["Default"]!, CultureInfo.InvariantCulture);
        var interval = int.Parse((string)Parameter("BinlogShippingPassIntervalSeconds")["Default"]!, CultureInfo.InvariantCulture);

        // Assert: the last pass has a whole interval before the next run fires, so runs do not skip one another; more
        // than one pass, or the default RPO is the schedule's minute.
        Assert.True(passes * interval <= period, $"{passes} passes {interval} s apart do not fit in the schedule's {period} s");
        Assert.True(passes > 1, "one pass per run flushes only once a minute");
    }

    [Fact]
    public void Longest_Cadence_Leaves_Most_Of_The_Functions_Timeout_For_Uploads()
    {
        // Arrange
        var timeout = int.Parse((string)Template.PropertiesWithGlobals("ShipBinlogsFunction")["Timeout"]!, CultureInfo.InvariantCulture);

        // Act: the waits between passes of the longest cadence the parameters allow.
        var waiting = (BinlogShippingSettings.MaxPasses - 1) * BinlogShippingSettings.MaxPassIntervalSeconds;

        // Assert
        Assert.True(waiting <= timeout / 2, $"{waiting} s of waits leave too little of the function's {timeout} s to upload");
    }

    private static Dictionary<string, object?> Parameter(string name) => Map(Template.Parameters[name])!;

    private static string DocumentPattern(string name) =>
        LifeboatDocuments.Parameters[LifeboatDocuments.ShipBinlogs].Single(p => p.Name == name).Pattern;

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static int RateSeconds(string expression)
    {
        var rate = Regex.Match(expression, @"^rate\((\d+) (minute|minutes|hour|hours)\)$");
        Assert.True(rate.Success, $"{expression} is not a rate in minutes or hours");
        return int.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture) * (rate.Groups[2].Value.StartsWith("minute", StringComparison.Ordinal) ? 60 : 3600);
    }
}
