using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace VodFunctions.Functions.Tests.Statistics;

/// <summary>GetDeletionStatistics counts real deletes exactly, by trigger, from the audit log; the backlog from the journal.</summary>
public sealed class DeletionStatisticsTests
{
    private static readonly DateTimeOffset Start = new(2030, 3, 1, 10, 20, 0, TimeSpan.Zero);

    /// <summary>The seeded video with one HD stream: a 1000-byte mezzanine, a 100-byte playlist and a 200-byte segment.</summary>
    private const int StreamedFiles = 3;
    private const long StreamedBytes = 1300;

    [Fact]
    public async Task DeletesOfKnownSizeAreCountedExactlyByTriggerHourAndPolicy()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock);
        var byApi = await app.SeedPolicyVideoAsync("news", TestApp.DefaultApp, "FastTranscode", "HD");
        var byPolicy = await app.SeedPolicyVideoAsync("old");
        await app.SeedPolicyVideoAsync("old", TestApp.OtherApp);
        clock.Advance(TimeSpan.FromDays(100));
        var policy = await app.SetPolicyAsync(new { Name = "Drop old", Action = "DeleteVideo", MinAge = "P90D", AppId = TestApp.DefaultApp, CateIds = new[] { "old" } });

        (await app.CallAsync("DeleteVideo", new { VideoIds = byApi.VideoId, DryRun = true }, TestApp.FullKey)).Status.Should().Be(200);
        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = byApi.VideoId }, TestApp.FullKey);
        deleted["Deleted"].GetProperty("Bytes").GetInt64().Should().Be(StreamedBytes, deleted.ToString());
        (await app.ApplyPoliciesAsync()).Int("Deleted").Should().Be(1);
        (await app.CallAsync("GetVideoInfo", new { VideoId = byPolicy.VideoId })).Code.Should().Be("InvalidVideo.NotFound");

        var day = await StatsAsync(app, new { });
        day.Str("Interval").Should().Be("PT1H");
        day.Str("StartTime").Should().Be("2030-06-08T11:00:00Z", "the hour under way and the 23 before");
        day.Str("EndTime").Should().Be("2030-06-09T10:20:00Z");
        Figures(day["Deletes"], "Api").Should().Be((1, StreamedFiles, StreamedBytes, 0), "the dry run is not counted");
        Figures(day["Deletes"], "Policy").Should().Be((1, 1, 1000L, 0));
        Figures(day["Deletes"], "Reconcile").Should().Be((0, 0, 0L, 0));
        Figures(day["Deletes"], "Bin").Should().Be((0, 0, 0L, 0));
        Figures(day["Deletes"], "All").Should().Be((2, StreamedFiles + 1, StreamedBytes + 1000, 0));
        var series = day["Series"].EnumerateArray().ToList();
        series.Should().HaveCount(24);
        series[^1].Prop("StartTime").Should().Be("2030-06-09T10:00:00Z");
        Figures(series[^1].GetProperty("Deletes"), "All").Should().Be((2, StreamedFiles + 1, StreamedBytes + 1000, 0));
        series.SkipLast(1).Should().OnlyContain(b => b.GetProperty("Deletes").GetProperty("All").GetProperty("Deletes").GetInt32() == 0);
        var policies = day["Policies"].EnumerateArray().ToList();
        policies.Should().ContainSingle();
        (policies[0].Prop("PolicyId"), policies[0].Prop("Name"), policies[0].Int("Runs"), policies[0].Int("Matched"), policies[0].Int("Deleted"),
            policies[0].Int("Skipped"), policies[0].Int("Failed"), policies[0].Long("DeletedBytes")).Should().Be((policy, "Drop old", 1, 1, 1, 0, 0, 1000L));
        Backlog(day).Should().Be((0, 0, 0));
        foreach (var absent in new[] { "RecycleBin", "CallbackQueue", "WorkQueue" })
            day.Json.TryGetProperty(absent, out _).Should().BeFalse($"{absent}: the feature is off");
        day["Capped"].GetArrayLength().Should().Be(0);
        day["Notes"].GetArrayLength().Should().Be(0);
        // The clock stands still while the deletes run, so each took 0 ms by it; the policy's finish is the one the sweep began.
        day["Slowest"].EnumerateArray().Select(s => (s.Prop("Operation"), s.Prop("Trigger"), s.Prop("MediaId"), s.Long("DurationMs")))
            .Should().BeEquivalentTo(new[] { ("DeleteVideo", "api", byApi.VideoId, 0L), ("DeleteVideo", "policy", byPolicy.VideoId, 0L) });

        var month = await StatsAsync(app, new { Period = "P30D" });
        month.Str("Interval").Should().Be("P1D");
        month["Series"].GetArrayLength().Should().Be(30);
        month["Series"][29].Prop("StartTime").Should().Be("2030-06-09T00:00:00Z");
        Figures(month["Deletes"], "All").Should().Be((2, StreamedFiles + 1, StreamedBytes + 1000, 0));

        var before = await StatsAsync(app, new { StartTime = "2030-06-09T08:00:00Z", EndTime = "2030-06-09T10:00:00Z" });
        before["Series"].GetArrayLength().Should().Be(2);
        Figures(before["Deletes"], "All").Should().Be((0, 0, 0L, 0), "the deletes came after the period");

        var other = await StatsAsync(app, new { }, TestApp.OtherAppKey);
        Figures(other["Deletes"], "All").Should().Be((0, 0, 0L, 0), "a key sees only its applications' deletes");
        other["Policies"].GetArrayLength().Should().Be(0, "the policy is of another application");
        Figures((await StatsAsync(app, new { AppId = TestApp.DefaultApp }, TestApp.FullKey))["Deletes"], "All").Should().Be((2, StreamedFiles + 1, StreamedBytes + 1000, 0));
        Figures((await StatsAsync(app, new { }, TestApp.ReadOnlyKey))["Deletes"], "All").Deletes.Should().Be(2);
        (await app.CallAsync("GetDeletionStatistics", new { AppId = TestApp.DefaultApp }, TestApp.OtherAppKey)).Code.Should().Be("Forbidden");
    }

    [Theory]
    [InlineData("{\"Period\":\"P7D\"}")]
    [InlineData("{\"StartTime\":\"2030-06-01T00:00:00Z\"}")]
    [InlineData("{\"Period\":\"P1D\",\"StartTime\":\"2030-06-01T00:00:00Z\",\"EndTime\":\"2030-06-02T00:00:00Z\"}")]
    [InlineData("{\"StartTime\":\"2030-06-02T00:00:00Z\",\"EndTime\":\"2030-06-01T00:00:00Z\"}")]
    [InlineData("{\"StartTime\":\"2030-01-01T00:00:00Z\",\"EndTime\":\"2030-06-01T00:00:00Z\"}")]
    [InlineData("{\"StartTime\":\"yesterday\",\"EndTime\":\"2030-06-01T00:00:00Z\"}")]
    [InlineData("{\"Perod\":\"P1D\"}")]
    public async Task ABadPeriodIsRefused(string body)
    {
        await using var app = await TestApp.StartAsync();
        var answer = await app.CallAsync("GetDeletionStatistics", body);
        (answer.Status, answer.Code).Should().Be((400, "InvalidParameter"), answer.ToString());
    }

    [Fact]
    public async Task AnInterruptedDeleteShowsInTheBacklogUntilReconcileStorageFinishesIt()
    {
        var clock = new FakeTimeProvider(Start);
        var network = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0) { Armed = false, Status = 0 };
        await using var app = await TimerKit.StartAsync(clock, configure: network.On(o => o.BlobPolicies));
        var video = await app.SeedPolicyVideoAsync("news", TestApp.DefaultApp, "FastTranscode", "HD");
        network.Arm(passing: 0);

        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Code.Should().Be("DeleteVideoFailed");
        clock.Advance(TimeSpan.FromMinutes(1));

        var stuck = await StatsAsync(app, new { });
        Backlog(stuck).Should().Be((1, 0, 0));
        stuck["Backlog"].Prop("OldestInterrupted").Should().Be("2030-03-01T10:20:00Z");
        Figures(stuck["Deletes"], "Api").Should().Be((0, 0, 0L, 1), "the failed attempt is a failure, nothing freed");
        Backlog(await StatsAsync(app, new { }, TestApp.OtherAppKey)).Should().Be((0, 0, 0), "the delete is of another application");

        network.Armed = false;
        (await app.ReconcileAsync())["FinishedDeletes"].GetInt32().Should().Be(1);
        var done = await StatsAsync(app, new { });
        Backlog(done).Should().Be((0, 0, 0));
        Figures(done["Deletes"], "Api").Should().Be((1, StreamedFiles, StreamedBytes, 1), "a delete finished by ReconcileStorage counts under the trigger that began it");
    }

    [Fact]
    public async Task TheRecycleBinsSizeIsShownAndAPurgeCountsWhatItFreed()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Vod:RecycleBin:Retention"] = "P7D" });
        var video = await app.SeedPolicyVideoAsync("news", TestApp.DefaultApp, "FastTranscode", "HD");
        var empty = (await StatsAsync(app, new { }))["RecycleBin"];
        (empty.Int("Entries"), empty.Int("Files"), empty.Long("Bytes")).Should().Be((0, 0, 0L), "the bin is on");

        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Status.Should().Be(200);
        var binned = await StatsAsync(app, new { });
        (binned["RecycleBin"].Int("Entries"), binned["RecycleBin"].Int("Files"), binned["RecycleBin"].Long("Bytes")).Should().Be((1, StreamedFiles, StreamedBytes));
        Figures(binned["Deletes"], "All").Should().Be((0, 0, 0L, 0), "a move into the bin frees nothing yet");

        (await app.CallAsync("PurgeRecycleBin", new { All = true })).Status.Should().Be(200);
        var purged = await StatsAsync(app, new { });
        (purged["RecycleBin"].Int("Entries"), purged["RecycleBin"].Long("Bytes")).Should().Be((0, 0L));
        Figures(purged["Deletes"], "Api").Should().Be((1, StreamedFiles, StreamedBytes, 0), "the purge freed the files");
    }

    private static async Task<ApiResponse> StatsAsync(TestApp app, object body, string key = TestApp.AdminKey)
    {
        var answer = await app.CallAsync("GetDeletionStatistics", body, key);
        answer.Status.Should().Be(200, answer.ToString());
        return answer;
    }

    private static (int Deletes, int Files, long Bytes, int Failures) Figures(JsonElement deletes, string trigger)
    {
        var figures = deletes.GetProperty(trigger);
        return (figures.Int("Deletes"), figures.Int("DeletedFiles"), figures.Long("DeletedBytes"), figures.Int("Failures"));
    }

    private static (int Interrupted, int InProgress, int EventsPending) Backlog(ApiResponse stats) =>
        (stats["Backlog"].Int("InterruptedDeletes"), stats["Backlog"].Int("DeletesInProgress"), stats["Backlog"].Int("EventsPending"));
}
