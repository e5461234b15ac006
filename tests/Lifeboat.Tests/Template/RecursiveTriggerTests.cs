using Xunit;

namespace Lifeboat.Tests.Template;

/// <summary>DESIGN.md §8: no function writes under a prefix whose ObjectCreated events invoke itself, directly or not.</summary>
public sealed class RecursiveTriggerTests
{
    [Fact]
    public void No_Function_Invokes_Itself_Through_S3()
    {
        // Arrange
        var analysis = new S3TriggerAnalysis(Repo.Template);

        // Act
        var loops = analysis.FindLoops();

        // Assert
        Assert.True(loops.Count == 0, "recursive S3 triggers:\n" + string.Join("\n", loops));
    }

    [Fact]
    public void Verify_Backup_Writes_Only_The_Catalog_And_Is_Triggered_By_Manifests()
    {
        // Arrange
        var analysis = new S3TriggerAnalysis(Repo.Template);

        // Act
        var writes = analysis.Writes.Where(w => w.Function == "VerifyBackupFunction").Select(w => w.ToString());
        var triggers = analysis.Triggers.Where(t => t.Function == "VerifyBackupFunction").Select(t => t.ToString());

        // Assert: the analysis sees what the template says, so the loop test above is not vacuous.
        Assert.Equal(["s3://BackupBucket/catalog/*"], writes);
        Assert.Equal(["s3://BackupBucket/backups/*manifest.json"], triggers);
    }

    [Fact]
    public void Direct_And_Indirect_Loops_Are_Found()
    {
        // Arrange
        var analysis = new S3TriggerAnalysis(CfnTemplate.Load(Repo.Fixture("recursive-triggers.yaml")));

        // Act
        var loops = analysis.FindLoops();

        // Assert
        Assert.Equal(
            [
                "CatalogFunction writes s3://Bucket/catalog/*, which invokes CatalogFunction (s3://Bucket/catalog/*)",
                "ArchiveFunction writes s3://Bucket/*, which invokes ArchiveFunction (s3://Bucket/archive/*)",
                "ForwardFunction writes s3://Bucket/out/*, which invokes BackwardFunction (s3://Bucket/out/*); "
                    + "BackwardFunction writes s3://Bucket/in/*, which invokes ForwardFunction (s3://Bucket/in/*)",
                "BackwardFunction writes s3://Bucket/in/*, which invokes ForwardFunction (s3://Bucket/in/*); "
                    + "ForwardFunction writes s3://Bucket/out/*, which invokes BackwardFunction (s3://Bucket/out/*)",
            ],
            loops);
    }

    [Theory]
    [InlineData("catalog/*", "backups/", "manifest.json", false)]
    [InlineData("backups/*", "backups/", "manifest.json", true)]
    [InlineData("*", "backups/", "", true)]
    [InlineData("backups/x/manifest.json", "backups/", "manifest.json", true)]
    [InlineData("backups/x/data.zst", "backups/", "manifest.json", false)]
    [InlineData("reports/*.csv", "reports/", ".json", false)]
    [InlineData("b*", "backups/", "", true)]
    public void Key_Pattern_Overlaps_Filter_When_Some_Key_Matches_Both(string pattern, string prefix, string suffix, bool expected)
    {
        // Arrange, Act
        var overlaps = S3TriggerAnalysis.Overlaps(pattern, prefix, suffix);

        // Assert
        Assert.Equal(expected, overlaps);
    }
}
