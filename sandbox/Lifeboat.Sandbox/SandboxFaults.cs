namespace Lifeboat.Sandbox;

/// <summary>
/// Faults a test switches on in a running sandbox: a file per fault under <c>faults/</c>, read by the stand-ins at the
/// moment they act, so no restart is needed.
/// </summary>
public static class SandboxFaults
{
    /// <summary>Restore targets launched while this is on never register with SSM (no instance profile, no route to SSM).</summary>
    public const string RestoreTargetNeverOnline = "restore-target-never-online";

    /// <summary>The S3 stand-in answers 503 SlowDown to every ranged GET that does not start at byte 0: S3 throttling a download after its first part.</summary>
    public const string S3RangedGetsThrottled = "s3-ranged-gets-throttled";

    public static string Dir(SandboxLayout layout) => Path.Combine(layout.Root, "faults");

    public static bool IsOn(SandboxLayout layout, string fault) => File.Exists(Path.Combine(Dir(layout), fault));

    public static void Set(SandboxLayout layout, string fault, bool on)
    {
        var file = Path.Combine(Dir(layout), fault);
        if (on)
        {
            Directory.CreateDirectory(Dir(layout));
            File.WriteAllText(file, "");
        }
        else
        {
            File.Delete(file);
        }
    }
}
