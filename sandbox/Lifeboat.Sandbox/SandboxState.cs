using System.Text.Json;

namespace Lifeboat.Sandbox;

/// <summary>What a running sandbox consists of: every process it started (by PID) and every database "instance".</summary>
public sealed class SandboxState
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public List<ProcessEntry> Processes { get; set; } = [];
    public List<InstanceEntry> Instances { get; set; } = [];

    public static SandboxState Load(SandboxLayout layout) =>
        File.Exists(layout.StateFile)
            ? JsonSerializer.Deserialize<SandboxState>(File.ReadAllText(layout.StateFile), Options) ?? new SandboxState()
            : new SandboxState();

    public void Save(SandboxLayout layout)
    {
        Directory.CreateDirectory(layout.Root);
        var temp = layout.StateFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Options));
        File.Move(temp, layout.StateFile, overwrite: true);
    }

    public InstanceEntry Instance(string nameOrId) =>
        Instances.FirstOrDefault(i => i.Name == nameOrId || i.InstanceId == nameOrId)
        ?? throw new ArgumentException($"no sandbox instance '{nameOrId}'; known: {string.Join(", ", Instances.Select(i => i.Name))}");

    public ProcessEntry? Process(string name) => Processes.FirstOrDefault(p => p.Name == name);
}

public sealed record ProcessEntry(string Name, int Pid, string Log);

/// <summary>A sandbox stand-in for an EC2 instance running MariaDB: its own datadir, port, socket and home.</summary>
public sealed record InstanceEntry
{
    public required string Name { get; init; }
    public required string InstanceId { get; init; }
    public required string Role { get; init; }
    public required int Port { get; init; }
    public required string Dir { get; init; }
    public int Pid { get; init; }
    public Dictionary<string, string> Tags { get; init; } = [];
    public int ServerId { get; init; }
    /// <summary>The OS user mariadbd runs as: mysql, or root when mysql cannot reach the sandbox folder (a 0700 parent).</summary>
    public string User { get; init; } = "mysql";
    /// <summary>False for a restore target whose SSM agent never registers (the <see cref="SandboxFaults.RestoreTargetNeverOnline"/> fault).</summary>
    public bool SsmOnline { get; init; } = true;
    /// <summary>A restore target's disk: the size of the tmpfs mounted on <see cref="Dir"/>, so df and ENOSPC are real; 0 when none could be mounted.</summary>
    public long DiskBytes { get; init; }

    public string DataDir => Path.Combine(Dir, "data");
    public string Socket => Path.Combine(Dir, "mysqld.sock");
    public string Home => Path.Combine(Dir, "home");
    /// <summary>A restore target's /etc/lifeboat: the restore-target.conf its launch template writes.</summary>
    public string EtcDir => Path.Combine(Dir, "etc");
    public string Log => Path.Combine(Dir, "mysqld.log");
}
