using Lifeboat.Core;
using Lifeboat.Core.Binlogs;
using Lifeboat.Core.Commands;
using Lifeboat.Core.Monitoring;
using Lifeboat.Tests.Core;
using Xunit;

namespace Lifeboat.Tests.Binlogs;

/// <summary>
/// One scheduled shipping run is one command to the binlog source, carrying the deployment's cadence; its result (the
/// document's stdout, Fixtures/Core/ship-binlogs-*.json) becomes the shipping status or a shipping failure.
/// </summary>
public sealed class BinlogShipperTests
{
    private const string Primary = "i-0fedcba9876543210";

    private readonly ManualClock _clock = new(CoreFixtures.Now);
    private readonly ScriptedRemoteCommands _commands = new();
    private readonly InMemoryObjectStore _store = new();

    public BinlogShipperTests() => _commands.Instances.Add(new ManagedInstance(Primary, "Online", "db-primary"));

    private BinlogShipper Shipper(int passes = 2, int intervalSeconds = 30) =>
        new(_commands, _store, new BinlogShippingSettings("orders", "bucket", "Lifeboat-ShipBinlogs", null, passes, intervalSeconds), _clock, new RecordingLog());

    private static string DocumentOutput(string name) => File.ReadAllText(CoreFixtures.FixturePath(name));

    [Fact]
    public async Task Scheduled_Run_Sends_One_Command_With_The_Deployments_Passes_And_Interval()
    {
        // Arrange
        _commands.Answer(Primary, ScriptedPoll.Running(), ScriptedPoll.Success(DocumentOutput("ship-binlogs-two-passes.json")));

        // Act
        await Shipper(passes: 3, intervalSeconds: 20).ShipAsync(new ShipBinlogsRequest { Cluster = "orders" }, CancellationToken.None);

        // Assert
        var sent = Assert.Single(_commands.Sent);
        Assert.Equal(Primary, sent.InstanceId);
        Assert.Equal("3", sent.Parameters["Passes"]);
        Assert.Equal("20", sent.Parameters["PassIntervalSeconds"]);
    }

    [Fact]
    public async Task Request_For_One_Pass_Ships_Once()
    {
        // Arrange
        _commands.Answer(Primary, ScriptedPoll.Success(DocumentOutput("ship-binlogs-two-passes.json")));

        // Act
        await Shipper(passes: 2).ShipAsync(new ShipBinlogsRequest { Cluster = "orders", Passes = 1 }, CancellationToken.None);

        // Assert
        Assert.Equal("1", Assert.Single(_commands.Sent).Parameters["Passes"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public async Task Passes_Out_Of_Range_Are_Refused_Before_Anything_Is_Sent(int passes)
    {
        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(
            () => Shipper().ShipAsync(new ShipBinlogsRequest { Cluster = "orders", Passes = passes }, CancellationToken.None));

        // Assert
        Assert.Contains($"passes {passes} is out of range: use 1 to 4", error.Message);
        Assert.Empty(_commands.Sent);
        Assert.Empty(_commands.TagQueries);
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(5, 30)]
    [InlineData(2, 9)]
    [InlineData(2, 61)]
    public async Task Cadence_Out_Of_Range_In_The_Functions_Settings_Is_Refused_Before_Anything_Is_Sent(int passes, int intervalSeconds)
    {
        // Act
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Shipper(passes, intervalSeconds).ShipAsync(new ShipBinlogsRequest { Cluster = "orders" }, CancellationToken.None));

        // Assert
        Assert.Contains("BinlogShippingPasses allows 1 to 4 and BinlogShippingPassIntervalSeconds 10 to 60", error.Message);
        Assert.Empty(_commands.Sent);
    }

    [Fact]
    public async Task Shipping_Status_Records_The_Newest_Passs_Position()
    {
        // Arrange: the first pass flushed at 0-1-180, the second at 0-1-212.
        _commands.Answer(Primary, ScriptedPoll.Running(), ScriptedPoll.Success(DocumentOutput("ship-binlogs-two-passes.json")));

        // Act
        var result = await Shipper().ShipAsync(new ShipBinlogsRequest { Cluster = "orders" }, CancellationToken.None);

        // Assert
        var status = await ShippingStatus.ReadAsync(_store, "orders", CancellationToken.None);
        Assert.NotNull(status);
        Assert.Equal("0-1-212", status.Position);
        Assert.Equal("3f0c6a52-8b1e-4c55-9a0d-2f6e1b7c9d41", status.ServerUuid);
        Assert.Equal(_clock.GetUtcNow(), status.RanAt);
        Assert.Equal(2, result.Result!.Value.GetProperty("passes").GetArrayLength());
    }

    [Fact]
    public async Task Failed_Second_Pass_Fails_The_Run_Naming_The_Pass_And_Leaves_The_Status_Alone()
    {
        // Arrange
        _commands.Answer(Primary, ScriptedPoll.Running(),
            new ScriptedPoll(CommandStates.Failed, DocumentOutput("ship-binlogs-second-pass-failed.json"), "pass 2 of 2: FAILED", StatusDetails: CommandStates.Failed));

        // Act
        var error = await Assert.ThrowsAsync<BinlogShippingFailedException>(
            () => Shipper().ShipAsync(new ShipBinlogsRequest { Cluster = "orders" }, CancellationToken.None));

        // Assert
        Assert.Equal(
            $"binlog shipping on {Primary} for cluster 'orders' ended Failed: pass 2 of 2: cannot list s3://bucket/binlogs/orders/3f0c6a52-8b1e-4c55-9a0d-2f6e1b7c9d41/",
            error.Message);
        Assert.Null(await ShippingStatus.ReadAsync(_store, "orders", CancellationToken.None));
    }
}
