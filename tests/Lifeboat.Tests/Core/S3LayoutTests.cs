using Lifeboat.Core.Storage;
using Xunit;

namespace Lifeboat.Tests.Core;

public class S3LayoutTests
{
    [Fact]
    public void Backup_Keys_Follow_The_Design_Layout()
    {
        Assert.Equal("backups/orders-db/20261122T013000Z-bcdef0/", S3Layout.BackupFolder("orders-db", "20261122T013000Z-bcdef0"));
        Assert.Equal("backups/orders-db/20261122T013000Z-bcdef0/data.xbstream.zst", S3Layout.BackupStream("orders-db", "20261122T013000Z-bcdef0"));
        Assert.Equal("backups/orders-db/20261122T013000Z-bcdef0/manifest.json", S3Layout.BackupManifest("orders-db", "20261122T013000Z-bcdef0"));
        Assert.Equal("catalog/orders-db/backups/", S3Layout.BackupCatalogFolder("orders-db"));
        Assert.Equal("catalog/orders-db/backups/20261122T013000Z-bcdef0.json", S3Layout.BackupCatalogEntry("orders-db", "20261122T013000Z-bcdef0"));
    }

    [Theory]
    [InlineData("backups/orders-db/20261122T013000Z-bcdef0/manifest.json", "orders-db", "20261122T013000Z-bcdef0")]
    [InlineData("backups/a/20261122T013000Z/manifest.json", "a", "20261122T013000Z")]
    [InlineData("backups/billing/20261122T020000Z-4f2a91/manifest.json", "billing", "20261122T020000Z-4f2a91")]
    public void Manifest_Keys_Are_Parsed(string key, string cluster, string backupId)
    {
        var parsed = S3Layout.ParseManifestKey(key);

        Assert.Equal((cluster, backupId), parsed);
    }

    [Fact]
    public void Built_Manifest_Key_Parses_Back()
    {
        var key = S3Layout.BackupManifest("orders-db", "20261122T013000Z-bcdef0");

        Assert.Equal(("orders-db", "20261122T013000Z-bcdef0"), S3Layout.ParseManifestKey(key));
    }

    [Theory]
    [InlineData("backups/orders-db/20261122T013000Z-bcdef0/data.xbstream.zst")]
    [InlineData("backups/orders-db/20261122T013000Z-bcdef0/manifest.json.tmp")]
    [InlineData("backups/orders-db/20261122T013000Z-bcdef0/manifest.jsonx")]
    [InlineData("backups/orders-db/20261122T013000Z-bcdef0/manifest_json")]
    [InlineData("backups/demo/../x/manifest.json")]
    [InlineData("backups/demo/../20261122T013000Z-bcdef0/manifest.json")]
    [InlineData("backups/../backups/demo/20261122T013000Z-bcdef0/manifest.json")]
    [InlineData("backups/Orders/20261122T013000Z-bcdef0/manifest.json")]
    [InlineData("backups/orders-db/20261122T013000Z-BCDEF0/manifest.json")]
    [InlineData("backups/orders-db/latest/manifest.json")]
    [InlineData("backups/orders-db/20261122T013000Z-bcdef0/extra/manifest.json")]
    [InlineData("/backups/orders-db/20261122T013000Z-bcdef0/manifest.json")]
    [InlineData("catalog/orders-db/backups/20261122T013000Z-bcdef0.json")]
    [InlineData("binlogs/orders-db/3e11fa47-71ca-11e1-9e33-c80aa9429562/mysql-bin.000042")]
    [InlineData("backups/orders db/20261122T013000Z-bcdef0/manifest.json")]
    [InlineData("")]
    public void Other_Keys_Are_Not_Manifest_Keys(string key)
    {
        Assert.Null(S3Layout.ParseManifestKey(key));
    }

    [Fact]
    public void Manifest_Key_With_A_Trailing_Newline_Is_Not_A_Manifest_Key()
    {
        Assert.Null(S3Layout.ParseManifestKey("backups/orders-db/20261122T013000Z-bcdef0/manifest.json\n"));
    }
}
