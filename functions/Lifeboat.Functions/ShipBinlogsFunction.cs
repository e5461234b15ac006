using Lifeboat.Core;
using Lifeboat.Core.Binlogs;
using Lifeboat.Core.Json;

namespace Lifeboat.Functions;

/// <summary>Scheduled every minute: flush and ship the binlog source's closed binlogs, in the deployment's passes.</summary>
public sealed class ShipBinlogsFunction
{
    private readonly BinlogShipper _shipper;

    public ShipBinlogsFunction() : this(FunctionSettings.FromProcess())
    {
    }

    public ShipBinlogsFunction(FunctionSettings settings)
    {
        var shipping = new BinlogShippingSettings(
            settings.Required("CLUSTER_NAME"),
            settings.Bucket,
            settings.Required("SHIP_BINLOGS_DOCUMENT"),
            settings.Optional("BINLOG_SOURCE_INSTANCE_ID"),
            (int)settings.Long("SHIPPING_PASSES", 1),
            (int)settings.Long("SHIPPING_PASS_INTERVAL_SECONDS", 30));
        _shipper = new BinlogShipper(Adapters.RunCommand(settings), Adapters.Bucket(settings), shipping, TimeProvider.System, new ConsoleProgressLog(settings.Deployment));
    }

    public async Task<Stream> Handle(Stream input)
    {
        var request = await LambdaIO.ReadAsync(input, LifeboatJson.Default.ShipBinlogsRequest);
        var result = await _shipper.ShipAsync(request, CancellationToken.None);
        return LambdaIO.Write(result, LifeboatJson.Default.ShipBinlogsResult);
    }
}
