using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Core;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Timers;

namespace VodFunctions.Functions.Tests.Policies;

public sealed class PolicyRunTests
{
    private static readonly DateTimeOffset Start = new(2030, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EachVideoIsHandledOnlyByTheHighestPriorityEnabledPolicyThatMatches()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock);
        var news = await app.SeedPolicyVideoAsync("news");
        var sport = await app.SeedPolicyVideoAsync("sport");
        var otherApp = await app.SeedPolicyVideoAsync("news", TestApp.OtherApp);
        var uploading = (await app.CallAsync("CreateUploadVideo", new { Title = "Never uploaded", FileName = "a.mp4", CateId = "news" })).Str("VideoId");
        clock.Advance(TimeSpan.FromDays(95));
        var young = await app.SeedPolicyVideoAsync("news");
        clock.Advance(TimeSpan.FromDays(5));

        var trimNews = await app.SetPolicyAsync(new
        {
            Name = "News mezzanines", Priority = 10, Action = "DeleteMezzanine", MinAge = "P90D", AppId = TestApp.DefaultApp,
            CateIds = new[] { "news" }, Statuses = new[] { "Normal", "UploadSucc" },
        });
        var dropOld = await app.SetPolicyAsync(new { Name = "Everything old", Priority = 5, Action = "DeleteVideo", MinAge = "P90D" });
        await app.SetPolicyAsync(new { Name = "Switched off", Priority = 99, Action = "DeleteVideo", MinAge = "PT1H", Enabled = false });

        var run = await app.ApplyPoliciesAsync();

        run.Prop("Status").Should().Be("Completed");
        run.Prop("Trigger").Should().Be("Schedule", "the host's timer started it");
        (run.Int("Matched"), run.Int("Deleted"), run.Int("Skipped"), run.Int("Failed")).Should().Be((4, 4, 0, 0));
        run.Long("DeletedBytes").Should().Be(3 * 1000);
        (await app.CallAsync("GetMezzanineInfo", new { VideoId = news.VideoId }))["Mezzanine"].Prop("Status").Should().Be("Deleted");
        (await app.CallAsync("GetMezzanineInfo", new { VideoId = young.VideoId }))["Mezzanine"].Prop("Status").Should().Be("Normal");
        foreach (var gone in new[] { sport.VideoId, otherApp.VideoId, uploading })
            (await app.CallAsync("GetVideoInfo", new { VideoId = gone })).Code.Should().Be("InvalidVideo.NotFound");
        (await app.ListBlobsAsync()).Should().BeEquivalentTo([$"{young.Folder}mezzanine/source.mp4"]);

        var events = await app.DrainEventsAsync();
        events.Select(e => (e.Prop("MediaId"), e.Prop("DeleteType"), e.Prop("Trigger"), e.Prop("Status"))).Should().BeEquivalentTo(
        [
            (news.VideoId, "mezzanine", trimNews, "success"),
            (sport.VideoId, "all", dropOld, "success"),
            (otherApp.VideoId, "all", dropOld, "success"),
            (uploading, "all", dropOld, "success"),
        ]);
        events.Should().OnlyContain(e => e.Prop("RequestId") == run.Prop("RunId"));
    }

    [Fact]
    public async Task ANetworkFailureFailsOnlyTheAssetsItHitsAndReconcileStorageFinishesThem()
    {
        var clock = new FakeTimeProvider(Start);
        var network = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0) { Armed = false, Status = 0 };
        await using var app = await TimerKit.StartAsync(clock, configure: network.On(o => o.BlobPolicies));
        var videos = new List<PolicyVideo>();
        for (var i = 0; i < 4; i++) videos.Add(await app.SeedPolicyVideoAsync("news"));
        clock.Advance(TimeSpan.FromDays(100));
        await app.SetPolicyAsync(new { Name = "Everything old", Action = "DeleteVideo", MinAge = "P90D", DailyLimit = 2 });
        network.Arm(passing: 0);

        var run = await app.ApplyPoliciesAsync();

        run.Prop("Status").Should().Be("Completed", "a storage fault fails the asset it hits, not the run");
        (run.Int("Matched"), run.Int("Deleted"), run.Int("Failed")).Should().Be((2, 0, 2));
        network.Armed = false;
        clock.Advance(TimeSpan.FromMinutes(6));
        var again = await app.ApplyPoliciesAsync();
        again.Int("Deleted").Should().Be(2, "failed assets do not use up the day's limit");
        (await app.ReconcileAsync())["FinishedDeletes"].GetInt32().Should().Be(2, "the journals of the failed deletes are finished");
        (await app.ListBlobsAsync()).Should().BeEmpty();
        foreach (var video in videos)
            (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
    }

    [Fact]
    public async Task PreviewAnswersExactlyWhatTheNextRunDoes()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock);
        var expired = await app.SeedPolicyVideoAsync("expired", definitions: ["HD"]);
        var trim = await app.SeedPolicyVideoAsync("trim", definitions: ["HD", "SD"]);
        var plain = new[] { await app.SeedPolicyVideoAsync("plain"), await app.SeedPolicyVideoAsync("plain") };
        var original = await app.SeedPolicyVideoAsync("plain", transcodeMode: "NoTranscode");
        clock.Advance(TimeSpan.FromDays(95));
        await app.SeedPolicyVideoAsync("plain");
        clock.Advance(TimeSpan.FromDays(5));
        var policies = new[]
        {
            await app.SetPolicyAsync(new { Priority = 30, Action = "DeleteVideo", MinAge = "P90D", CateIds = new[] { "expired" } }),
            await app.SetPolicyAsync(new { Priority = 20, Action = "DeleteStreams", Definitions = new[] { "SD" }, MinAge = "P90D", CateIds = new[] { "trim" } }),
            await app.SetPolicyAsync(new { Priority = 10, Action = "DeleteMezzanine", MinAge = "P90D", DailyLimit = 1 }),
        };

        var previews = new List<(string VideoId, string Action, string PolicyId, int Files, long Bytes)>();
        foreach (var policyId in policies)
        {
            var preview = await app.PreviewAsync(policyId);
            preview["Total"].GetInt32().Should().Be(preview["Matches"].GetArrayLength());
            previews.AddRange(preview["Matches"].EnumerateArray().Select(m => (m.Prop("VideoId"), m.Prop("Action"), policyId, m.Int("Files"), m.Long("Bytes"))));
        }
        previews.Should().HaveCount(3);
        previews.Select(p => (p.VideoId, p.Action)).Should().Contain([(expired.VideoId, "DeleteVideo"), (trim.VideoId, "DeleteStreams")]);
        var mezzanine = previews.Single(p => p.Action == "DeleteMezzanine");
        plain.Select(v => v.VideoId).Should().Contain(mezzanine.VideoId);
        previews.Single(p => p.VideoId == expired.VideoId).Should().Be((expired.VideoId, "DeleteVideo", policies[0], 3, 1000L + 300));
        previews.Single(p => p.VideoId == trim.VideoId).Should().Be((trim.VideoId, "DeleteStreams", policies[1], 2, 300L));

        var run = await app.ApplyPoliciesAsync();

        (run.Int("Deleted"), run.Int("Skipped"), run.Int("Failed")).Should().Be((3, 1, 0));
        run.Long("DeletedBytes").Should().Be(previews.Sum(p => p.Bytes));
        var deleteTypes = new Dictionary<string, string> { ["DeleteVideo"] = "all", ["DeleteStreams"] = "stream", ["DeleteMezzanine"] = "mezzanine" };
        (await app.DrainEventsAsync()).Select(e => (e.Prop("MediaId"), e.Prop("DeleteType"), e.Prop("Trigger"), e.Int("DeletedFiles"), e.Long("DeletedBytes")))
            .Should().BeEquivalentTo(previews.Select(p => (p.VideoId, deleteTypes[p.Action], p.PolicyId, p.Files, p.Bytes)));
        var playInfo = (await app.CallAsync("GetPlayInfo", new { VideoId = trim.VideoId }))["PlayInfoList"].EnumerateArray();
        playInfo.Select(s => s.Prop("Definition")).Should().Equal("HD");
        (await app.CallAsync("GetMezzanineInfo", new { VideoId = original.VideoId }))["Mezzanine"].Prop("Status").Should().Be("Normal");

        foreach (var policyId in policies) (await app.PreviewAsync(policyId))["Total"].GetInt32().Should().Be(0);
        var listed = (await app.CallAsync("ListMediaPolicies"))["Policies"].EnumerateArray().Single(p => p.Prop("PolicyId") == policies[2]);
        listed.Int("UsedToday").Should().Be(1);

        clock.Advance(TimeSpan.FromDays(1));
        var tomorrow = await app.PreviewAsync(policies[2]);
        tomorrow["Matches"].EnumerateArray().Select(m => m.Prop("VideoId")).Should().Equal(plain.Select(v => v.VideoId).Single(id => id != mezzanine.VideoId));
    }

    [Fact]
    public async Task DailyLimitIsCountedPerUtcDaySurvivesARestartAndRollsOverAtMidnight()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock);
        for (var i = 0; i < 5; i++) await app.SeedPolicyVideoAsync();
        clock.SetUtcNow(new DateTimeOffset(2030, 6, 9, 23, 30, 0, TimeSpan.Zero));
        var policyId = await app.SetPolicyAsync(new { Action = "DeleteVideo", MinAge = "P90D", DailyLimit = 2 });

        var first = await app.ApplyPoliciesAsync();
        first.Int("Deleted").Should().Be(2);
        (await app.PreviewAsync(policyId))["Total"].GetInt32().Should().Be(0);
        clock.Advance(TimeSpan.FromMinutes(10));
        (await app.ApplyPoliciesAsync()).Int("Deleted").Should().Be(0);

        // Another instance (nothing in memory) on the same storage sees today's count.
        await using var restarted = await TimerKit.StartAsync(clock, app.SharedStorage());
        clock.Advance(TimeSpan.FromMinutes(10));
        (await restarted.PreviewAsync(policyId))["Total"].GetInt32().Should().Be(0);
        (await restarted.ApplyPoliciesAsync()).Int("Deleted").Should().Be(0);
        (await restarted.CallAsync("SearchMedia", new { SearchType = "video" }))["Total"].GetInt32().Should().Be(3);

        clock.SetUtcNow(new DateTimeOffset(2030, 6, 10, 0, 0, 1, TimeSpan.Zero));
        (await restarted.PreviewAsync(policyId))["Total"].GetInt32().Should().Be(2);
        (await restarted.ApplyPoliciesAsync()).Int("Deleted").Should().Be(2);
        (await restarted.CallAsync("SearchMedia", new { SearchType = "video" }))["Total"].GetInt32().Should().Be(1);
        (await restarted.PreviewAsync(policyId))["Total"].GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task RunStoppedByItsTimeBudgetIsContinuedByTheNextRun()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock, new Dictionary<string, string?> { ["Vod:Policies:RunBudget"] = "00:10:00" });
        var removable = new List<string>();
        for (var i = 0; i < 26; i++)
        {
            var video = await app.SeedPolicyVideoAsync(transcodeMode: i % 4 == 1 ? "NoTranscode" : "FastTranscode");
            if (i % 4 != 1) removable.Add(video.VideoId);
        }
        clock.Advance(TimeSpan.FromDays(100));
        await app.SetPolicyAsync(new { Action = "DeleteMezzanine", MinAge = "P90D" });
        clock.AutoAdvanceAmount = TimeSpan.FromMinutes(1); // every reading of the clock takes a minute: runs reach their budget

        var runs = new List<JsonElement>();
        while (runs.Sum(r => r.Int("Deleted")) < removable.Count && runs.Count < 10) runs.Add(await app.ApplyPoliciesAsync());

        runs[0].Prop("Status").Should().Be("Interrupted");
        runs.Should().HaveCountGreaterThan(1);
        runs.Sum(r => r.Int("Deleted")).Should().Be(removable.Count);
        runs.Sum(r => r.Int("Skipped")).Should().Be(26 - removable.Count, "each run continues where the last stopped: no video is visited twice");
        runs.Sum(r => r.Int("Failed")).Should().Be(0);
        var events = await app.DrainEventsAsync();
        events.Select(e => e.Prop("MediaId")).Should().BeEquivalentTo(removable);

        var final = await app.ApplyPoliciesAsync();
        (final.Prop("Status"), final.Int("Deleted"), final.Int("Skipped")).Should().Be(("Completed", 0, 26 - removable.Count));
    }

    [Fact]
    public async Task TwoInstancesNeverRunTheSweepAtOnce()
    {
        var clock = new FakeTimeProvider(Start);
        var gate = new GatePolicy(FaultPolicy.IsBlobDelete);
        await using var first = await TimerKit.StartAsync(clock, configure: b => b.Services.Configure<StorageClientsOptions>(o => o.BlobPolicies.Add(gate)));
        await using var second = await TimerKit.StartAsync(clock, first.SharedStorage());
        var videos = new[] { await first.SeedPolicyVideoAsync(), await first.SeedPolicyVideoAsync(), await first.SeedPolicyVideoAsync() };
        clock.Advance(TimeSpan.FromDays(100));
        await first.SetPolicyAsync(new { Action = "DeleteVideo", MinAge = "P90D" });
        gate.Armed = true;

        var running = first.RunTimerAsync("ApplyMediaPolicies");
        await gate.Entered.WaitAsync(TimeSpan.FromMinutes(1));
        var meanwhile = await second.RunTimerAsync("ApplyMediaPolicies");
        gate.Open();
        var done = await running;

        meanwhile.Status.Should().Be(TimerInvocation.Busy, meanwhile.ToString());
        meanwhile.Summary.Should().Contain("already running on another instance");
        done.Status.Should().Be(RunStatus.Completed, done.ToString());
        var runs = (await first.CallAsync("ListMediaPolicyRuns"))["Runs"].EnumerateArray().ToList();
        runs.Should().ContainSingle();
        runs[0].Int("Deleted").Should().Be(3);
        (await first.DrainEventsAsync()).Select(e => e.Prop("MediaId")).Should().BeEquivalentTo(videos.Select(v => v.VideoId));
    }
}
