using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lifeboat.Sandbox;

/// <summary>
/// The sandbox's long-running process on 127.0.0.1: Lambda invocations from the Step Functions runner, S3
/// notifications from the S3 stand-in, the SSM JSON protocol for the functions' Run Command calls, and the query
/// protocol's CloudFormation DescribeStacks and CloudWatch DescribeAlarms for <c>./run ops --stack</c>.
/// </summary>
public static class SandboxHost
{
    public static async Task RunAsync(SandboxLayout layout, CancellationToken cancellationToken)
    {
        var template = SamTemplate.Load(layout, SandboxParameters.Values);
        void Log(string message) => Console.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {message}");
        var lambdas = new LambdaHost(layout, template, Log);
        var dispatcher = new S3EventDispatcher(lambdas, ReplicationStandIn.For(layout, SandboxParameters.Values, Log), Log);
        var ssm = new SsmAgent(layout, template, Log);
        var ec2 = new Ec2StandIn(layout, Log);
        var events = new EventRouter(template, lambdas, layout.StepFunctionsClient, Log);
        var states = new StatesIntegration(layout, Log);
        var cloudFormation = new CloudFormationStandIn(template);
        var cloudWatch = new CloudWatchStandIn(new SandboxAlarms(layout, template));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(layout.HostUrl);
        var app = builder.Build();

        app.MapGet("/health", () => Results.Text("ok"));
        app.MapPost("/lambda/{name}", async (string name, HttpRequest request, HttpResponse response) =>
        {
            var payload = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync();
            var result = await lambdas.InvokeAsync(name, payload);
            if (result.Failed)
            {
                response.Headers["X-Amz-Function-Error"] = "Unhandled";
            }
            response.ContentType = "application/json";
            await response.WriteAsync(result.Body);
        });
        app.MapPost("/sdk/ec2/{action}", async (string action, HttpRequest request, HttpResponse response) =>
        {
            response.ContentType = "application/json";
            try
            {
                var body = await JsonNode.ParseAsync(request.Body) ?? new JsonObject();
                await response.WriteAsync(ec2.Handle(action, body).ToJsonString());
            }
            catch (SdkException e)
            {
                Log($"ec2 {action}: {e.ErrorType}: {e.Message}");
                response.StatusCode = 400;
                await response.WriteAsync(new JsonObject { ["errorType"] = e.ErrorType, ["errorMessage"] = e.Message }.ToJsonString());
            }
        });
        app.MapPost("/events", async (HttpRequest request) =>
        {
            var delivered = await events.RouteAsync(await JsonNode.ParseAsync(request.Body) ?? new JsonObject());
            return Results.Json(new { delivered });
        });
        app.MapPost("/sdk/states/{action}", async (string action, HttpRequest request, HttpResponse response) =>
        {
            response.ContentType = "application/json";
            var body = await JsonNode.ParseAsync(request.Body) ?? new JsonObject();
            var (status, result) = await states.HandleAsync(action, body);
            response.StatusCode = status;
            await response.WriteAsync(result.ToJsonString());
        });
        app.MapPost("/cloudformation", (HttpRequest request, HttpResponse response) =>
            AnswerQuery(request, response, CloudFormationStandIn.Ns, cloudFormation.Handle, Log));
        app.MapPost("/cloudwatch", (HttpRequest request, HttpResponse response) =>
            AnswerQuery(request, response, CloudWatchStandIn.Ns, cloudWatch.Handle, Log));
        app.MapPost("/s3-events", async (HttpRequest request) =>
        {
            await dispatcher.DispatchAsync(await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync());
            return Results.Ok();
        });
        app.MapPost("/", async (HttpRequest request, HttpResponse response) =>
        {
            var target = request.Headers["X-Amz-Target"].ToString();
            response.ContentType = "application/x-amz-json-1.1";
            if (!target.StartsWith("AmazonSSM.", StringComparison.Ordinal))
            {
                response.StatusCode = 400;
                await response.WriteAsync(Error("UnknownOperationException", $"unknown target '{target}'"));
                return;
            }
            try
            {
                var body = await JsonNode.ParseAsync(request.Body) ?? new JsonObject();
                await response.WriteAsync(ssm.Handle(target["AmazonSSM.".Length..], body).ToJsonString());
            }
            catch (SsmException e)
            {
                response.StatusCode = 400;
                await response.WriteAsync(Error(e.ErrorType, e.Message));
            }
            catch (Exception e)
            {
                Log($"ssm {target}: {e}");
                response.StatusCode = 500;
                await response.WriteAsync(Error("InternalServerError", e.Message));
            }
        });

        Log($"sandbox host listening on {layout.HostUrl} ({template.Functions.Count} functions, {template.Documents.Count} documents)");
        await app.StartAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
    }

    /// <summary>One AWS query-protocol call: the form in, the stand-in's XML (or its ErrorResponse) out.</summary>
    private static async Task AnswerQuery(
        HttpRequest request, HttpResponse response, System.Xml.Linq.XNamespace ns, Func<IReadOnlyDictionary<string, string>, string> handle, Action<string> log)
    {
        response.ContentType = "text/xml";
        var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        try
        {
            await response.WriteAsync(handle(form));
        }
        catch (QueryProtocolException e)
        {
            response.StatusCode = 400;
            await response.WriteAsync(QueryProtocol.Error(ns, e.Code, e.Message));
        }
        catch (Exception e)
        {
            log($"{request.Path} {form.GetValueOrDefault("Action")}: {e}");
            response.StatusCode = 500;
            await response.WriteAsync(QueryProtocol.Error(ns, "InternalFailure", e.Message));
        }
    }

    private static string Error(string type, string message) =>
        new JsonObject { ["__type"] = $"com.amazonaws.ssm#{type}", ["message"] = message }.ToJsonString();
}

/// <summary>The template parameters the sandbox deploys with.</summary>
public static class SandboxParameters
{
    public static IReadOnlyDictionary<string, string> Values { get; } = new Dictionary<string, string>
    {
        ["ClusterName"] = SandboxLayout.Cluster,
        ["BucketName"] = SandboxLayout.Bucket,
        // Short, so that the replica-lag alarm can fire within a test; backups refuse replicas further behind than this.
        ["MaxLagSeconds"] = "10",
        ["MinFreeDiskBytes"] = "104857600",
        ["CompressionLevel"] = "1",
        ["BackupSchedule"] = "cron(0 3 * * ? *)",
        ["BinlogShippingSchedule"] = "rate(1 minute)",
        // The template's defaults, so a scheduled run (and the benchmark's RPO) is the deployed one; the tests that want
        // one quick pass ask for it with "passes": 1.
        ["BinlogShippingPasses"] = "2",
        ["BinlogShippingPassIntervalSeconds"] = "30",
        ["BinlogSourceInstanceId"] = "",
        ["RetentionDays"] = "30",
        ["WeeklyTiers"] = "0",
        ["MonthlyTiers"] = "0",
        ["RetentionSchedule"] = "cron(30 4 * * ? *)",
        ["DrillSchedule"] = "cron(0 6 * * ? *)",
        ["RestoreInstanceType"] = "r6i.large",
        ["RestoreImageId"] = "ami-00000000000000000",
        ["RestoreSubnetId"] = "",
        ["MariaDbPackages"] = "mariadb-server mariadb-backup zstd",
        ["LogRetentionDays"] = "90",
        // Short, so that the shipping-lag alarm can fire and recover within a test.
        ["RpoSeconds"] = "20",
        ["AlarmEmail"] = "",
        ["AlarmTopicArn"] = "",
        // The off-site copy is on in the sandbox, so that replication (the S3 event dispatcher's stand-in) and restores
        // from the copy are exercised; the key is a placeholder, as s3rver does not encrypt.
        ["OffsiteBucketName"] = SandboxLayout.OffsiteBucket,
        ["OffsiteRegion"] = SandboxLayout.OffsiteRegion,
        ["OffsiteAccountId"] = "",
        ["OffsiteKmsKeyArn"] = $"arn:aws:kms:{SandboxLayout.OffsiteRegion}:{SandboxLayout.Account}:key/00000000-0000-0000-0000-000000000000",
    };
}
