using System.Reflection;
using System.Text.Json;
using Xunit;

namespace Lifeboat.Tests.Aws;

/// <summary>Assertions shared by the SSM and Step Functions contract tests.</summary>
internal static class WireContract
{
    /// <summary>What the client sent for <paramref name="operation"/> is what the model describes.</summary>
    public static void AssertRequest(AwsServiceModel model, string operation, CapturedRequest request, Type requestType)
    {
        Assert.True(model.HasOperation(operation), $"{operation} is not in the model");
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/", request.Uri.AbsolutePath);
        Assert.Equal($"{model.Metadata("targetPrefix")}.{operation}", request.Headers["X-Amz-Target"]);
        Assert.Equal($"application/x-amz-json-{model.Metadata("jsonVersion")}", request.Headers["Content-Type"]);
        Assert.Empty(ShapeChecker.CheckJson(model, model.InputShape(operation), request.Json, requireRequired: true));
        Assert.Empty(ShapeChecker.CheckType(model, model.InputShape(operation), requestType, WireDirection.Request));
    }

    /// <summary>The fixture is a valid answer per the model, and every member the client reads is in the model.</summary>
    public static void AssertResponse(AwsServiceModel model, string operation, string fixtureJson, Type responseType)
    {
        using var fixture = JsonDocument.Parse(fixtureJson);
        Assert.Empty(ShapeChecker.CheckJson(model, model.OutputShape(operation), fixture.RootElement, requireRequired: true));
        Assert.Empty(ShapeChecker.CheckType(model, model.OutputShape(operation), responseType, WireDirection.Response));
    }

    public static void AssertOperationIsJsonPost(AwsServiceModel model, string operation)
    {
        Assert.True(model.HasOperation(operation), $"{operation} is not in the model");
        var http = model.Operation(operation).GetProperty("http");
        Assert.Equal("POST", http.GetProperty("method").GetString());
        Assert.Equal("/", http.GetProperty("requestUri").GetString());
    }

    public static IReadOnlyList<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal)
            .ToList();
}
