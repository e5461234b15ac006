using System.Text.Json.Nodes;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests;

/// <summary>The template's alarms, evaluated by the sandbox on the metrics the real functions emitted.</summary>
[Collection(SandboxCollection.Name)]
public sealed class AlarmTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Shipping_Lag_Alarm_Pages_When_Shipping_Stops_And_Recovers_When_It_Resumes()
    {
        // Arrange: shipping caught up, the alarm quiet.
        var alarms = fixture.Sandbox.Alarms();
        var rpo = double.Parse(SandboxParameters.Values["RpoSeconds"], System.Globalization.CultureInfo.InvariantCulture);
        await ShipAsync();
        await WatchdogAsync();
        Assert.Equal("OK", ShippingLag(alarms).State);

        // Act: writes go on, shipping stops for longer than the RPO.
        await MariaDb.QueryAsync(fixture.Primary, "INSERT INTO shop.writer_log (payload) VALUES ('while shipping is down')");
        await Task.Delay(TimeSpan.FromSeconds(rpo + 3));
        await WatchdogAsync();
        var stopped = ShippingLag(alarms);
        await ShipAsync();
        await WatchdogAsync();
        var resumed = ShippingLag(alarms);

        // Assert: one page when it broke, one when it recovered.
        Assert.Equal("ALARM", stopped.State);
        Assert.Equal("OK", resumed.State);
        var pages = alarms.Pages().Where(p => p.Alarm == stopped.Name).TakeLast(2).ToList();
        Assert.Equal(["ALARM", "OK"], pages.Select(p => p.To));
        Assert.Contains("First step", pages[0].Description);
    }

    private SandboxAlarms.AlarmState ShippingLag(SandboxAlarms alarms) =>
        alarms.Evaluate(DateTimeOffset.UtcNow).Single(a => a.Name.EndsWith("binlog-shipping-lag", StringComparison.Ordinal));

    private Task ShipAsync() => fixture.Sandbox.InvokeFunctionAsync("ShipBinlogsFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });

    private Task WatchdogAsync() => fixture.Sandbox.InvokeFunctionAsync("WatchdogFunction", new JsonObject { ["cluster"] = SandboxLayout.Cluster });
}
