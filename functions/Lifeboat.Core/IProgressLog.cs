namespace Lifeboat.Core;

/// <summary>Where the domain reports what it is doing: the Lambda log in AWS, the console in the sandbox.</summary>
public interface IProgressLog
{
    void Info(string message);

    /// <summary>An EMF line (<see cref="Metrics.Emf"/>): written on its own line, where CloudWatch Logs extracts it.</summary>
    void Metric(string emfLine) => Info(emfLine);
}

public sealed class ConsoleProgressLog : IProgressLog
{
    public void Info(string message) => Console.Error.WriteLine(message);

    public void Metric(string emfLine) => Console.Out.WriteLine(emfLine);
}
