using Lifeboat.Core;

namespace Lifeboat.Tests.Core;

internal sealed class RecordingLog : IProgressLog
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToList();
            }
        }
    }

    public void Info(string message)
    {
        lock (_gate)
        {
            _lines.Add(message);
        }
    }
}
