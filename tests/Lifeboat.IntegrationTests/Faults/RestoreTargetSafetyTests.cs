using System.Globalization;
using Lifeboat.Sandbox;
using Xunit;

namespace Lifeboat.IntegrationTests.Faults;

/// <summary>
/// The failure behind the outages Lifeboat exists for: a restore written over a live server. The restore document is
/// sent to hosts that claim to be restore targets (their restore-target.conf says so) but are not fresh.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class RestoreTargetSafetyTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Restore_Document_Refuses_A_Primary_That_Replicates_To_Another_Server_And_Writes_Nothing()
    {
        // Arrange: the primary, with the replica connected to it, made to look like a restore target.
        var primary = fixture.Primary;
        var before = Directory.GetFileSystemEntries(primary.DataDir).Length;
        var position = await MariaDb.QueryAsync(primary, "SELECT @@gtid_binlog_pos");

        // Act
        var (status, stdout) = await RestoreOntoAsync(primary, primary.DataDir, primary.Socket, primary.Port);

        // Assert
        Assert.Equal("Failed", status);
        Assert.Contains("a server already answers on", stdout);
        Assert.Equal(before, Directory.GetFileSystemEntries(primary.DataDir).Length);
        Assert.Equal(position, await MariaDb.QueryAsync(primary, "SELECT @@gtid_binlog_pos"));
        Assert.Equal("Yes", (await MariaDb.SlaveStatusAsync(fixture.Replica)).GetValueOrDefault("Slave_IO_Running"));
    }

    [Fact]
    public async Task Restore_Document_Refuses_A_Datadir_That_Holds_Data_And_Leaves_It_As_It_Was()
    {
        // Arrange: no server runs, but the datadir holds someone's data.
        var dir = Path.Combine(fixture.Sandbox.Layout.Root, "not-a-fresh-target");
        var datadir = Path.Combine(dir, "data");
        Directory.CreateDirectory(Path.Combine(datadir, "shop"));
        var precious = Path.Combine(datadir, "shop", "orders.ibd");
        await File.WriteAllTextAsync(precious, "rows nobody may lose");
        try
        {
            // Act
            var (status, stdout) = await RestoreOntoAsync(fixture.Primary, datadir, Path.Combine(dir, "mysqld.sock"), fixture.Sandbox.Layout.BasePort + 90);

            // Assert
            Assert.Equal("Failed", status);
            Assert.Contains($"datadir {datadir} is not empty", stdout);
            Assert.Equal("rows nobody may lose", await File.ReadAllTextAsync(precious));
            Assert.Single(Directory.GetFileSystemEntries(datadir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Sends the restore document to <paramref name="host"/> with a restore-target.conf naming the given server.</summary>
    private async Task<(string Status, string Stdout)> RestoreOntoAsync(InstanceEntry host, string datadir, string socket, int port)
    {
        var conf = Path.Combine(host.EtcDir, "restore-target.conf");
        Directory.CreateDirectory(host.EtcDir);
        await File.WriteAllTextAsync(conf, $"cluster={SandboxLayout.Cluster}\ndatadir={datadir}\nsocket={socket}\nport={port.ToString(CultureInfo.InvariantCulture)}\nuser={host.User}\nserver_id=77\n");
        try
        {
            var result = await fixture.RunDocumentAsync(host, "RestoreDocument",
                SandboxFixture.RestoreParameters("20261122T000000Z-safety", new string('0', 64), 1048576));
            return (result.Status!, result.StandardOutputContent ?? "");
        }
        finally
        {
            File.Delete(conf);
        }
    }
}
