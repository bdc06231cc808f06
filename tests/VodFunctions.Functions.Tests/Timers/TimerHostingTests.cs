using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Core.Policies;
using VodFunctions.Core.Reconcile;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Timers;

namespace VodFunctions.Functions.Tests.Timers;

public sealed class TimerHostingTests
{
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

    /// <summary>Holds a timer run once it is under way: at its first read of the policies or the catalog's index (not of the runs).</summary>
    private static GatePolicy RunGate() => new(message => message.Request.Method == Azure.Core.RequestMethod.Get
        && (message.Request.Uri.Path.Contains("Policies", StringComparison.Ordinal) || message.Request.Uri.Path.Contains("Index", StringComparison.Ordinal)));

    [Theory]
    [InlineData("ReconcileStorage")]
    [InlineData("ApplyMediaPolicies")]
    public async Task AnAdminRunIsListedRunningAsSoonAsItIsAccepted(string function)
    {
        var gate = RunGate();
        await using var app = await TestApp.StartAsync(configure: b => b.Services.Configure<VodFunctions.Core.StorageClientsOptions>(o => o.TablePolicies.Add(gate)));
        var done = app.Services.GetRequiredService<TimerRunner>().NextCompletionAsync(function);
        gate.Armed = true;

        var accepted = await app.PostAsync($"/admin/functions/{function}", null, TestApp.AdminKey);
        var runs = await app.CallAsync("ListFunctionRuns", new { FunctionName = function });

        accepted.Status.Should().Be(202, accepted.ToString());
        var run = runs["Runs"].EnumerateArray().Should().ContainSingle().Subject;
        (run.Prop("RunId"), run.Prop("Trigger"), run.Prop("Status")).Should().Be((accepted.Str("RunId"), "Admin", "Running"));
        run.TryGetProperty("EndTime", out _).Should().BeFalse("the run is under way");
        gate.Open();
        (await done.WaitAsync(TimeSpan.FromMinutes(1))).Status.Should().Be("Completed");
        (await app.CallAsync("ListFunctionRuns", new { FunctionName = function }))["Runs"][0].Prop("Status").Should().Be("Completed");
    }

    [Fact]
    public async Task AnAdminRunOfAFunctionAnotherInstanceRunsIsRefusedAndNotRecorded()
    {
        var gate = RunGate();
        await using var first = await TestApp.StartAsync(configure: b => b.Services.Configure<VodFunctions.Core.StorageClientsOptions>(o => o.TablePolicies.Add(gate)));
        await using var second = await TestApp.StartAsync(first.SharedStorage());
        var done = first.Services.GetRequiredService<TimerRunner>().NextCompletionAsync("ReconcileStorage");
        gate.Armed = true;
        var running = await first.PostAsync("/admin/functions/ReconcileStorage", null, TestApp.AdminKey);
        running.Status.Should().Be(202, running.ToString());

        var refused = await second.PostAsync("/admin/functions/ReconcileStorage", null, TestApp.AdminKey);

        (refused.Status, refused.Code).Should().Be((409, "InvalidFunction.Running"), refused.ToString());
        refused.Str("Message").Should().Contain("running on another instance");
        var runs = (await second.CallAsync("ListFunctionRuns", new { FunctionName = "ReconcileStorage" }))["Runs"].EnumerateArray().ToList();
        runs.Select(r => r.Prop("RunId")).Should().Equal([running.Str("RunId")], "the refused run is not recorded");
        gate.Open();
        (await done.WaitAsync(TimeSpan.FromMinutes(1))).Status.Should().Be("Completed");
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ATimerInvocationRunsAndIsRecordedWithItsIsPastDue(bool isPastDue)
    {
        await using var app = await TestApp.StartAsync();

        var run = await app.RunTimerAsync("ReconcileStorage", isPastDue);

        (run.Trigger, run.IsPastDue, run.Status).Should().Be(("Schedule", isPastDue, "Completed"));
        var lastRun = (await app.CallAsync("GetReconcileReport"))["LastRun"];
        (lastRun.Prop("RunId"), lastRun.Prop("Trigger"), lastRun.GetProperty("IsPastDue").GetBoolean(), lastRun.Prop("Status"))
            .Should().Be((run.RunId, "Schedule", isPastDue, "Completed"));
    }

    [Fact]
    public async Task SchedulerIsOffUnderTheFunctionsHostAndOnWithoutIt()
    {
        // Built, not started: the worker reads its host's address from its own command line, given here as settings.
        using var hosted = VodApp.BuildForFunctionsHost([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9/", ["Functions:Worker:WorkerId"] = "w", ["Functions:Worker:RequestId"] = "r",
        }));
        await using var local = await TestApp.StartAsync();

        VodApp.IsStartedByFunctionsHost(["--functions-uri", "http://127.0.0.1:9/"]).Should().BeTrue();
        VodApp.IsStartedByFunctionsHost(["--urls", "http://127.0.0.1:9/"]).Should().BeFalse();
        hosted.Services.GetServices<IHostedService>().Should().NotContain(s => s is TimerScheduler).And.Contain(s => s is TimerRunner);
        local.Services.GetServices<IHostedService>().Should().Contain(s => s is TimerScheduler).And.Contain(s => s is TimerRunner);
    }

    [Fact]
    public async Task ListFunctionRunsListsTheRunsOfBothTimerFunctionsHoweverStarted()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 10, 14, 0, TimeSpan.Zero));
        await using var app = await TimerKit.StartAsync(clock, new Dictionary<string, string?> { ["AzureWebJobs.ReconcileStorage.Disabled"] = "false" });
        var runner = app.Services.GetRequiredService<TimerRunner>();
        var scheduled = runner.NextCompletionAsync("ReconcileStorage");
        clock.Advance(TimeSpan.FromMinutes(1));
        await scheduled.WaitAsync(TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        var onDemand = runner.NextCompletionAsync("ReconcileStorage");
        (await app.PostAsync("/admin/functions/ReconcileStorage", null, TestApp.AdminKey)).Status.Should().Be(202);
        await onDemand.WaitAsync(TimeSpan.FromMinutes(1));
        var policies = await app.RunTimerAsync("ApplyMediaPolicies", isPastDue: true);

        var reconcileRuns = await app.CallAsync("ListFunctionRuns", new { FunctionName = "ReconcileStorage" }, TestApp.ReadOnlyKey);
        var policyRuns = await app.CallAsync("ListFunctionRuns", new { FunctionName = "applymediapolicies", PageSize = 1 }, TestApp.ReadOnlyKey);
        var unknown = await app.CallAsync("ListFunctionRuns", new { FunctionName = "DeleteVideo" });
        var missing = await app.CallAsync("ListFunctionRuns");

        reconcileRuns.Status.Should().Be(200, reconcileRuns.ToString());
        var runs = reconcileRuns["Runs"].EnumerateArray().ToList();
        runs.Select(r => r.Prop("Trigger")).Should().Equal("Admin", "Schedule");
        runs.Should().AllSatisfy(r =>
        {
            (r.Prop("FunctionName"), r.Prop("Status"), r.GetProperty("IsPastDue").GetBoolean()).Should().Be(("ReconcileStorage", "Completed", false));
            DateTimeOffset.Parse(r.Prop("EndTime")).Should().BeOnOrAfter(DateTimeOffset.Parse(r.Prop("StartTime")));
            r.GetProperty("PassCompleted").GetBoolean().Should().BeTrue("the function's own counts are listed");
        });
        var policyRun = policyRuns["Runs"].EnumerateArray().Should().ContainSingle().Subject;
        (policyRun.Prop("RunId"), policyRun.Prop("FunctionName"), policyRun.Prop("Trigger"), policyRun.GetProperty("IsPastDue").GetBoolean())
            .Should().Be((policies.RunId, "ApplyMediaPolicies", "Schedule", true));
        policyRun.Int("Deleted").Should().Be(0);
        (unknown.Status, unknown.Code).Should().Be((400, "InvalidParameter"));
        (missing.Status, missing.Code).Should().Be((400, "MissingParameter"));
    }

    [Fact]
    public async Task ARunWhoseProcessStoppedIsRecordedAsFailedByTheFunctionsNextRun()
    {
        await using var app = await TestApp.StartAsync();
        var runs = app.Services.GetRequiredService<RunStore>();
        // What a process killed mid-run leaves: its run row as written at its start and at its last saved page.
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var killed = new ReconcileRunEntity { ScannedBlobs = 1000 };
        killed.Begin("ReconcileStorage", "killed-reconcile", "Schedule", false, start);
        var killedPolicyRun = new PolicyRunEntity { Deleted = 3 };
        killedPolicyRun.Begin("ApplyMediaPolicies", "killed-policy-run", "Admin", false, start);
        await runs.SaveAsync(killed);
        await runs.SaveAsync(killedPolicyRun);

        var next = await app.RunTimerAsync("ReconcileStorage");

        next.Status.Should().Be("Completed");
        var listed = (await app.CallAsync("ListFunctionRuns", new { FunctionName = "ReconcileStorage" }))["Runs"].EnumerateArray().ToList();
        listed.Select(r => (r.Prop("RunId"), r.Prop("Status"))).Should().Equal((next.RunId, "Completed"), ("killed-reconcile", "Failed"));
        var stopped = listed[1];
        stopped.Prop("Error").Should().Be(RunStore.StoppedError);
        stopped.Int("ScannedBlobs").Should().Be(1000, "the counts it saved stay");
        DateTimeOffset.Parse(stopped.Prop("EndTime")).Should().BeAfter(start).And.BeOnOrBefore(DateTimeOffset.Parse(listed[0].Prop("StartTime")));
        (await app.CallAsync("ListMediaPolicyRuns"))["Runs"][0].Prop("Status").Should().Be("Running", "only the function's own next run ends it");

        await app.RunTimerAsync("ApplyMediaPolicies");

        var policyRun = (await app.CallAsync("ListMediaPolicyRuns"))["Runs"].EnumerateArray().Single(r => r.Prop("RunId") == "killed-policy-run");
        (policyRun.Prop("Status"), policyRun.Int("Deleted"), policyRun.Prop("Error")).Should().Be(("Failed", 3, RunStore.StoppedError));
    }

    [Fact]
    public async Task TimerFunctionsHaveNoApiRoutes()
    {
        await using var app = await TestApp.StartAsync();

        (await app.CallAsync("ApplyMediaPolicies")).Code.Should().Be("InvalidAction.NotFound");
        (await app.CallAsync("ReconcileStorage")).Code.Should().Be("InvalidAction.NotFound");
    }
}
