using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Core.Deletion;
using VodFunctions.Core.Events;
using VodFunctions.Functions.Queues;
using VodFunctions.Functions.Tests.Hosting;

namespace VodFunctions.Functions.Tests.Callbacks;

/// <summary>
/// VOD's HTTP callbacks (<c>Vod__Callback__Url</c>): every event of the events queue is POSTed to a receiver on loopback, signed
/// as VOD signs them, from a queue of its own; tried again when the receiver fails; never lost when the app stops between
/// the event and its callback; never in the way of a delete's answer.
/// </summary>
public sealed class CallbackTests : IAsyncLifetime
{
    private const string AuthKey = "vod-callback-key-0123456789";

    private readonly List<string> _queues = [];
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
        foreach (var queue in _queues) await TestStorage.Queues.GetQueueClient(queue).DeleteIfExistsAsync();
    }

    private async Task<CallbackReceiver> ReceiverAsync(Func<ReceivedCallback, CancellationToken, Task<int>> answer, string? authKey = null, bool checkTime = true)
    {
        var receiver = await CallbackReceiver.StartAsync(answer, authKey, checkTime);
        _owned.Add(receiver);
        return receiver;
    }

    /// <summary>An app's callback settings: a queue of the test's own, quick retries and polls.</summary>
    private Dictionary<string, string?> Settings(string url, string? authKey = null, string? queue = null, Dictionary<string, string?>? more = null)
    {
        queue ??= TestStorage.UniqueName("callbacks-");
        _queues.AddRange([queue, queue + "-poison"]);
        var settings = new Dictionary<string, string?>
        {
            ["Vod:Callback:Url"] = url, ["Vod:Callback:AuthKey"] = authKey, ["Vod:Callback:Queue"] = queue,
            ["Vod:Callback:RetryDelay"] = "00:00:00.100", ["Vod:Queues:MaxPollingInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    private async Task<TestApp> AppAsync(Dictionary<string, string?> settings)
    {
        var app = await TestApp.StartAsync(settings);
        _owned.Add(app);
        return app;
    }

    /// <summary>The events queue's messages as their text (Base64 decoded), not taken off the queue.</summary>
    private static async Task<List<string>> EventTextsAsync(TestApp app) =>
        [.. (await TestStorage.Queues.GetQueueClient(app.QueueName).PeekMessagesAsync(32)).Value.Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.MessageText)))];

    private static async Task<int> MessagesAsync(string queue)
    {
        var client = TestStorage.Queues.GetQueueClient(queue);
        return await client.ExistsAsync() ? (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms for at most 30 s.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, string because)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !await condition(); await Task.Delay(100))
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Never true: {because}");
    }

    private static async Task DeleteAsync(TestApp app, string operation, object body)
    {
        var answer = await app.CallAsync(operation, body);
        answer.Status.Should().Be(200, answer.ToString());
    }

    [Fact]
    public void TheSignatureIsTheMd5OfTheUrlTheTimestampAndTheAuthKeyAsVodDocumentsIt()
    {
        // VOD's example (callback URL, X-VOD-TIMESTAMP, PrivateKey), its MD5 by md5sum.
        Core.Events.Callbacks.Signature("https://www.example.com/your/callback", "1519375990", "test123").Should().Be("c72b60894140fa98920f1279219b7ed4");
        Core.Events.Callbacks.Signature("https://www.example.com/your/callback", "1519375991", "test123").Should().NotBe("c72b60894140fa98920f1279219b7ed4");
        CallbackReceiver.SignatureOf("https://www.example.com/your/callback", "1519375990", "test123").Should().Be("c72b60894140fa98920f1279219b7ed4");
    }

    [Fact]
    public async Task EveryEventIsPostedSignedWithTheSameJsonAsOnTheEventsQueue()
    {
        var receiver = await ReceiverAsync(CallbackReceiver.Always(200), AuthKey);
        var app = await AppAsync(Settings(receiver.BaseUrl + "/vod/callback", AuthKey));
        var (whole, part) = (await app.SeedVideoAsync(streams: 1), await app.SeedVideoAsync(streams: 2));

        await DeleteAsync(app, "DeleteVideo", new { VideoIds = whole.VideoId });
        await DeleteAsync(app, "DeleteStream", new { VideoId = part.VideoId, JobIds = part.JobIds[0] });

        var calls = await receiver.WaitForAsync(c => c.Count(call => call.Answer == 200) >= 2, "both callbacks accepted");
        calls.Should().AllSatisfy(call =>
        {
            call.SignatureValid.Should().BeTrue();
            call.Timestamp.Should().MatchRegex("^[0-9]{10}$");
            call.Signature.Should().Be(CallbackReceiver.SignatureOf(receiver.BaseUrl + "/vod/callback", call.Timestamp!, AuthKey));
            call.Path.Should().Be("/vod/callback");
        });
        var events = await EventTextsAsync(app);
        events.Should().HaveCount(2, "consumers of the events queue still get every event");
        calls.Select(c => c.Body).Should().BeEquivalentTo(events, "each callback's body is its event as the queue has it, field for field");
        calls.Select(c => (c.Event.Prop("EventType"), c.Event.Prop("Status"), c.Event.Prop("MediaId"), c.Event.Prop("DeleteType")))
            .Should().BeEquivalentTo([("DeleteMediaComplete", "success", whole.VideoId, "all"), ("DeleteMediaComplete", "success", part.VideoId, "stream")]);
        calls.Single(c => c.Event.Prop("DeleteType") == "stream").Event.GetProperty("JobIds").EnumerateArray().Select(j => j.GetString()).Should().Equal(part.JobIds[0]);
    }

    [Fact]
    public async Task AReceiverThatFailsTwiceGetsTheCallbackOnTheThirdAttempt()
    {
        // An error, then no answer within the timeout, then 200.
        var receiver = await ReceiverAsync(async (call, aborted) =>
        {
            if (call.Number == 2) await Task.Delay(Timeout.Infinite, aborted);
            return call.Number == 1 ? 500 : 200;
        });
        var settings = Settings(receiver.BaseUrl + "/hook", more: new() { ["Vod:Callback:Timeout"] = "00:00:00.500" });
        var app = await AppAsync(settings);
        var video = await app.SeedVideoAsync(streams: 1);

        await DeleteAsync(app, "DeleteVideo", new { VideoIds = video.VideoId });

        var calls = await receiver.WaitForAsync(c => c.Any(call => call.Answer == 200) && c.All(call => call.Answer != 0), "a delivered callback");
        calls.Select(c => c.Number).Should().Equal(1, 2, 3);
        calls.Select(c => c.Answer).Should().Equal(500, -1, 200);
        calls.Select(c => c.Body).Distinct().Should().ContainSingle().Which.Should().Be((await EventTextsAsync(app)).Single());
        await EventuallyAsync(async () => await MessagesAsync(settings["Vod:Callback:Queue"]!) == 0, "the delivered callback leaves its queue");
        (await MessagesAsync(settings["Vod:Callback:Queue"] + "-poison")).Should().Be(0);
    }

    [Fact]
    public async Task ACallbackThatFailsEveryAttemptIsKeptInThePoisonQueue()
    {
        var receiver = await ReceiverAsync(CallbackReceiver.Always(503));
        var settings = Settings(receiver.BaseUrl + "/hook", more: new() { ["Vod:Callback:Attempts"] = "3" });
        var app = await AppAsync(settings);
        var video = await app.SeedVideoAsync(streams: 1);

        await DeleteAsync(app, "DeleteVideo", new { VideoIds = video.VideoId });

        var poison = TestStorage.Queues.GetQueueClient(settings["Vod:Callback:Queue"] + "-poison");
        await EventuallyAsync(async () => await MessagesAsync(poison.Name) == 1, "the callback in the poison queue");
        receiver.Calls.Select(c => c.Answer).Should().Equal(503, 503, 503);
        var kept = CallbackMessage.Parse(Encoding.UTF8.GetString(Convert.FromBase64String((await poison.PeekMessageAsync()).Value.MessageText)));
        (kept!.Value.Attempt, kept.Value.Event).Should().Be((3, (await EventTextsAsync(app)).Single()));
        (await MessagesAsync(settings["Vod:Callback:Queue"]!)).Should().Be(0);
    }

    [Fact]
    public async Task AReceiverThatNeverAnswersNeverHoldsUpADelete()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = await ReceiverAsync(async (_, aborted) =>
        {
            await release.Task.WaitAsync(aborted);
            return 200;
        });
        var app = await AppAsync(Settings(receiver.BaseUrl + "/hook", more: new() { ["Vod:Callback:Timeout"] = "00:02:00" }));
        var (first, second) = (await app.SeedVideoAsync(streams: 1), await app.SeedVideoAsync(streams: 1));

        await DeleteAsync(app, "DeleteVideo", new { VideoIds = first.VideoId });
        await receiver.WaitForAsync(c => c.Any(call => call.Answer == 0), "the first callback, left hanging");
        var answer = await app.CallAsync("DeleteVideo", new { VideoIds = second.VideoId });

        release.Task.IsCompleted.Should().BeFalse("the receiver has not answered yet");
        receiver.Calls.Should().Contain(c => c.Answer == 0, "the first callback still hangs while the second delete answers");
        answer.Status.Should().Be(200, answer.ToString());
        answer["Deleted"].Int("Files").Should().BeGreaterThan(0);
        (await app.ListBlobsAsync(second.Folder)).Should().BeEmpty();

        release.SetResult();
        var calls = await receiver.WaitForAsync(c => c.Where(call => call.Answer == 200).Select(call => call.Event.Prop("MediaId")).Distinct().Count() == 2,
            "both callbacks accepted once the receiver answers");
        calls.Where(c => c.Answer == 200).Select(c => c.Event.Prop("MediaId")).Should().Contain([first.VideoId, second.VideoId]);
    }

    [Fact]
    public async Task AnEventStoredButNeverSentIsDeliveredByTheNextInstance()
    {
        // The queue refuses while the delete ends: the success event is stored with the delete's last records, as a process
        // that stopped right after them leaves it; neither the event nor its callback went out. That app stops.
        var receiver = await ReceiverAsync(CallbackReceiver.Always(200), AuthKey, checkTime: false);
        var queueDown = new FaultPolicy(_ => true, passing: 0) { Armed = false };
        var settings = Settings(receiver.BaseUrl + "/first", AuthKey);
        var first = await TestApp.StartAsync(settings, queueDown.On(o => o.QueuePolicies, maxRetries: 0));
        _owned.Add(first);
        var video = await first.SeedVideoAsync(streams: 1);
        queueDown.Arm(passing: 0);
        await DeleteAsync(first, "DeleteVideo", new { VideoIds = video.VideoId });
        await first.StopAsync();
        queueDown.Armed = false;
        (await EventTextsAsync(first)).Should().BeEmpty();
        (await MessagesAsync(settings["Vod:Callback:Queue"]!)).Should().Be(0);
        var media = TestStorage.Tables.GetTableClient(first.TablePrefix + "Media");
        (await media.QueryAsync<TableEntity>(e => e.PartitionKey == video.VideoId).ToListAsync())
            .Should().ContainSingle(e => e.RowKey.StartsWith(PendingEventEntity.Prefix), "the event is stored, to be sent");

        // A new instance on the same storage, once the first's delete has no owner, sends the event and its callback.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(10));
        var next = await TimerKit.StartAsync(clock, new Dictionary<string, string?>(first.SharedStorage().Concat(settings)) { ["Vod:Callback:Url"] = receiver.BaseUrl + "/next" });
        _owned.Add(next);
        (await next.ReconcileAsync())["LastRun"].Int("FinishedDeletes").Should().Be(1);

        var call = (await receiver.WaitForAsync(c => c.Any(call => call.Answer == 200), "the stored event's callback")).Should().ContainSingle().Subject;
        (call.Path, call.SignatureValid).Should().Be(("/next", true));
        call.Body.Should().Be((await EventTextsAsync(next)).Single());
        (call.Event.Prop("MediaId"), call.Event.Prop("Status")).Should().Be((video.VideoId, "success"));
    }

    [Fact]
    public async Task ACallbackWhoseAppStopsWhileDeliveringItIsDeliveredByTheNextInstance()
    {
        // The first instance's receiver never answers: the app stops with the callback taken off its queue, not delivered.
        var receiver = await ReceiverAsync(async (call, aborted) =>
        {
            if (call.Path == "/first") await Task.Delay(Timeout.Infinite, aborted);
            return 200;
        });
        var settings = Settings(receiver.BaseUrl + "/first", more: new() { ["Vod:Callback:Timeout"] = "00:02:00", ["Vod:Queues:Lease"] = "00:00:03" });
        var first = await AppAsync(settings);
        var video = await first.SeedVideoAsync(streams: 1);
        await DeleteAsync(first, "DeleteVideo", new { VideoIds = video.VideoId });
        var taken = (await receiver.WaitForAsync(c => c.Any(call => call.Path == "/first"), "the first instance's attempt")).First();
        await first.StopAsync();

        // A new instance on the same storage delivers it once the stopped one's hold on the message lapses.
        var next = await AppAsync(new Dictionary<string, string?>(first.SharedStorage().Concat(settings)) { ["Vod:Callback:Url"] = receiver.BaseUrl + "/next" });
        var calls = await receiver.WaitForAsync(c => c.Any(call => call.Path == "/next" && call.Answer == 200), "the next instance's delivery");

        var delivered = calls.First(c => c.Path == "/next" && c.Answer == 200);
        delivered.Body.Should().Be(taken.Body).And.Be((await EventTextsAsync(next)).Single());
        calls.Should().OnlyContain(c => c.Path == "/next" || c.Answer != 200, "the stopped instance never got an answer");
    }

    [Fact]
    public async Task UnderTheFunctionsHostTheQueueTriggeredFunctionDeliversAndQueuesItsRetry()
    {
        var receiver = await ReceiverAsync((call, _) => Task.FromResult(call.Number == 1 ? 500 : 200), AuthKey);
        // The standalone app deletes and stores the callback; its own listener is off, the worker under the host delivers.
        var settings = Settings(receiver.BaseUrl + "/host", AuthKey, more: new() { ["AzureWebJobs.DeliverCallback.Disabled"] = "true" });
        var app = await AppAsync(settings);
        var environment = app.Settings.Where(s => s.Value is not null && !s.Key.StartsWith("AzureWebJobs.", StringComparison.Ordinal))
            .ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value!);
        environment["Logging__LogLevel__Default"] = "Warning";
        await using var host = await FunctionsHost.StartAsync(FunctionsHostTests.Hostings.WorkerDll, environment);
        var video = await app.SeedVideoAsync(streams: 1);
        await DeleteAsync(app, "DeleteVideo", new { VideoIds = video.VideoId });

        // As the host's queue listener: take each message, invoke the function with it, delete it when the function succeeds.
        var queue = TestStorage.Queues.GetQueueClient(settings["Vod:Callback:Queue"]);
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Azure.Storage.Queues.Models.QueueMessage? message = null;
            await EventuallyAsync(async () => (message = (await queue.ReceiveMessagesAsync(1)).Value.SingleOrDefault()) is not null, $"attempt {attempt} on the queue");
            var outcome = await host.InvokeQueueAsync(DeliverCallback.Name, Encoding.UTF8.GetString(Convert.FromBase64String(message!.MessageText)), message.MessageId, message.DequeueCount);
            outcome.Status.Should().Be(InvocationStatus.Success, outcome.ToString());
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        var calls = await receiver.WaitForAsync(c => c.Any(call => call.Answer == 200), "the delivery through the host");
        calls.Select(c => (c.Path, c.SignatureValid, c.Answer)).Should().Equal(("/host", true, 500), ("/host", true, 200));
        calls.Select(c => c.Body).Distinct().Should().ContainSingle().Which.Should().Be((await EventTextsAsync(app)).Single());
        (await MessagesAsync(queue.Name)).Should().Be(0);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/hook", null, null, "Vod__Callback__Url")]
    [InlineData("/hook", null, null, "Vod__Callback__Url")]
    [InlineData("", "some-key", null, "Vod__Callback__AuthKey")]
    [InlineData("http://127.0.0.1/hook", null, "0", "Vod__Callback__Attempts")]
    [InlineData("http://127.0.0.1/hook", null, "100", "Vod__Callback__RetryDelay")]
    public async Task SettingsThatCannotWorkStopTheAppAtStartNamingTheSetting(string url, string? authKey, string? attempts, string setting)
    {
        var settings = Settings(url, authKey, more: new() { ["Vod:Callback:Attempts"] = attempts, ["Vod:Callback:RetryDelay"] = "00:00:10" });
        var start = () => TestApp.StartAsync(settings);
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().StartWith(setting);
    }

    [Fact]
    public void TheStandaloneListenerReadsQueuesAsHostJsonHasTheHostReadThem()
    {
        var queues = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")))!["extensions"]!["queues"]!;
        var standalone = new QueueListenerOptions();

        TimeSpan.Parse(queues["maxPollingInterval"]!.GetValue<string>()).Should().Be(standalone.MaxPollingInterval);
        TimeSpan.Parse(queues["visibilityTimeout"]!.GetValue<string>()).Should().Be(standalone.VisibilityTimeout);
        queues["maxDequeueCount"]!.GetValue<int>().Should().Be(standalone.MaxDequeueCount);
        queues["batchSize"]!.GetValue<int>().Should().Be(standalone.BatchSize);
        queues["messageEncoding"]!.GetValue<string>().Should().Be("base64", "the app's queue clients encode Base64");
    }
}
