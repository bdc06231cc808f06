using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VodFunctions.Functions.Hosting;
using VodFunctions.Functions.Tests.Alibaba;

namespace VodFunctions.Functions.Tests.Hosting;

/// <summary>
/// The app's build output started by a test host the way the Azure Functions host starts it (FunctionRpc over gRPC,
/// HTTP proxied with <c>x-ms-invocation-id</c>), next to the same app run standalone on the same storage: both
/// hostings list the same functions, delete the same way and answer the same JSON.
/// </summary>
public sealed class FunctionsHostTests(FunctionsHostTests.Hostings hostings) : IClassFixture<FunctionsHostTests.Hostings>
{
    /// <summary>One standalone app and one worker under the test host, on one storage reached through a table fault proxy.</summary>
    public sealed class Hostings : IAsyncLifetime
    {
        public static readonly string WorkerDll = Path.Combine(Repository.Root, "src", "VodFunctions.Functions", "bin",
            typeof(Hostings).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration, "net10.0", "VodFunctions.Functions.dll");

        public TableFaultProxy Proxy { get; private set; } = null!;
        public TestApp Standalone { get; private set; } = null!;
        public FunctionsHost Host { get; private set; } = null!;

        /// <summary>The worker's app settings: the standalone app's, as environment variables.</summary>
        public Dictionary<string, string> Settings { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Proxy = await TableFaultProxy.StartAsync(TestStorage.ConnectionString);
            Standalone = await TestApp.StartAsync(new Dictionary<string, string?>(AlibabaClients.KeyIds) { ["AzureWebJobsStorage"] = Proxy.ConnectionString });
            Settings = Standalone.Settings.Where(s => s.Value is not null).ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value!);
            Settings["Logging__LogLevel__Default"] = "Warning";
            Host = await FunctionsHost.StartAsync(WorkerDll, Settings);
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            await Standalone.DisposeAsync();
            await Proxy.DisposeAsync();
        }
    }

    private TestApp Standalone => hostings.Standalone;
    private FunctionsHost Host => hostings.Host;

    /// <summary>The same request through the host to the worker: its status and JSON, and the invocation's outcome.</summary>
    private async Task<(ApiResponse Response, InvocationOutcome? Invocation)> ThroughHostAsync(
        HttpMethod method, string path, string? body = null, string? key = TestApp.AdminKey)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        using var answer = await Host.SendAsync(request);
        var text = await answer.Response.Content.ReadAsStringAsync();
        var json = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
        var requestId = answer.Response.Headers.TryGetValues("x-request-id", out var ids) ? ids.First() : null;
        return (new ApiResponse((int)answer.Response.StatusCode, json, requestId), answer.Invocation);
    }

    private async Task<ApiResponse> StandaloneAsync(HttpMethod method, string path, string? body = null, string? key = TestApp.AdminKey)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        return await Standalone.SendAsync(request);
    }

    /// <summary>An answer's JSON without its RequestId (new per request), with <paramref name="ids"/> replaced by their placeholders.</summary>
    private static string Comparable(ApiResponse response, params (string Id, string Placeholder)[] ids)
    {
        response.Str("RequestId").Should().Be(response.RequestId, "the x-request-id header is the body's RequestId");
        var body = JsonNode.Parse(response.Json.GetRawText())!.AsObject();
        body.Remove("RequestId");
        var text = $"{response.Status} {body.ToJsonString()}";
        foreach (var (id, placeholder) in ids) text = text.Replace(id, placeholder, StringComparison.Ordinal);
        return text;
    }

    [Fact]
    public async Task TheFunctionsTheWorkerReportsAreTheStandaloneRoutesAndSchedules()
    {
        var endpoints = Standalone.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var standalone = WorkerFunction.All.Select(f => f.Timer is not null
            ? $"{f.Name} timerTrigger {f.Timer.Schedule}"
            : f.Queue is not null ? $"{f.Name} queueTrigger {f.Queue.QueueName}"
            : endpoints.Single(e => e.DisplayName == f.Name) is var endpoint
                ? $"{f.Name} httpTrigger {endpoint.RoutePattern.RawText} {string.Join(",", endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)}"
                : "");

        var reported = Host.Functions.Select(f => f.IsHttp
            ? $"{f.Name} httpTrigger {string.Join("/", new[] { Host.RoutePrefix, f.Route }.Where(p => p!.Length > 0))} {string.Join(",", f.Methods)}"
            : $"{f.Name} {f.Trigger.Type} {f.Trigger.Property("schedule") ?? f.Trigger.Property("queueName")}");

        reported.Should().BeEquivalentTo(standalone);
        Host.Functions.Should().HaveCount(WorkerFunction.All.Count).And.Contain(f => f.Name == "DeleteVideo").And.Contain(f => f.Name == "ReconcileStorage");
        Host.Functions.Should().AllSatisfy(f => f.EntryPoint.Should().StartWith("VodFunctions.Functions."));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task DeleteVideoThroughTheHostDeletesWhatItDeletesStandaloneAndAnswersTheSameJson()
    {
        var (viaHost, viaStandalone, bystander) = (await Standalone.SeedVideoAsync(), await Standalone.SeedVideoAsync(), await Standalone.SeedVideoAsync());
        var missing = Guid.NewGuid().ToString("N");
        var otherApp = await Standalone.SeedVideoAsync(appId: TestApp.OtherApp);
        string Body(SeededVideo video) => JsonSerializer.Serialize(new { VideoIds = new[] { video.VideoId, missing, otherApp.VideoId } });
        var blobsBefore = (await Standalone.ListBlobsAsync(viaHost.Folder)).Count;

        var (hostAnswer, invocation) = await ThroughHostAsync(HttpMethod.Post, "/api/DeleteVideo", Body(viaHost), TestApp.FullKey);
        var standaloneAnswer = await StandaloneAsync(HttpMethod.Post, "/api/DeleteVideo", Body(viaStandalone), TestApp.FullKey);

        invocation!.Status.Should().Be(InvocationStatus.Success, invocation.ToString());
        hostAnswer.Status.Should().Be(200, hostAnswer.ToString());
        Comparable(hostAnswer, (viaHost.VideoId, "video")).Should().Be(Comparable(standaloneAnswer, (viaStandalone.VideoId, "video")));
        hostAnswer["ForbiddenVideoIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(otherApp.VideoId);
        blobsBefore.Should().BeGreaterThan(10);
        (await Standalone.ListBlobsAsync(viaHost.Folder)).Should().BeEmpty();
        (await Standalone.ListBlobsAsync(viaStandalone.Folder)).Should().BeEmpty();
        (await Standalone.ListBlobsAsync(bystander.Folder)).Should().HaveCount(blobsBefore, "nothing else is deleted");
        (await Standalone.ListBlobsAsync(otherApp.Folder)).Should().HaveCount(blobsBefore, "another application's video is forbidden, not deleted");
        var events = (await Standalone.DrainEventsAsync()).Where(e => e.Prop("MediaId") == viaHost.VideoId || e.Prop("MediaId") == viaStandalone.VideoId).ToList();
        events.Select(e => (e.Prop("Status"), e.Prop("DeleteType"), e.Int("DeletedFiles"))).Should().Equal(
            Enumerable.Repeat(("success", "all", blobsBefore), 2));
        (await ThroughHostAsync(HttpMethod.Post, "/api/GetVideoInfo", JsonSerializer.Serialize(new { viaStandalone.VideoId }))).Response.Code
            .Should().Be("InvalidVideo.NotFound", "the host's worker reads what the standalone app deleted");
    }

    public static TheoryData<string, string, string?, string?> BadRequests => new()
    {
        { "POST", "/api/DeleteVideo", "{not json", TestApp.AdminKey },
        { "POST", "/api/DeleteVideo", """{"VideoIds": "a,b", "videoids": "c"}""", TestApp.AdminKey },
        { "POST", "/api/DeleteVideo", """{"VideoIds": []}""", TestApp.AdminKey },
        { "POST", "/api/DeleteVideo", "{}", null },
        { "POST", "/api/DeleteVideo", "{}", "no-such-key" },
        { "POST", "/api/DeleteVideo", """{"VideoIds": "x"}""", TestApp.ReadOnlyKey },
        { "POST", "/api/DeleteVideo?VideoIds=" + string.Join(",", Enumerable.Range(0, 21)), null, TestApp.AdminKey },
        { "POST", "/api/GetVideoInfo", """{"VideoId": "0123456789abcdef0123456789abcdef"}""", TestApp.AdminKey },
        { "POST", "/api/NoSuchOperation", "{}", TestApp.AdminKey },
        { "GET", "/api/DeleteVideo", null, TestApp.AdminKey },
        { "POST", "/api/DeleteMezzanines", """{"VideoIds": "0123456789abcdef0123456789abcdef", "Frce": true}""", TestApp.AdminKey },
        { "GET", "/api/health?Verbose=true", null, null },
        { "POST", "/api/DeleteVideo", "{\"VideoIds\": \"" + new string('a', 1024 * 1024) + "\"}", TestApp.AdminKey },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task ABadRequestAnswersTheSameJsonErrorThroughTheHost(string method, string path, string? body, string? key)
    {
        var (hostAnswer, _) = await ThroughHostAsync(new HttpMethod(method), path, body, key);
        var standaloneAnswer = await StandaloneAsync(new HttpMethod(method), path, body, key);

        hostAnswer.Status.Should().BeInRange(400, 499, hostAnswer.ToString());
        hostAnswer.Code.Should().NotBeNullOrEmpty();
        Comparable(hostAnswer).Should().Be(Comparable(standaloneAnswer));
    }

    [Theory]
    [InlineData("/api/openapi.json", "application/json")]
    [InlineData("/api/reference/", "text/html")]
    [InlineData("/api/reference/reference.js", "text/javascript")]
    public async Task TheReferenceIsServedThroughTheHostAsStandalone(string path, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var viaHost = await Host.SendAsync(request);
        using var viaStandalone = await Standalone.Client.GetAsync(path);

        ((int)viaHost.Response.StatusCode).Should().Be(200, viaHost.Invocation?.ToString());
        viaHost.Response.Content.Headers.ContentType!.MediaType.Should().Be(contentType);
        (await viaHost.Response.Content.ReadAsStringAsync()).Should().Be(await viaStandalone.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AStorageFaultAnswersTheSameJsonErrorThroughTheHostAndARetryFinishesTheDelete()
    {
        var (viaHost, viaStandalone) = (await Standalone.SeedVideoAsync(), await Standalone.SeedVideoAsync());
        string Body(SeededVideo video) => JsonSerializer.Serialize(new { VideoIds = new[] { video.VideoId } });

        hostings.Proxy.Failing = true;
        ApiResponse hostFault, standaloneFault;
        try
        {
            (hostFault, _) = await ThroughHostAsync(HttpMethod.Post, "/api/DeleteVideo", Body(viaHost));
            standaloneFault = await StandaloneAsync(HttpMethod.Post, "/api/DeleteVideo", Body(viaStandalone));
        }
        finally
        {
            hostings.Proxy.Failing = false;
        }
        var (hostRetry, _) = await ThroughHostAsync(HttpMethod.Post, "/api/DeleteVideo", Body(viaHost));
        var standaloneRetry = await StandaloneAsync(HttpMethod.Post, "/api/DeleteVideo", Body(viaStandalone));

        (hostFault.Status, hostFault.Code).Should().Be((503, "DeleteVideoFailed"), hostFault.ToString());
        Comparable(hostFault).Should().Be(Comparable(standaloneFault));
        Comparable(hostRetry, (viaHost.VideoId, "video")).Should().Be(Comparable(standaloneRetry, (viaStandalone.VideoId, "video")));
        hostRetry.Status.Should().Be(200);
        (await Standalone.ListBlobsAsync(viaHost.Folder)).Should().BeEmpty();
        (await Standalone.ListBlobsAsync(viaStandalone.Folder)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("VodFunctions.Functions.Hosting.KeyStore, VodFunctions.Functions")] // fails inside the function's preamble
    [InlineData("VodFunctions.Core.Catalog.MediaReader, VodFunctions.Core")] // fails before it: the function's class cannot be made
    public async Task AnUnexpectedFailureIsTheContractsJson500ThroughTheHostNeverAnEmpty200(string brokenService)
    {
        var settings = new Dictionary<string, string>(hostings.Settings)
        {
            ["DOTNET_STARTUP_HOOKS"] = Path.Combine(AppContext.BaseDirectory, "VodFunctions.BrokenServiceHook.dll"),
            ["VOD_BROKEN_SERVICES"] = brokenService,
        };
        await using var broken = await FunctionsHost.StartAsync(Hostings.WorkerDll, settings);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/GetVideoInfo")
        {
            Content = new StringContent("""{"VideoId": "0123456789abcdef0123456789abcdef"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", TestApp.AdminKey);

        using var answer = await broken.SendAsync(request);

        var text = await answer.Response.Content.ReadAsStringAsync();
        ((int)answer.Response.StatusCode).Should().Be(500, $"{text}\n{answer.Invocation}\n{broken.Output}");
        var json = JsonDocument.Parse(text).RootElement;
        json.GetProperty("Code").GetString().Should().Be("InternalError");
        json.GetProperty("RequestId").GetString().Should().Be(answer.Response.Headers.GetValues("x-request-id").Single());
        json.GetProperty("Message").GetString().Should().NotContain("broken");
    }

    [Fact]
    public async Task ATimerInvocationWithIsPastDueRunsAndIsRecorded()
    {
        var last = DateTime.UtcNow.AddMinutes(-30);
        var outcome = await Host.InvokeTimerAsync("ReconcileStorage", isPastDue: true, new TimerStatus(last, last.AddMinutes(15), last));

        outcome.Status.Should().Be(InvocationStatus.Success, outcome.ToString());
        var (runs, _) = await ThroughHostAsync(HttpMethod.Post, "/api/ListFunctionRuns", """{"FunctionName": "ReconcileStorage", "PageSize": 1}""");
        var run = runs["Runs"].EnumerateArray().Should().ContainSingle().Subject;
        (run.Prop("Trigger"), run.GetProperty("IsPastDue").GetBoolean(), run.Prop("Status")).Should().Be(("Schedule", true, "Completed"));
        run.TryGetProperty("EndTime", out _).Should().BeTrue("the invocation ended when the run did");
    }

    [Fact]
    public async Task TheRootReachesTheWorkerThroughTheHostAsVodsSignedEndpointAndStillLeadsPeopleToTheConsole()
    {
        await using var door = await HostFrontDoor.StartAsync(Host);
        var (doomed, other, kept) = (await Standalone.SeedVideoAsync(), await Standalone.SeedVideoAsync(appId: TestApp.OtherApp), await Standalone.SeedVideoAsync());
        var blobs = (await Standalone.ListBlobsAsync(kept.Folder)).Count;
        AlibabaCall Full(string action, object parameters) => new(action, parameters) { AccessKeyId = AlibabaClients.FullId, AccessKeySecret = TestApp.FullKey };

        var answers = await AlibabaClients.CallAllAsync(door.Address,
            Full("GetVideoInfo", new { doomed.VideoId }) with { Client = "openapi" },
            Full("DeleteVideo", new { VideoIds = $"{doomed.VideoId},{other.VideoId}" }) with { Method = "POST", Replay = true },
            Full("DeleteVideo", new { VideoIds = kept.VideoId }) with { AccessKeySecret = TestApp.AdminKey });
        using var redirect = await Host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        answers[0].Status.Should().Be(200, answers[0].ToString());
        answers[0].Body.GetProperty("Video").GetProperty("VideoId").GetString().Should().Be(doomed.VideoId);
        answers[1].Status.Should().Be(200, answers[1].ToString());
        answers[1].Body.GetProperty("ForbiddenVideoIds").EnumerateArray().Select(e => e.GetString()).Should().Equal(other.VideoId);
        (answers[1].Replayed!.Status, answers[1].Replayed!.Code).Should().Be((400, "SignatureNonceUsed"));
        (answers[2].Status, answers[2].Code).Should().Be((400, "SignatureDoesNotMatch"), answers[2].ToString());
        answers[2].Body.GetProperty("HostId").GetString().Should().Be(door.Address.Authority, "the host forwards the address the caller used");
        (await Standalone.ListBlobsAsync(doomed.Folder)).Should().BeEmpty();
        (await Standalone.ListBlobsAsync(other.Folder)).Should().HaveCount(blobs);
        (await Standalone.ListBlobsAsync(kept.Folder)).Should().HaveCount(blobs);
        ((int)redirect.Response.StatusCode, redirect.Response.Headers.Location?.OriginalString).Should().Be((302, "/api/console/"), redirect.Invocation?.ToString());
    }
}
