using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Functions.Hosting;
using VodFunctions.Functions.Queues;

namespace VodFunctions.Functions.Tests.Policies;

/// <summary>A policy run that puts its deletes on the policy work queue, and the queue function that deletes them.</summary>
public sealed class PolicyFanOutTests
{
    private static readonly DateTimeOffset Start = new(2030, 3, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The app with a work queue whose listener is off: the test delivers the messages itself, as the host would.</summary>
    private static Task<TestApp> StartWithoutListenerAsync(FakeTimeProvider clock) =>
        TimerKit.StartAsync(clock, new Dictionary<string, string?>(TestApp.FanOut()) { ["AzureWebJobs.DeletePolicyWork.Disabled"] = "true" });

    private static async Task<List<QueueMessage>> TakeWorkAsync(TestApp app)
    {
        var queue = TestStorage.Queues.GetQueueClient(app.PolicyQueue);
        var messages = new List<QueueMessage>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch) messages.AddRange(batch);
        return messages;
    }

    /// <summary>Invokes DeletePolicyWork with a message's text, as the host's queue listener does.</summary>
    private static Task DeliverAsync(TestApp app, QueueMessage message) =>
        WorkerFunction.Named(DeletePolicyWork.Name).InvokeAsync(app.Services,
            p => p.ParameterType == typeof(CancellationToken) ? CancellationToken.None : Text(message));

    private static string Text(QueueMessage message) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText));

    [Fact]
    public async Task ARunQueuesItsMatchesWithinTheDailyLimitAndTheListenerDeletesThemWithThePolicyAsTrigger()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock, TestApp.FanOut());
        var videos = new List<PolicyVideo>();
        for (var i = 0; i < 20; i++) videos.Add(await app.SeedPolicyVideoAsync("news", definitions: "LD"));
        clock.Advance(TimeSpan.FromDays(100));
        var policy = await app.SetPolicyAsync(new { Name = "Old news", Action = "DeleteVideo", MinAge = "P90D", DailyLimit = 18 });

        var run = await app.ApplyPoliciesAsync();
        var done = await app.WaitForPolicyRunAsync(run.Prop("RunId"));

        (run.Int("Enqueued"), run.Int("Matched")).Should().Be((18, 18), "the run queues what the day's limit allows");
        done.Prop("Status").Should().Be("Completed");
        (done.Int("Enqueued"), done.Int("Deleted"), done.Int("Skipped"), done.Int("Failed"), done.Int("Remaining")).Should().Be((18, 18, 0, 0, 0));
        done.Long("DeletedBytes").Should().Be(18 * 1300);
        done.GetProperty("EndTime").ValueKind.Should().Be(JsonValueKind.String);
        (await app.ListBlobsAsync()).Should().HaveCount(2 * 3, "two videos wait for the next day");
        var events = await app.DrainEventsAsync();
        events.Should().HaveCount(18).And.OnlyContain(e => e.Prop("Trigger") == policy && e.Prop("RequestId") == run.Prop("RunId") && e.Prop("Status") == "success");
        events.Select(e => e.Prop("MediaId")).Should().OnlyHaveUniqueItems();
        (await app.PreviewAsync(policy))["Total"].GetInt32().Should().Be(0, "the day's limit is used up by the deleted assets");
        var listed = (await app.CallAsync("ListFunctionRuns", new { FunctionName = "ApplyMediaPolicies", PageSize = 1 }))["Runs"][0];
        (listed.Prop("Status"), listed.Int("Deleted"), listed.Int("Remaining")).Should().Be(("Completed", 18, 0));
    }

    [Fact]
    public async Task AtDeleteTimeThePoliciesAsNowStoredDecideAndWhatIsSkippedIsGivenBackToTheDailyLimit()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await StartWithoutListenerAsync(clock);
        var news = await app.SeedPolicyVideoAsync("news", definitions: "LD");
        var sport = await app.SeedPolicyVideoAsync("sport", definitions: "LD");
        var byHand = await app.SeedPolicyVideoAsync("news", definitions: "LD");
        var music = await app.SeedPolicyVideoAsync("music", definitions: "LD");
        clock.Advance(TimeSpan.FromDays(100));
        var edited = await app.SetPolicyAsync(new { Name = "Old news and sport", Action = "DeleteVideo", MinAge = "P90D", CateIds = new[] { "news", "sport" } });
        var disabled = await app.SetPolicyAsync(new { Name = "Old music", Action = "DeleteVideo", MinAge = "P90D", CateIds = new[] { "music" } });
        var run = await app.ApplyPoliciesAsync();
        run.Int("Enqueued").Should().Be(4);
        var messages = await TakeWorkAsync(app);

        // Since the run: one policy no longer takes sport, the other is disabled, a video is deleted by hand.
        await app.SetPolicyAsync(new { PolicyId = edited, Name = "Old news", Action = "DeleteVideo", MinAge = "P90D", CateIds = new[] { "news" } });
        await app.SetPolicyAsync(new { PolicyId = disabled, Name = "Old music", Action = "DeleteVideo", MinAge = "P90D", CateIds = new[] { "music" }, Enabled = false });
        (await app.CallAsync("DeleteVideo", new { VideoIds = new[] { byHand.VideoId } })).Status.Should().Be(200);
        foreach (var message in messages) await DeliverAsync(app, message);

        var done = await app.WaitForPolicyRunAsync(run.Prop("RunId"));
        (done.Int("Deleted"), done.Int("Skipped"), done.Int("Failed"), done.Int("Remaining")).Should().Be((1, 3, 0, 0));
        (await app.CallAsync("GetVideoInfo", new { VideoId = news.VideoId })).Status.Should().Be(404);
        (await app.CallAsync("GetVideoInfo", new { VideoId = sport.VideoId })).Status.Should().Be(200);
        (await app.CallAsync("GetVideoInfo", new { VideoId = music.VideoId })).Status.Should().Be(200);
        var used = (await app.CallAsync("ListMediaPolicies"))["Policies"].EnumerateArray().ToDictionary(p => p.Prop("PolicyId"), p => p.Int("UsedToday"));
        (used[edited], used[disabled]).Should().Be((1, 0), "only the deleted asset counts against the day's limit");
        (await app.DrainEventsAsync()).Select(e => (e.Prop("MediaId"), e.Prop("Trigger"))).Should().BeEquivalentTo([(byHand.VideoId, "api"), (news.VideoId, edited)]);
    }

    [Fact]
    public async Task AMessageDeliveredAgainOrTwiceAtOnceDeletesAndCountsEachAssetOnce()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await StartWithoutListenerAsync(clock);
        var videos = new List<PolicyVideo>();
        for (var i = 0; i < 6; i++) videos.Add(await app.SeedPolicyVideoAsync("news", definitions: "LD"));
        clock.Advance(TimeSpan.FromDays(100));
        var policy = await app.SetPolicyAsync(new { Name = "Old news", Action = "DeleteVideo", MinAge = "P90D", DailyLimit = 6 });
        var run = await app.ApplyPoliciesAsync();
        var message = (await TakeWorkAsync(app)).Should().ContainSingle("six assets go in one message").Subject;

        await Task.WhenAll(DeliverAsync(app, message), DeliverAsync(app, message));
        await DeliverAsync(app, message);

        var done = await app.WaitForPolicyRunAsync(run.Prop("RunId"));
        (done.Int("Deleted"), done.Int("Skipped"), done.Int("Failed"), done.Int("Remaining")).Should().Be((6, 0, 0, 0));
        (await app.ListBlobsAsync()).Should().BeEmpty();
        var events = await app.DrainEventsAsync();
        events.Select(e => e.Prop("MediaId")).Should().BeEquivalentTo(videos.Select(v => v.VideoId), "one success event per asset");
        events.Should().OnlyContain(e => e.Prop("Trigger") == policy && e.Prop("Status") == "success");
    }

    [Fact]
    public async Task AMessageThatKeepsFailingGoesToThePoisonQueueAndReconcileStorageSettlesAndReportsIt()
    {
        var clock = new FakeTimeProvider(Start);
        var network = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0) { Armed = false };
        var settings = new Dictionary<string, string?>(TestApp.FanOut())
        {
            ["Vod:Queues:MaxDequeueCount"] = "2", ["Vod:Queues:VisibilityTimeout"] = "00:00:00",
        };
        await using var app = await TimerKit.StartAsync(clock, settings, network.On(o => o.BlobPolicies));
        var videos = new List<PolicyVideo>();
        for (var i = 0; i < 2; i++) videos.Add(await app.SeedPolicyVideoAsync("news", definitions: "LD"));
        clock.Advance(TimeSpan.FromDays(100));
        var policy = await app.SetPolicyAsync(new { Name = "Old news", Action = "DeleteVideo", MinAge = "P90D", DailyLimit = 2 });
        network.Arm(passing: 0);

        var run = await app.ApplyPoliciesAsync();
        var poison = TestStorage.Queues.GetQueueClient(app.PolicyQueue + "-poison");
        await Until(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length == 1);
        var running = await app.PolicyRunAsync(run.Prop("RunId"));
        (running.Prop("Status"), running.Int("Remaining")).Should().Be(("Running", 2), "its work is not done while the message waits in the poison queue");

        var report = await app.ReconcileAsync();

        var failed = report["FailedPolicyDeletes"].EnumerateArray().Should().ContainSingle().Subject;
        (failed.Prop("RunId"), failed.Prop("PolicyId")).Should().Be((run.Prop("RunId"), policy));
        failed.GetProperty("VideoIds").EnumerateArray().Select(v => v.GetString()).Should().BeEquivalentTo(videos.Select(v => v.VideoId));
        report["LastRun"].Int("FailedPolicyDeletes").Should().Be(2);
        var done = await app.PolicyRunAsync(run.Prop("RunId"));
        (done.Prop("Status"), done.Int("Failed"), done.Int("Remaining")).Should().Be(("Completed", 2, 0));
        (await app.PreviewAsync(policy))["Total"].GetInt32().Should().Be(0, "the videos are being deleted: their journals wait for ReconcileStorage");

        network.Armed = false;
        clock.Advance(TimeSpan.FromMinutes(1));
        (await app.ReconcileAsync())["FinishedDeletes"].GetInt32().Should().Be(2, "ReconcileStorage finishes the deletes the failed message began");
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }

    private static async Task Until(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition()) await Task.Delay(50, timeout.Token);
    }
}
