using System.Text.Json;
using Lifeboat.Core.Events;
using Lifeboat.Core.Json;
using Lifeboat.Core.Storage;
using Xunit;

namespace Lifeboat.Tests.Core;

public class S3EventNotificationTests
{
    private static S3EventNotification Read(string fixture) =>
        JsonSerializer.Deserialize(CoreFixtures.Bytes(fixture), LifeboatJson.Default.S3EventNotification)
        ?? throw new InvalidDataException($"{fixture} is empty");

    [Fact]
    public void Complete_Multipart_Upload_Event_Deserializes()
    {
        var notification = Read("s3-event-complete-multipart.json");

        var record = Assert.Single(notification.Records);
        Assert.Equal("2.1", record.EventVersion);
        Assert.Equal("aws:s3", record.EventSource);
        Assert.Equal("eu-west-1", record.AwsRegion);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 2, 41, 36, 482, TimeSpan.Zero), record.EventTime);
        Assert.Equal("ObjectCreated:CompleteMultipartUpload", record.EventName);
        Assert.Equal("lifeboat-prod-123456789012-backups", record.S3.Bucket.Name);
        Assert.Equal("arn:aws:s3:::lifeboat-prod-123456789012-backups", record.S3.Bucket.Arn);
        Assert.Equal(73400320, record.S3.Object.Size);
        Assert.Equal("b54357faf0632cce46e942fa68356b38-14", record.S3.Object.ETag);
        Assert.Equal("0055AED6DCD90281E5", record.S3.Object.Sequencer);
        Assert.Equal("096fKKXTRTtl3on89fVO.nfljtsv6qko", record.S3.Object.VersionId);
    }

    [Fact]
    public void Decoded_Key_Turns_Plus_Into_Space_And_Percent_Escapes_Into_Characters()
    {
        var record = Assert.Single(Read("s3-event-complete-multipart.json").Records);

        Assert.Equal("reports/orders-db/drill+2026-11-22T01%3A30%3A00Z/row+counts.json", record.S3.Object.Key);
        Assert.Equal("reports/orders-db/drill 2026-11-22T01:30:00Z/row counts.json", record.S3.Object.DecodedKey);
    }

    [Fact]
    public void Encoded_Plus_Sign_Stays_A_Plus_Sign()
    {
        var obj = new S3EventObject { Key = "reports/a%2Bb+c/%25done.json" };

        Assert.Equal("reports/a+b c/%done.json", obj.DecodedKey);
    }

    [Fact]
    public void Manifest_Put_Event_Names_A_Parseable_Manifest_Key()
    {
        var record = Assert.Single(Read("s3-event-manifest-put.json").Records);

        Assert.StartsWith("ObjectCreated:", record.EventName, StringComparison.Ordinal);
        Assert.Equal((CoreFixtures.Cluster, CoreFixtures.BackupId), S3Layout.ParseManifestKey(record.S3.Object.DecodedKey));
    }

    [Fact]
    public void Record_Without_An_Object_Key_Is_Rejected()
    {
        const string json = """{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"size":1}}}]}""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, LifeboatJson.Default.S3EventNotification));
    }

    [Fact]
    public void Event_Without_Records_Has_An_Empty_List()
    {
        // S3EventNotification declares Records = []; VerifyBackupFunction enumerates it without a null check.
        var notification = JsonSerializer.Deserialize("{}", LifeboatJson.Default.S3EventNotification);

        Assert.NotNull(notification);
        Assert.Empty(notification.Records);
    }
}
