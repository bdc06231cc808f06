using System.Reflection;
using System.Text.Json;
using Cronos;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Tests;

/// <summary>
/// The <c>functions.metadata</c> the Worker SDK writes at build is the one list of functions the Azure Functions host
/// reads: every function's trigger, methods, route and schedule, and the same list the standalone app maps and schedules.
/// </summary>
public sealed class FunctionMetadataTests
{
    private static readonly string[] Operations =
    [
        "CreateUploadVideo", "CreateUploadImage", "CreateUploadAttachedMedia", "CompleteUpload", "RegisterMediaFiles",
        "GetVideoInfo", "GetPlayInfo", "GetMezzanineInfo", "GetImageInfo", "ListSnapshots", "GetAttachedMediaInfo", "SearchMedia",
        "DeleteVideo", "DeleteStream", "DeleteMezzanines", "DeleteImage", "DeleteAttachedMedia", "DeleteMultipartUpload",
        "SetMediaPolicy", "ListMediaPolicies", "DeleteMediaPolicy", "PreviewMediaPolicy", "ListMediaPolicyRuns",
        "ListFunctionRuns", "GetReconcileReport",
    ];

    private static readonly string[] Timers = ["ApplyMediaPolicies", "ReconcileStorage", "EmptyRecycleBin", "PurgeAuditLog"];

    /// <summary>The metadata of the function app's build (the configuration these tests were built in).</summary>
    private static readonly Dictionary<string, JsonElement> Metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(
            Repository.Root, "src", "VodFunctions.Functions", "bin",
            typeof(FunctionMetadataTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration, "net10.0", "functions.metadata")))
        .RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);

    private static JsonElement Trigger(string function) =>
        Metadata[function].GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    private static string[] Methods(JsonElement trigger) => trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToArray();

    private static string? Route(JsonElement trigger) => trigger.TryGetProperty("route", out var route) ? route.GetString() : null;

    [Fact]
    public void EveryOperationIsAPostHttpTriggerRoutedByItsNameAndCheckedByTheAppsOwnKeys()
    {
        foreach (var name in Operations)
        {
            var trigger = Trigger(name);
            trigger.GetProperty("type").GetString().Should().Be("httpTrigger", name);
            Methods(trigger).Should().Equal(["post"], name);
            Route(trigger).Should().Be($"api/{name}", "{0} is routed by its name under /api", name);
            trigger.GetProperty("authLevel").GetString().Should().BeEquivalentTo("anonymous", "the app checks its own keys, roles and applications");
            Metadata[name].GetProperty("bindings").EnumerateArray().Should().ContainSingle(b => b.GetProperty("type").GetString() == "http"
                && b.GetProperty("direction").GetString() == "Out", name);
        }
    }

    [Theory]
    [InlineData("health", "api/health", new[] { "get" })]
    [InlineData("console", "api/console/{*path}", new[] { "get" })]
    [InlineData("reference", "api/reference/{*path}", new[] { "get" })]
    [InlineData("openapi", "api/openapi.json", new[] { "get" })]
    [InlineData("GetThumbnail", "api/GetThumbnail", new[] { "get", "post" })]
    [InlineData("UnknownRoute", "api/{*path}", new[] { "get", "post", "put", "patch", "delete", "head", "options" })]
    [InlineData("Root", "{*path}", new[] { "get", "post", "put", "patch", "delete", "head", "options" })]
    public void TheOtherHttpFunctionsHaveTheirRoutesAndMethods(string name, string? route, string[] methods)
    {
        var trigger = Trigger(name);

        (trigger.GetProperty("type").GetString(), Route(trigger)).Should().Be(("httpTrigger", route));
        Methods(trigger).Should().Equal(methods);
        trigger.GetProperty("authLevel").GetString().Should().BeEquivalentTo("anonymous");
    }

    [Fact]
    public void TimerFunctionsTakeTheirSchedulesFromTheVodSchedulesSettings()
    {
        var defaults = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Repository.Root, "src", "VodFunctions.Functions", "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Vod__Schedules__ReconcileStorage"] = "0 */5 * * * *" })
            .Build();
        foreach (var name in Timers)
        {
            var trigger = Trigger(name);
            trigger.GetProperty("type").GetString().Should().Be("timerTrigger");
            trigger.GetProperty("schedule").GetString().Should().Be($"%Vod__Schedules__{name}%");
            (trigger.TryGetProperty("useMonitor", out var monitor) ? monitor.GetBoolean() : true).Should().BeTrue("missed runs are caught up");
            (trigger.TryGetProperty("runOnStartup", out var onStartup) && onStartup.GetBoolean()).Should().BeFalse();
        }

        // Without the host, the setting is read by its own name or its colon form, else the app's default.
        WorkerFunction.Resolve("%Vod__Schedules__ApplyMediaPolicies%", defaults).Should().Be("0 0 3 * * *");
        WorkerFunction.Resolve("%Vod__Schedules__ReconcileStorage%", defaults).Should().Be("0 */5 * * * *");
        foreach (var name in Timers)
            CronExpression.Parse(WorkerFunction.Resolve($"%Vod__Schedules__{name}%", defaults)!, CronFormat.IncludeSeconds).Should().NotBeNull();
    }

    [Fact]
    public void TheCallbackFunctionIsAQueueTriggerOnTheVodCallbackQueueSetting()
    {
        var trigger = Trigger("DeliverCallback");

        (trigger.GetProperty("type").GetString(), trigger.GetProperty("queueName").GetString()).Should().Be(("queueTrigger", "%Vod__Callback__Queue%"));
        (trigger.GetProperty("dataType").GetString(), trigger.TryGetProperty("connection", out _)).Should().Be(("String", false), "the queue is in AzureWebJobsStorage");
        WorkerFunction.QueueFunctions.Select(f => f.Name).Should().Equal("DeletePolicyWork", "DeliverCallback");
        var defaults = new ConfigurationBuilder().AddJsonFile(Path.Combine(Repository.Root, "src", "VodFunctions.Functions", "appsettings.json")).Build();
        WorkerFunction.Resolve("%Vod__Callback__Queue%", defaults).Should().Be("vod-callbacks");
    }

    [Fact]
    public void ThePolicyWorkFunctionIsAQueueTriggerOnTheVodPoliciesQueueSetting()
    {
        var trigger = Trigger("DeletePolicyWork");

        (trigger.GetProperty("type").GetString(), trigger.GetProperty("queueName").GetString()).Should().Be(("queueTrigger", "%Vod__Policies__Queue%"));
        (trigger.GetProperty("dataType").GetString(), trigger.TryGetProperty("connection", out _)).Should().Be(("String", false), "the queue is in AzureWebJobsStorage");
        var defaults = new ConfigurationBuilder().AddJsonFile(Path.Combine(Repository.Root, "src", "VodFunctions.Functions", "appsettings.json")).Build();
        WorkerFunction.Resolve("%Vod__Policies__Queue%", defaults).Should().Be("vod-policy-work");
    }

    [Fact]
    public async Task TheMetadataIsTheListTheStandaloneAppMapsAndSchedules()
    {
        await using var app = await TestApp.StartAsync();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        Metadata.Keys.Should().BeEquivalentTo(WorkerFunction.All.Select(f => f.Name));
        Metadata.Keys.Should().Contain(Operations).And.Contain(Timers);
        WorkerFunction.TimerFunctions.Select(f => f.Name).Should().BeEquivalentTo(Timers);
        foreach (var function in WorkerFunction.HttpFunctions)
        {
            var trigger = Trigger(function.Name);
            var endpoint = endpoints.Should().ContainSingle(e => e.DisplayName == function.Name).Subject;
            endpoint.RoutePattern.RawText.Should().Be(Route(trigger));
            endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Should().BeEquivalentTo(Methods(trigger).Select(m => m.ToUpperInvariant()));
        }
    }

    [Fact]
    public void TheHostRoutePrefixIsEmptySoThatTheRootReachesTheAppAndEveryOtherRouteIsUnderApi()
    {
        var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json"))).RootElement;

        host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString().Should().BeEmpty();
        Metadata.Values.Select(f => f.GetProperty("bindings").EnumerateArray().FirstOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger"))
            .Where(t => t.ValueKind == JsonValueKind.Object).Select(Route)
            .Should().OnlyContain(route => route!.StartsWith(Api.RoutePrefix + "/", StringComparison.Ordinal) || route == "{*path}")
            .And.ContainSingle(route => route == "{*path}", "only the root's catch-all is outside /api");
        host.TryGetProperty("customHandler", out _).Should().BeFalse();
        host.TryGetProperty("extensionBundle", out _).Should().BeFalse(".NET isolated apps take their extensions from NuGet");
        Metadata.Values.Should().AllSatisfy(f => f.GetProperty("language").GetString().Should().Be("dotnet-isolated"));
    }
}
