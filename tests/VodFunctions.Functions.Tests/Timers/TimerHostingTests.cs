using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Functions.Hosting;
using VodFunctions.Functions.Timers;

namespace VodFunctions.Functions.Tests.Timers;

public sealed class TimerHostingTests
{
    // Timer payloads as the Azure Functions host sends them to a custom handler: ScheduleStatus null until the
    // schedule monitor has a status; PascalCase from the host, camelCase as the JavaScript and Python workers show it;
    // the binding's value as a JSON string.
    [Theory]
    [InlineData(TimerKit.HostPayload, false)]
    [InlineData("""{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2030-01-01T02:45:00.0031+00:00","Next":"2030-01-01T03:00:00+00:00","LastUpdated":"2030-01-01T02:45:00.0031+00:00"},"IsPastDue":true}},"Metadata":{"sys":{"MethodName":"ReconcileStorage","UtcNow":"2030-01-01T03:07:12.5Z","RandGuid":"9b0e3a51-2f43-4d4e-8a77-1c1f3c2a4e55"}}}""", true)]
    [InlineData("""{"data":{"timer":{"schedule":{"adjustForDST":true},"scheduleStatus":{"last":"2030-01-01T02:45:00+00:00","next":"2030-01-01T03:00:00+00:00","lastUpdated":"2030-01-01T02:45:00+00:00"},"isPastDue":false}},"metadata":{"sys":{"methodName":"ReconcileStorage","utcNow":"2030-01-01T03:00:00.01Z","randGuid":"0d8b7e3c-77b4-4f0e-b6c5-5c2d1e9f8a10"}}}""", false)]
    [InlineData("""{"Data":{"timer":"{\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":null,\"IsPastDue\":true}"},"Metadata":{}}""", true)]
    [InlineData("", false)]
    public async Task HostInvocationIsAnsweredWithTheCustomHandlerEnvelopeWhenTheRunIsOver(string payload, bool isPastDue)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.InvokeTimerAsync("ReconcileStorage", payload);

        response.Status.Should().Be(200, response.ToString());
        response.Json.EnumerateObject().Select(p => p.Name).Should().Equal("Outputs", "Logs", "ReturnValue");
        response["Outputs"].EnumerateObject().Should().BeEmpty();
        response["ReturnValue"].ValueKind.Should().Be(JsonValueKind.Null);
        response["Logs"].EnumerateArray().Select(l => l.GetString()).Should().Contain(l => l!.Contains("ReconcileStorage run") && l.Contains("Completed"));
        var lastRun = (await app.CallAsync("GetReconcileReport"))["LastRun"];
        (lastRun.Prop("Trigger"), lastRun.GetProperty("IsPastDue").GetBoolean(), lastRun.Prop("Status")).Should().Be(("Host", isPastDue, "Completed"));
    }

    [Fact]
    public async Task HostInvocationFromAnotherAddressNeedsAnAdminKey()
    {
        await using var app = await TestApp.StartAsync(configure: b => b.Services.AddSingleton<IStartupFilter>(new RemoteCaller(IPAddress.Parse("203.0.113.7"))));

        var none = await app.InvokeTimerAsync("ApplyMediaPolicies");
        var full = await app.InvokeTimerAsync("ApplyMediaPolicies", key: TestApp.FullKey);
        var admin = await app.InvokeTimerAsync("ApplyMediaPolicies", key: TestApp.AdminKey);

        (none.Status, none.Code).Should().Be((401, "Unauthorized"));
        (full.Status, full.Code).Should().Be((403, "Forbidden"));
        admin.Status.Should().Be(200, admin.ToString());
        (await app.CallAsync("ListMediaPolicyRuns"))["Runs"].GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task MalformedHostPayloadIsRefusedAndRunsNothing()
    {
        await using var app = await TestApp.StartAsync();

        var notJson = await app.InvokeTimerAsync("ApplyMediaPolicies", "{not json");
        var notObject = await app.InvokeTimerAsync("ApplyMediaPolicies", "[1,2]");

        (notJson.Status, notJson.Code).Should().Be((400, "InvalidParameter"));
        (notObject.Status, notObject.Code).Should().Be((400, "InvalidParameter"));
        (await app.CallAsync("ListMediaPolicyRuns"))["Runs"].GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task SchedulerIsOffUnderTheFunctionsHostAndOnWithoutIt()
    {
        await using var hosted = await TestApp.StartAsync(new Dictionary<string, string?> { [VodApp.CustomHandlerPort] = "0" });
        await using var local = await TestApp.StartAsync();

        hosted.Services.GetServices<IHostedService>().Should().NotContain(s => s is TimerScheduler).And.Contain(s => s is TimerRunner);
        local.Services.GetServices<IHostedService>().Should().Contain(s => s is TimerScheduler).And.Contain(s => s is TimerRunner);
        (await hosted.InvokeTimerAsync("ApplyMediaPolicies")).Status.Should().Be(200);
        (await local.InvokeTimerAsync("ApplyMediaPolicies")).Status.Should().Be(200);
    }

    [Fact]
    public async Task SchedulerRunsOnTheNcrontabScheduleAndFlagsAMissedRunAsPastDue()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 10, 14, 0, TimeSpan.Zero));
        await using var app = await TimerKit.StartAsync(clock, new Dictionary<string, string?> { ["AzureWebJobs.ReconcileStorage.Disabled"] = "false" });
        var runner = app.Services.GetRequiredService<TimerRunner>();

        var onTime = runner.NextCompletionAsync("ReconcileStorage");
        clock.Advance(TimeSpan.FromMinutes(1));
        var first = await onTime.WaitAsync(TimeSpan.FromMinutes(1));

        (first.Trigger, first.IsPastDue, first.Status).Should().Be(("Schedule", false, "Completed"));
        var report = await app.CallAsync("GetReconcileReport");
        DateTimeOffset.Parse(report["LastRun"].Prop("StartTime")).Should().Be(new DateTimeOffset(2030, 1, 1, 10, 15, 0, TimeSpan.Zero));

        var late = runner.NextCompletionAsync("ReconcileStorage");
        clock.Advance(TimeSpan.FromHours(1));
        var second = await late.WaitAsync(TimeSpan.FromMinutes(1));

        (second.Trigger, second.IsPastDue, second.Status).Should().Be(("Schedule", true, "Completed"));
        (await app.CallAsync("ListMediaPolicyRuns"))["Runs"].GetArrayLength().Should().Be(0, "ApplyMediaPolicies is disabled");
    }

    [Fact]
    public async Task ARunMissedWhileTheAppWasDownRunsAtOnceWhenItStartsPastDue()
    {
        var enabled = new Dictionary<string, string?> { ["AzureWebJobs.ReconcileStorage.Disabled"] = "false" };
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 10, 14, 0, TimeSpan.Zero));
        await using var before = await TimerKit.StartAsync(clock, enabled);
        var onTime = before.Services.GetRequiredService<TimerRunner>().NextCompletionAsync("ReconcileStorage");
        clock.Advance(TimeSpan.FromMinutes(1));
        (await onTime.WaitAsync(TimeSpan.FromMinutes(1))).IsPastDue.Should().BeFalse();

        // That instance stays at 10:15 (its clock stops, as if it went down); another starts on the same storage at 11:00:
        // the runs due at 10:30 and 10:45 were missed.
        var later = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 11, 0, 0, TimeSpan.Zero));
        var shared = before.SharedStorage();
        foreach (var (key, value) in enabled) shared[key] = value;
        await using var after = await TimerKit.StartAsync(later, shared);
        JsonElement caughtUp = default;
        for (var waited = 0; waited < 300 && caughtUp.ValueKind == JsonValueKind.Undefined; waited++)
        {
            // The run starts as the app does, without the clock moving on to 11:15.
            if ((await after.CallAsync("GetReconcileReport")).Json.TryGetProperty("LastRun", out var run) && run.ValueKind == JsonValueKind.Object
                && DateTimeOffset.Parse(run.Prop("StartTime")) == later.GetUtcNow() && run.Prop("Status") == "Completed") caughtUp = run;
            else await Task.Delay(100);
        }

        caughtUp.ValueKind.Should().Be(JsonValueKind.Object, "the missed run ran when the app started");
        (caughtUp.Prop("Trigger"), caughtUp.GetProperty("IsPastDue").GetBoolean()).Should().Be(("Schedule", true));
    }

    [Fact]
    public async Task AdminEndpointRunsAFunctionNow()
    {
        await using var app = await TestApp.StartAsync();
        var runner = app.Services.GetRequiredService<TimerRunner>();

        var done = runner.NextCompletionAsync("ReconcileStorage");
        var accepted = await app.PostAsync("/admin/functions/ReconcileStorage", """{"input":"now"}""", TestApp.AdminKey);
        accepted.Status.Should().Be(202, accepted.ToString());
        var run = await done.WaitAsync(TimeSpan.FromMinutes(1));
        (run.RunId, run.Trigger, run.Status).Should().Be((accepted.Str("RunId"), "Admin", "Completed"));
        accepted.Str("FunctionName").Should().Be("ReconcileStorage");

        done = runner.NextCompletionAsync("ApplyMediaPolicies");
        var byCode = await app.PostAsync($"/admin/functions/applymediapolicies?code={TestApp.AdminKey}", """{"input":null}""", null);
        byCode.Status.Should().Be(202, byCode.ToString());
        (await done.WaitAsync(TimeSpan.FromMinutes(1))).Status.Should().Be("Completed");
        (await app.CallAsync("ListMediaPolicyRuns"))["Runs"][0].Prop("Trigger").Should().Be("Admin");
    }

    [Theory]
    [InlineData("ReconcileStorage", null, null, 401, "Unauthorized")]
    [InlineData("ReconcileStorage", TestApp.FullKey, null, 403, "Forbidden")]
    [InlineData("ReconcileStorage", TestApp.ReadOnlyKey, null, 403, "Forbidden")]
    [InlineData("NoSuchFunction", TestApp.AdminKey, null, 404, "InvalidFunction.NotFound")]
    [InlineData("DeleteVideo", TestApp.AdminKey, null, 404, "InvalidFunction.NotFound")]
    [InlineData("ReconcileStorage", TestApp.AdminKey, "{oops", 400, "InvalidParameter")]
    [InlineData("ReconcileStorage", TestApp.AdminKey, """{"input":42}""", 400, "InvalidParameter")]
    public async Task AdminEndpointRefusesWhatItMayNotRun(string function, string? key, string? body, int status, string code)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.PostAsync($"/admin/functions/{function}", body, key);

        (response.Status, response.Code).Should().Be((status, code));
        (await app.CallAsync("GetReconcileReport")).Json.TryGetProperty("LastRun", out _).Should().BeFalse("nothing ran");
    }

    [Fact]
    public async Task TimerFunctionsGetFunctionJsonFilesAndNoApiRoutes()
    {
        var folder = Directory.CreateTempSubdirectory("vod-functions-");
        try
        {
            FunctionMetadata.Write(folder.FullName);

            foreach (var name in new[] { "ApplyMediaPolicies", "ReconcileStorage" })
            {
                var binding = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder.FullName, name, "function.json")))!["bindings"]![0]!;
                binding["type"]!.GetValue<string>().Should().Be("timerTrigger");
                binding["name"]!.GetValue<string>().Should().Be("timer");
                binding["schedule"]!.GetValue<string>().Should().Be($"%Vod__Schedules__{name}%");
                binding["useMonitor"]!.GetValue<bool>().Should().BeTrue();
            }
            File.Exists(Path.Combine(folder.FullName, "SetMediaPolicy", "function.json")).Should().BeTrue();
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        await using var app = await TestApp.StartAsync();
        (await app.CallAsync("ApplyMediaPolicies")).Status.Should().Be(404);
        (await app.CallAsync("ReconcileStorage")).Status.Should().Be(404);
    }

    /// <summary>Makes every request look as if it came from <paramref name="address"/> (not loopback).</summary>
    private sealed class RemoteCaller(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
