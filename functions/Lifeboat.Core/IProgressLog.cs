namespace Lifeboat.Core;

/// <summary>Where the domain reports what it is doing: the Lambda log in AWS, the console in the sandbox.</summary>
public interface IProgressLog
{
    void Info(string message);

    /// <summary>An EMF line (<see cref="Metrics.Emf"/>): written on its own line, where CloudWatch Logs extracts it.</summary>
    void Metric(string emfLine) => Info(emfLine);
}

/// <param name="deployment">The stack the Lambda belongs to: metrics also get a [Deployment] series (<see cref="Metrics.WithDeployment"/>).</param>
public sealed class ConsoleProgressLog(string? deployment = null) : IProgressLog
{
    public void Info(string message) => Console.Error.WriteLine(message);

    public void Metric(string emfLine) => Console.Out.WriteLine(deployment is null ? emfLine : Metrics.WithDeployment(emfLine, deployment));
}
