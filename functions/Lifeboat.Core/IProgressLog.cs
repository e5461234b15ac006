namespace Lifeboat.Core;

/// <summary>Where the domain reports what it is doing: the Lambda log in AWS, the console in the sandbox.</summary>
public interface IProgressLog
{
    void Info(string message);
}

public sealed class ConsoleProgressLog : IProgressLog
{
    public void Info(string message) => Console.Error.WriteLine(message);
}
