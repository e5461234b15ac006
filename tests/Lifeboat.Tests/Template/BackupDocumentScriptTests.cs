using System.Text.RegularExpressions;
using Xunit;

namespace Lifeboat.Tests.Template;

/// <summary>
/// The helper functions of ssm/backup.yaml's script, run with bash as the document defines them: the byte counts the
/// manifest takes from zstd's report, and the choice of the SHA-256 tool.
/// </summary>
public sealed partial class BackupDocumentScriptTests
{
    [Theory]
    [InlineData("zstd-1.5.4-vv.log", "67543861 50907109")]
    [InlineData("zstd-1.4.4-v.log", "67543861 50907109")]
    [InlineData("zstd-broken-pipe.log", "")]
    public void Zstd_Sizes_Reads_The_Raw_And_Compressed_Byte_Counts_Of_Either_Report_Format(string log, string expected)
    {
        // Arrange
        var file = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Template", "zstd", log);

        // Act
        var result = RunWithFunction("zstd_sizes", $"zstd_sizes '{file}'");

        // Assert
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(expected, result.Stdout.Trim());
    }

    [Fact]
    public void Pick_Hasher_Takes_OpenSsl_When_It_Computes_A_Known_Digest()
    {
        // Act
        var result = RunWithFunction("pick_hasher", "pick_hasher && echo \"${hasher[*]}\"");

        // Assert
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal("openssl dgst -sha256 -r", result.Stdout.Trim());
    }

    [Fact]
    public void Pick_Hasher_Falls_Back_To_Sha256sum_When_OpenSsl_Gets_The_Known_Digest_Wrong()
    {
        // Arrange: an openssl that answers, but not with SHA-256 (a FIPS-restricted or broken build).
        const string brokenOpenSsl = "openssl() { echo 'deadbeef *stdin'; }";

        // Act
        var result = RunWithFunction("pick_hasher", $"{brokenOpenSsl}; pick_hasher && echo \"${{hasher[*]}}\"");

        // Assert
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal("sha256sum", result.Stdout.Trim());
    }

    [Fact]
    public void Both_Hashers_Print_The_Digest_First_As_The_Document_Reads_It()
    {
        // Arrange: the document takes the first space-separated field of the tool's output as the SHA-256.
        const string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

        // Act
        var openssl = Repo.Run("bash", ["-c", "printf abc | openssl dgst -sha256 -r | cut -d ' ' -f 1"]);
        var sha256sum = Repo.Run("bash", ["-c", "printf abc | sha256sum | cut -d ' ' -f 1"]);

        // Assert
        Assert.Equal(abc, openssl.Stdout.Trim());
        Assert.Equal(abc, sha256sum.Stdout.Trim());
    }

    /// <summary>Runs <paramref name="command"/> in bash after the document's own definition of <paramref name="function"/>.</summary>
    private static ProcessResult RunWithFunction(string function, string command)
    {
        var text = File.ReadAllText(Repo.Path("ssm/backup.yaml"));
        var definition = FunctionDefinition().Matches(text).SingleOrDefault(m => m.Groups["name"].Value == function)
            ?? throw new InvalidOperationException($"ssm/backup.yaml defines no function {function}()");
        return Repo.Run("bash", ["-euo", "pipefail", "-c", $"{definition.Value}\n{command}"]);
    }

    /// <summary>A function defined in the script: on one line, or up to the closing brace at its own indentation.</summary>
    [GeneratedRegex(@"^(?<indent> *)(?<name>[a-z_]+)\(\) \{(?:[^\n]*\}$|.*?^\k<indent>\}$)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FunctionDefinition();
}
