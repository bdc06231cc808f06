using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Core;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Deletion;

namespace VodFunctions.Functions.Tests.Reconcile;

public sealed class ReconcileStorageTests
{
    private static IEnumerable<string> Paths(ApiResponse report) => report["OrphanBlobs"].EnumerateArray().Select(o => o.Prop("Path"));

    [Fact]
    public async Task InterruptedDeleteVideoIsFinishedByReconcileStorage()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0);
        await using var app = await TimerKit.StartAsync(clock, configure: fault.On(o => o.BlobPolicies, maxRetries: 0));
        var video = await app.SeedVideoAsync(streams: 1, segments: 4, snapshots: 1);
        var kept = await app.SeedVideoAsync(streams: 0, snapshots: 0);

        var failed = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });
        failed.Status.Should().Be(503, failed.ToString());
        failed.Code.Should().Be("DeleteVideoFailed");
        fault.Armed = false;
        (await app.ListBlobsAsync(video.Folder)).Should().NotBeEmpty("the delete stopped midway");

        var early = await app.ReconcileAsync();
        early["FinishedDeletes"].GetInt32().Should().Be(0, "a delete journalled moments ago may still be in flight");
        (await app.ListBlobsAsync(video.Folder)).Should().NotBeEmpty();

        clock.Advance(TimeSpan.FromMinutes(6));
        var report = await app.ReconcileAsync();

        report["FinishedDeletes"].GetInt32().Should().Be(1);
        report["LastRun"].Prop("Status").Should().Be("Completed");
        (await app.ListBlobsAsync()).Should().Equal(kept.MezzanineBlob);
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
        (await app.CallAsync("SearchMedia", new { SearchType = "video" }))["MediaList"].EnumerateArray().Select(m => m.Prop("MediaId")).Should().Equal(kept.VideoId);
        var journal = TestStorage.Tables.GetTableClient(app.TablePrefix + "Index").QueryAsync<TableEntity>(e => e.PartitionKey == JournalStore.IndexPartition);
        (await journal.ToListAsync()).Should().BeEmpty();
        Paths(report).Should().BeEmpty();
        report["MissingFiles"].GetArrayLength().Should().Be(0);
        var events = await app.DrainEventsAsync();
        events.Select(e => (e.Prop("MediaId"), e.Prop("Status"))).Should().Equal((video.VideoId, "fail"), (video.VideoId, "success"));
        events[1].Prop("Trigger").Should().Be("api");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADeleteWhoseOwnerIsGoneIsFinishedByTheFirstRunWellUnderAMinuteLater(bool renewalsFail)
    {
        // The owner stops midway (its blob deletes held) and shows no more sign of life: its clock stands still, as a dead
        // process's does, or storage refuses its heartbeat.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var ownerClock = renewalsFail ? clock : new FakeTimeProvider(clock.GetUtcNow());
        var gate = new GatePolicy(FaultPolicy.IsBlobDelete);
        var refused = new FaultPolicy(IsRenewal, passing: 0) { Armed = renewalsFail };
        await using var owner = await TimerKit.StartAsync(ownerClock, configure: builder =>
        {
            refused.On(o => o.TablePolicies, maxRetries: 0)(builder);
            builder.Services.Configure<StorageClientsOptions>(o => o.BlobPolicies.Add(gate));
        });
        await using var reconciler = await TimerKit.StartAsync(clock, owner.SharedStorage());
        var video = await owner.SeedVideoAsync(streams: 1, segments: 4, snapshots: 1);
        gate.Armed = true;
        var deleting = owner.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });
        await gate.Entered.WaitAsync(TimeSpan.FromMinutes(1));

        clock.Advance(TimeSpan.FromSeconds(20));
        (await reconciler.ReconcileAsync())["FinishedDeletes"].GetInt32().Should().Be(0, "its owner showed it was alive 20 s ago");
        clock.Advance(TimeSpan.FromSeconds(15));
        (await reconciler.ReconcileAsync())["FinishedDeletes"].GetInt32().Should().Be(1, "no sign of its owner for 35 s");

        (await reconciler.ListBlobsAsync()).Should().BeEmpty();
        (await reconciler.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
        if (renewalsFail) refused.Failed.Should().BeGreaterThan(0);
        gate.Open();
        (await deleting).Status.Should().Be(200, "an owner that was only slow finds its delete finished");
        (await reconciler.DrainEventsAsync()).Should().ContainSingle().Which.Prop("Status").Should().Be("success");
    }

    [Fact]
    public async Task ALiveDeleteIsLeftToItsOwnerHoweverLongItTakes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var gate = new GatePolicy(FaultPolicy.IsBlobDelete);
        var renewals = new Renewals();
        await using var owner = await TimerKit.StartAsync(clock, configure: builder => builder.Services.Configure<StorageClientsOptions>(o =>
        {
            o.BlobPolicies.Add(gate);
            o.TablePolicies.Add(renewals);
        }));
        await using var reconciler = await TimerKit.StartAsync(clock, owner.SharedStorage());
        var video = await owner.SeedVideoAsync(streams: 1, segments: 4, snapshots: 1);
        var blobs = await owner.ListBlobsAsync();
        gate.Armed = true;
        var deleting = owner.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });
        await gate.Entered.WaitAsync(TimeSpan.FromMinutes(1));

        for (var period = 1; period <= 36; period++) // six minutes: longer than any fixed age would wait
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            await renewals.NextAsync();
            if (period % 3 == 0) (await reconciler.ReconcileAsync())["FinishedDeletes"].GetInt32().Should().Be(0, $"its owner is alive after {period * 10} s");
        }
        renewals.Count.Should().Be(36, "one heartbeat a period");
        (await owner.ListBlobsAsync()).Should().BeEquivalentTo(blobs);

        gate.Open();
        (await deleting).Status.Should().Be(200);
        (await owner.ListBlobsAsync()).Should().BeEmpty();
        (await owner.DrainEventsAsync()).Should().ContainSingle().Which.Prop("Status").Should().Be("success");
    }

    /// <summary>A renewal of a delete's heartbeat: a merge into its journal entry.</summary>
    private static bool IsRenewal(HttpMessage message) =>
        message.Request.Method == RequestMethod.Patch && message.Request.Uri.ToString().Contains(JournalStore.IndexPartition, StringComparison.Ordinal);

    /// <summary>Lets a test wait for the app's next heartbeat renewal to be answered.</summary>
    private sealed class Renewals : HttpPipelinePolicy
    {
        private readonly SemaphoreSlim _answered = new(0);
        private int _count;

        public int Count => _count;

        public async Task NextAsync() =>
            (await _answered.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("a running delete renews its heartbeat every period");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            Answered(message);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            Answered(message);
        }

        private void Answered(HttpMessage message)
        {
            if (!IsRenewal(message)) return;
            Interlocked.Increment(ref _count);
            _answered.Release();
        }
    }

    /// <summary>
    /// An app with three videos whose deletes storage failed, a minute apart (in the order <paramref name="order"/> gives),
    /// six minutes ago. From then on every reading of its clock takes a minute: each ReconcileStorage run (a budget of one
    /// minute) spends its budget on one delete.
    /// </summary>
    private static async Task<(TestApp App, List<SeededVideo> Videos)> InterruptedDeletesAsync(
        Func<List<SeededVideo>, List<SeededVideo>>? order = null)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0) { Armed = false };
        var app = await TimerKit.StartAsync(clock, new Dictionary<string, string?> { ["Vod:Reconcile:RunBudget"] = "00:01:00" },
            fault.On(o => o.BlobPolicies, maxRetries: 0));
        var videos = new List<SeededVideo>();
        for (var i = 0; i < 3; i++) videos.Add(await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0));
        videos = order?.Invoke(videos) ?? videos;
        fault.Arm(passing: 0);
        foreach (var video in videos)
        {
            (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Status.Should().Be(503);
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        fault.Armed = false;
        clock.Advance(TimeSpan.FromMinutes(6));
        clock.AutoAdvanceAmount = TimeSpan.FromMinutes(1);
        return (app, videos);
    }

    [Fact]
    public async Task FinishingInterruptedDeletesKeepsToTheRunBudget()
    {
        var (app, videos) = await InterruptedDeletesAsync();
        await using var _ = app;

        var finished = new List<int>();
        while (finished.Count < 10 && finished.Sum() < videos.Count)
            finished.Add((await app.ReconcileAsync())["LastRun"].Int("FinishedDeletes"));

        finished[0].Should().Be(1, "the run stopped at its budget");
        finished.Sum().Should().Be(videos.Count, "later runs finished the rest");
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task InterruptedDeletesAreFinishedOldestFirst()
    {
        // The oldest delete is of the video whose journal entry sorts last.
        var (app, videos) = await InterruptedDeletesAsync(seeded => [.. seeded.OrderByDescending(v => v.VideoId, StringComparer.Ordinal)]);
        await using var _ = app;

        foreach (var (video, i) in videos.Select((v, i) => (v, i)))
        {
            (await app.ReconcileAsync())["LastRun"].Int("FinishedDeletes").Should().Be(1);
            (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty($"the delete begun {i + 1}. is finished by run {i + 1}");
            foreach (var later in videos.Skip(i + 1)) (await app.ListBlobsAsync(later.Folder)).Should().NotBeEmpty("a younger delete waits its turn");
        }
    }

    [Fact]
    public async Task AnEventTheQueueRefusedIsSentByReconcileStorageOnce()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var queueDown = new FaultPolicy(_ => true, passing: 0) { Armed = false };
        await using var app = await TimerKit.StartAsync(clock, configure: queueDown.On(o => o.QueuePolicies, maxRetries: 0));
        var video = await app.SeedVideoAsync(streams: 1, segments: 4, snapshots: 1);
        var files = (await app.ListBlobsAsync(video.Folder)).Count;
        queueDown.Arm(passing: 0);

        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });
        deleted.Status.Should().Be(200, "the delete is done; only its event waits");
        queueDown.Armed = false;
        (await app.ListBlobsAsync()).Should().BeEmpty();
        (await app.EventsAsync()).Should().BeEmpty();

        clock.Advance(TimeSpan.FromMinutes(6));
        (await app.ReconcileAsync())["FinishedDeletes"].GetInt32().Should().Be(1);
        clock.Advance(TimeSpan.FromMinutes(15));
        await app.ReconcileAsync();

        var sent = (await app.DrainEventsAsync()).Should().ContainSingle().Subject;
        (sent.Prop("MediaId"), sent.Prop("Status"), sent.GetProperty("DeletedFiles").GetInt32()).Should().Be((video.VideoId, "success", files));
        sent.Prop("OperationId").Should().MatchRegex("^[0-9a-f]{32}$");
        var media = TestStorage.Tables.GetTableClient(app.TablePrefix + "Media").QueryAsync<TableEntity>(e => e.PartitionKey == video.VideoId);
        (await media.ToListAsync()).Should().BeEmpty();
        var journal = TestStorage.Tables.GetTableClient(app.TablePrefix + "Index").QueryAsync<TableEntity>(e => e.PartitionKey == JournalStore.IndexPartition);
        (await journal.ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task JournalIndexEntryWhoseJournalIsGoneIsCleanedUp()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TimerKit.StartAsync(clock);
        var index = TestStorage.Tables.GetTableClient(app.TablePrefix + "Index");
        var partition = Guid.NewGuid().ToString("N");
        await index.AddEntityAsync(new IndexEntity
        {
            PartitionKey = JournalStore.IndexPartition, RowKey = partition + "|" + Guid.NewGuid().ToString("N"), Kind = "video", MediaId = partition,
            OwnerPartition = partition, OwnerRow = "journal|gone", CreationTime = clock.GetUtcNow(),
        });
        clock.Advance(TimeSpan.FromMinutes(10));

        var report = await app.ReconcileAsync();

        report["LastRun"].Int("CleanedJournalEntries").Should().Be(1);
        report["FinishedDeletes"].GetInt32().Should().Be(0);
        (await index.QueryAsync<TableEntity>(e => e.PartitionKey == JournalStore.IndexPartition).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task OrphanBlobIsReportedAndDeletedOnlyWhenSeenAgainAGraceLater()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TimerKit.StartAsync(clock);
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var owned = await app.ListBlobsAsync();
        var orphans = new[]
        {
            $"videos/{Guid.NewGuid():N}/mezzanine/lost.mp4", $"images/{Guid.NewGuid():N}/lost.png", "attached/not-an-id/lost.bin", "videos/stray.bin",
        };
        foreach (var orphan in orphans) await app.UploadAsync(orphan, 77);
        var rewritten = $"attached/{Guid.NewGuid():N}/rewritten.bin";
        await app.UploadAsync(rewritten, 5);
        await app.UploadAsync("elsewhere/not-media.bin");

        var first = await app.ReconcileAsync();
        Paths(first).Should().BeEquivalentTo(orphans.Append(rewritten));
        var lost = first["OrphanBlobs"].EnumerateArray().Single(o => o.Prop("Path") == orphans[0]);
        lost.Long("Size").Should().Be(77);
        DateTimeOffset.Parse(lost.Prop("FirstSeen")).Should().BeCloseTo(clock.GetUtcNow(), TimeSpan.FromSeconds(1));
        first["LastRun"].Int("OrphanBlobs").Should().Be(orphans.Length + 1);

        clock.Advance(TimeSpan.FromHours(1));
        var second = await app.ReconcileAsync();
        Paths(second).Should().HaveCount(orphans.Length + 1, "seen twice, but not a grace period apart");
        second["LastRun"].Int("DeletedOrphans").Should().Be(0);
        second["LastRun"].Int("OrphanBlobs").Should().Be(0, "nothing new");

        await app.UploadAsync(rewritten, 6); // written again: a new sighting
        clock.Advance(TimeSpan.FromHours(24));
        var third = await app.ReconcileAsync();

        third["LastRun"].Int("DeletedOrphans").Should().Be(orphans.Length);
        Paths(third).Should().Equal(rewritten);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(owned.Append(rewritten).Append("elsewhere/not-media.bin"));
    }

    [Fact]
    public async Task OrphanYoungerThanTheGraceIsNeverDeleted()
    {
        // The service's clock runs three days behind storage's: the blob is younger than the grace for days.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-3));
        await using var app = await TimerKit.StartAsync(clock);
        var orphan = $"videos/{Guid.NewGuid():N}/mezzanine/in-flight.mp4";
        await app.UploadAsync(orphan);

        Paths(await app.ReconcileAsync()).Should().Equal(orphan);
        clock.Advance(TimeSpan.FromHours(25));
        var second = await app.ReconcileAsync();
        second["LastRun"].Int("DeletedOrphans").Should().Be(0, "seen twice a grace apart, but written less than a grace ago");
        (await app.ListBlobsAsync()).Should().Equal(orphan);

        clock.Advance(TimeSpan.FromDays(3));
        var third = await app.ReconcileAsync();
        third["LastRun"].Int("DeletedOrphans").Should().Be(1);
        (await app.ListBlobsAsync()).Should().BeEmpty();
        Paths(third).Should().BeEmpty();
    }

    [Fact]
    public async Task TwoLocationNamesForOneContainerMakeNoOrphans()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var container = TestStorage.UniqueName("media-");
        await using var app = await TimerKit.StartAsync(clock, new Dictionary<string, string?>
        {
            ["Vod:MediaContainer"] = container,
            ["Vod:StorageLocations:0:Name"] = "mirror",
            ["Vod:StorageLocations:0:ConnectionString"] = TestStorage.ConnectionString,
            ["Vod:StorageLocations:0:Container"] = container,
        });
        await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var blobs = await app.ListBlobsAsync();

        await app.ReconcileAsync();
        clock.Advance(TimeSpan.FromHours(25));
        var second = await app.ReconcileAsync();

        Paths(second).Should().BeEmpty("every blob has its record, whichever name the container is walked under");
        second["LastRun"].Int("DeletedOrphans").Should().Be(0);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(blobs);
    }

    [Fact]
    public async Task GraceIsASetting()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TimerKit.StartAsync(clock, new Dictionary<string, string?> { ["Vod:Reconcile:OrphanGrace"] = "01:00:00" });
        var orphan = $"images/{Guid.NewGuid():N}/lost.png";
        await app.UploadAsync(orphan);

        await app.ReconcileAsync();
        clock.Advance(TimeSpan.FromMinutes(61));
        var second = await app.ReconcileAsync();

        second["LastRun"].Int("DeletedOrphans").Should().Be(1);
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task RecordsWhoseFilesWereDeletedInStorageAreReported()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TimerKit.StartAsync(clock);
        var damaged = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var intact = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1, appId: TestApp.OtherApp);
        var (imageId, imageUrl) = await app.SeedFileAsync("image");
        await app.SeedFileAsync("attached");
        var jobId = damaged.JobIds[0];
        var playlist = $"{damaged.Folder}streams/{jobId}/index.m3u8";
        var cover = (await app.CallAsync("GetImageInfo", new { ImageId = damaged.ImageIds["CoverSnapshot"][0] }))["ImageInfo"].Prop("URL");
        var coverBlob = new Azure.Storage.Blobs.BlobUriBuilder(new Uri(cover)).BlobName;
        var imageBlob = new Azure.Storage.Blobs.BlobUriBuilder(new Uri(imageUrl)).BlobName;
        foreach (var blob in new[] { damaged.MezzanineBlob, playlist, coverBlob, imageBlob }) await app.Container.DeleteBlobAsync(blob);

        var report = await app.ReconcileAsync();

        report["MissingFiles"].EnumerateArray().Select(m => (m.Prop("MediaId"), m.Prop("MediaType"), m.Prop("Path"))).Should().BeEquivalentTo(
        [
            (damaged.VideoId, "video", damaged.MezzanineBlob),
            (jobId, "stream", playlist),
            (damaged.ImageIds["CoverSnapshot"][0], "image", coverBlob),
            (imageId, "image", imageBlob),
        ]);
        report["MissingFiles"].EnumerateArray().Single(m => m.Prop("MediaType") == "stream").Prop("VideoId").Should().Be(damaged.VideoId);
        report["TotalMissingFiles"].GetInt32().Should().Be(4);
        Paths(report).Should().BeEmpty("the files left in the damaged video's folders still belong to it");
        report["LastRun"].Int("ScannedRecords").Should().Be(4);
        (await app.CallAsync("GetReconcileReport", key: TestApp.OtherAppKey))["MissingFiles"].GetArrayLength().Should().Be(0);
        (await app.CallAsync("GetReconcileReport", key: TestApp.FullKey))["OrphanBlobs"].GetArrayLength().Should().Be(0);
        (await app.CallAsync("GetVideoInfo", new { VideoId = intact.VideoId })).Status.Should().Be(200);

        await app.UploadAsync(damaged.MezzanineBlob, 1000);
        clock.Advance(TimeSpan.FromMinutes(15));
        var again = await app.ReconcileAsync();
        again["MissingFiles"].EnumerateArray().Select(m => m.Prop("Path")).Should().NotContain(damaged.MezzanineBlob).And.HaveCount(3);
    }

    [Fact]
    public async Task WhileARunIsUnderWayTheReportIsTheLastEndedRunsAndNamesTheRunInProgress()
    {
        // The next run is held at its first read of the catalog's index (finishing interrupted deletes), after it is recorded.
        var gate = new GatePolicy(m => m.Request.Method == RequestMethod.Get && m.Request.Uri.Path.Contains("Index", StringComparison.Ordinal));
        await using var app = await TestApp.StartAsync(configure: b => b.Services.Configure<StorageClientsOptions>(o => o.TablePolicies.Add(gate)));
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        await app.Container.DeleteBlobAsync(video.MezzanineBlob);
        var ended = (await app.ReconcileAsync())["LastRun"];
        var done = app.Services.GetRequiredService<VodFunctions.Functions.Timers.TimerRunner>().NextCompletionAsync("ReconcileStorage");
        gate.Armed = true;

        var accepted = await app.PostAsync("/admin/functions/ReconcileStorage", null, TestApp.AdminKey);
        var during = await app.CallAsync("GetReconcileReport");

        accepted.Status.Should().Be(202, accepted.ToString());
        during.Status.Should().Be(200, during.ToString());
        (during["LastRun"].Prop("RunId"), during["LastRun"].Prop("Status")).Should().Be((ended.Prop("RunId"), "Completed"));
        during["LastRun"].Int("ScannedRecords").Should().Be(ended.Int("ScannedRecords"));
        (during["RunInProgress"].Prop("RunId"), during["RunInProgress"].Prop("Trigger")).Should().Be((accepted.Str("RunId"), "Admin"));
        during["MissingFiles"].EnumerateArray().Select(m => m.Prop("MediaId")).Should().Equal(video.VideoId);
        gate.Open();
        await done.WaitAsync(TimeSpan.FromMinutes(1));
        var after = await app.CallAsync("GetReconcileReport");
        after["LastRun"].Prop("RunId").Should().Be(accepted.Str("RunId"));
        after.Json.TryGetProperty("RunInProgress", out _).Should().BeFalse("no run is under way");
    }

    [Fact]
    public async Task WalkGoesPageByPageAndContinuesAcrossRuns()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TimerKit.StartAsync(clock, new Dictionary<string, string?>
        {
            ["Vod:Reconcile:PageSize"] = "2", ["Vod:Reconcile:RunBudget"] = "00:01:00",
        });
        await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var orphans = Enumerable.Range(0, 5).Select(i => $"videos/{Guid.NewGuid():N}/mezzanine/{i}.mp4").ToList();
        foreach (var orphan in orphans) await app.UploadAsync(orphan);
        var blobs = (await app.ListBlobsAsync()).Count;
        clock.AutoAdvanceAmount = TimeSpan.FromMinutes(1); // every reading of the clock takes a minute: each run stops after one page

        var runs = new List<JsonElement>();
        while (runs.Count < 40 && (runs.Count == 0 || !runs[^1].GetProperty("PassCompleted").GetBoolean()))
            runs.Add((await app.ReconcileAsync())["LastRun"]);

        runs.Should().HaveCountGreaterThan(3);
        runs[0].Prop("Status").Should().Be("Interrupted");
        runs[^1].Prop("Status").Should().Be("Completed");
        runs.Sum(r => r.Int("ScannedBlobs")).Should().Be(blobs, "each blob is listed once per pass");
        runs.Sum(r => r.Int("ScannedRecords")).Should().Be(1);
        runs.Sum(r => r.Int("OrphanBlobs")).Should().Be(orphans.Count);
        Paths((await app.CallAsync("GetReconcileReport"))).Should().BeEquivalentTo(orphans);
    }
}
