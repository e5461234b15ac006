using System.Net;

namespace Lifeboat.Aws.Protocol;

/// <summary>An error answered by an AWS service, identified by its error name (e.g. "InvalidInstanceId").</summary>
public sealed class AwsServiceException : Exception
{
    public AwsServiceException(
        string service,
        string operation,
        string errorCode,
        string message,
        HttpStatusCode statusCode,
        string? requestId)
        : base(message)
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        StatusCode = statusCode;
        RequestId = requestId;
    }

    /// <summary>The service's model serviceId, e.g. "SSM" or "SFN".</summary>
    public string Service { get; }

    public string Operation { get; }

    /// <summary>The error shape name without namespace or URI suffix.</summary>
    public string ErrorCode { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The x-amzn-RequestId header, for AWS support cases.</summary>
    public string? RequestId { get; }

    public override string ToString() =>
        $"{Service} {Operation} failed with {ErrorCode} (HTTP {(int)StatusCode}, request {RequestId ?? "n/a"}): {Message}";
}
