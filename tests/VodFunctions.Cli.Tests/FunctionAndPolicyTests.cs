using Microsoft.Extensions.Time.Testing;
using VodFunctions.Client;

namespace VodFunctions.Cli.Tests;

/// <summary>Policies, timer function runs, the reconcile report and health, against the real app.</summary>
public sealed class FunctionAndPolicyTests
{
    [Fact]
    public async Task APolicySetPreviewedAndRunNowDeletesWhatItMatches()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 3, 1, 10, 0, 0, TimeSpan.Zero));
        await using var app = await TimerKit.StartAsync(clock);
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        var old = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 0);
        clock.Advance(TimeSpan.FromDays(100));
        var young = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 0);

        var set = await Vod.RunAsync(app, "--json", "policies", "set", "--name", "Old videos", "--action", "DeleteVideo", "--min-age", "P90D",
            "--app-id", TestApp.DefaultApp, "--statuses", "Normal,UploadSucc", "--priority", "5", "--daily-limit", "10");
        set.ExitCode.Should().Be(0, set.ToString());
        var policyId = set.Json.GetProperty("PolicyId").GetString()!;
        (await client.ListMediaPoliciesAsync()).Policies.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { PolicyId = policyId, Name = "Old videos", Action = "DeleteVideo", MinAge = "P90D", Priority = 5, DailyLimit = 10, Statuses = new[] { "Normal", "UploadSucc" } },
            o => o.ExcludingMissingMembers());
        (await Vod.RunAsync(app, "policies", "list")).Out.Should().Contain(policyId).And.Contain("Old videos").And.Contain("Normal, UploadSucc");
        (await Vod.RunAsync(app, "policies", "set", "--action", "DeleteVideo")).ExitCode.Should().Be(2, "--min-age is required");

        var preview = await Vod.RunAsync(app, "policies", "preview", policyId);
        preview.Out.Should().Contain(old.VideoId).And.NotContain(young.VideoId).And.Contain("1 video would be handled now");

        var run = await Vod.RunAsync(app, "--json", "run-function", "ApplyMediaPolicies", "--yes");
        run.ExitCode.Should().Be(0, run.ToString());
        run.Json.GetProperty("Run").GetProperty("Status").GetString().Should().Be("Completed");
        run.Json.GetProperty("Run").GetProperty("Deleted").GetInt32().Should().Be(1);
        var runId = run.Json.GetProperty("RunId").GetString();
        run.Json.GetProperty("Run").GetProperty("RunId").GetString().Should().Be(runId);
        (await client.Invoking(c => c.GetVideoInfoAsync(old.VideoId)).Should().ThrowAsync<VodException>()).Which.Code.Should().Be("InvalidVideo.NotFound");
        (await client.GetVideoInfoAsync(young.VideoId)).Video.Status.Should().Be("Normal");

        var runs = await Vod.RunAsync(app, "--json", "runs", "ApplyMediaPolicies");
        runs.Json.GetProperty("Runs")[0].GetProperty("RunId").GetString().Should().Be(runId);
        (await Vod.RunAsync(app, "runs", "ApplyMediaPolicies", "--page-size", "1")).Out.Should().Contain(runId).And.Contain("Admin").And.Contain("Deleted 1");

        (await Vod.RunAsync(app, "policies", "delete", policyId)).Out.Should().Be($"Deleted policy {policyId}.\n");
        (await client.ListMediaPoliciesAsync()).Policies.Should().BeEmpty();
        var gone = await Vod.RunAsync(app, "policies", "preview", policyId);
        gone.ExitCode.Should().Be(1);
        gone.Error.Should().Contain("InvalidPolicy.NotFound");
    }

    [Fact]
    public async Task ReconcileRunsNowAndItsReportShowsWhatItFound()
    {
        await using var app = await TestApp.StartAsync();
        var orphan = $"videos/{Guid.NewGuid():N}/streams/left-behind.ts";
        await app.UploadAsync(orphan, 2048);

        var forbidden = await Vod.RunWithAsync(Vod.Environment(app, TestApp.ReadOnlyKey), ["run-function", "ReconcileStorage"]);
        forbidden.ExitCode.Should().Be(1, forbidden.ToString());
        forbidden.Error.Should().Contain("Forbidden");

        var run = await Vod.RunAsync(app, "run-function", "ReconcileStorage");
        run.ExitCode.Should().Be(0, run.ToString());
        run.Out.Should().Contain("Completed").And.Contain("OrphanBlobs 1");
        run.Error.Should().Contain("waiting for it to end");

        var report = await Vod.RunAsync(app, "reconcile-report");
        report.Out.Should().Contain(orphan).And.Contain("2 KiB").And.Contain(": Completed").And.Contain("Orphan blobs (no record owns them; deleted after a second sighting past the grace period): 1");
        var json = await Vod.RunAsync(app, "--json", "reconcile-report");
        json.Json.GetProperty("TotalOrphanBlobs").GetInt32().Should().Be(1);
        (await Vod.RunAsync(app, "runs", "ReconcileStorage")).Out.Should().Contain(json.Json.GetProperty("LastRun").GetProperty("RunId").GetString());

        var started = await Vod.RunAsync(app, "--json", "run-function", "ReconcileStorage", "--no-wait");
        started.ExitCode.Should().Be(0, started.ToString());
        var startedId = started.Json.GetProperty("RunId").GetString()!;
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        (await client.WaitForFunctionRunAsync(new RunFunctionResponse { FunctionName = "ReconcileStorage", RunId = startedId }, TimeSpan.FromMilliseconds(100)))
            .Status.Should().Be("Completed");

        var health = await Vod.RunWithAsync(new Dictionary<string, string> { ["VOD_URL"] = app.Client.BaseAddress!.AbsoluteUri }, ["--json", "health"]);
        health.ExitCode.Should().Be(0);
        health.Json.GetProperty("Status").GetString().Should().Be("Healthy");
        (await Vod.RunAsync(app, "runs", "NoSuchFunction")).ExitCode.Should().Be(2);
    }
}
