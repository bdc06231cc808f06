using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Core;
using VodFunctions.Functions.Tests.Alibaba;
using VodFunctions.Functions.Tests.RecycleBin;

namespace VodFunctions.Functions.Tests.Holds;

/// <summary>SetMediaHold, ReleaseMediaHold, ListMediaHolds: held media is never deleted, by any path.</summary>
public sealed class HoldTests
{
    private const string Reason = "Case 2026-114";

    private static async Task HoldAsync(TestApp app, string mediaType, params string[] ids)
    {
        var held = await app.CallAsync("SetMediaHold", new { MediaType = mediaType, MediaIds = ids, Reason });
        held.Status.Should().Be(200, held.ToString());
        held["NonExistMediaIds"].GetArrayLength().Should().Be(0);
    }

    private static IEnumerable<string> Ids(ApiResponse response, string field) => response[field].EnumerateArray().Select(e => e.GetString()!);

    [Fact]
    public async Task HoldsAreSetListedShownOnReadsAndReleased()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, snapshots: 1);
        var (image, _) = await app.SeedFileAsync("image");
        var (attached, _) = await app.SeedFileAsync("attached");
        var unknown = Guid.NewGuid().ToString("N");

        var set = await app.CallAsync("SetMediaHold", new { MediaType = "video", MediaIds = new[] { video.VideoId, unknown }, Reason });
        await HoldAsync(app, "image", image);
        await HoldAsync(app, "attached", attached);

        set.Status.Should().Be(200, set.ToString());
        Ids(set, "NonExistMediaIds").Should().Equal(unknown);
        var hold = (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].GetProperty("Hold");
        (hold.Prop("Reason"), hold.Prop("SetBy")).Should().Be((Reason, "Admin key"));
        DateTimeOffset.Parse(hold.Prop("SetTime")).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        (await app.CallAsync("GetImageInfo", new { ImageId = image }))["ImageInfo"].GetProperty("Hold").Prop("Reason").Should().Be(Reason);
        (await app.CallAsync("GetImageInfo", new { ImageId = video.ImageIds["CoverSnapshot"][0] }))["ImageInfo"].TryGetProperty("Hold", out _).Should().BeFalse();
        (await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = attached }))["AttachedMediaList"][0].GetProperty("Hold").Prop("Reason").Should().Be(Reason);
        (await app.CallAsync("SearchMedia", new { SearchType = "video" }))["MediaList"][0].GetProperty("Video").GetProperty("Hold").Prop("Reason").Should().Be(Reason);
        var listed = await app.CallAsync("ListMediaHolds");
        listed["Holds"].EnumerateArray().Select(h => (h.Prop("MediaType"), h.Prop("MediaId"), h.Prop("AppId"), h.Prop("Reason")))
            .Should().BeEquivalentTo(new[] { ("video", video.VideoId, TestApp.DefaultApp, Reason), ("image", image, TestApp.DefaultApp, Reason), ("attached", attached, TestApp.DefaultApp, Reason) });
        (await app.CallAsync("ListMediaHolds", new { MediaType = "image" }))["Holds"].EnumerateArray().Select(h => h.Prop("MediaId")).Should().Equal(image);
        (await app.CallAsync("ListMediaHolds", new { AppId = TestApp.OtherApp }))["Holds"].GetArrayLength().Should().Be(0);
        (await app.CallAsync("ListMediaHolds", key: TestApp.OtherAppKey))["Holds"].GetArrayLength().Should().Be(0, "a key sees the holds of its applications only");

        var released = await app.CallAsync("ReleaseMediaHold", new { MediaType = "video", MediaIds = new[] { video.VideoId, unknown } });

        released.Status.Should().Be(200, released.ToString());
        Ids(released, "NonExistMediaIds").Should().Equal(unknown);
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].TryGetProperty("Hold", out _).Should().BeFalse();
        (await app.CallAsync("ListMediaHolds"))["Holds"].GetArrayLength().Should().Be(2);
        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }))["ForbiddenVideoIds"].GetArrayLength().Should().Be(0);
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty("a released video is deleted as any other");
    }

    [Fact]
    public async Task OnlyAnAdminKeySetsOrReleasesAHoldAndAReasonIsRequired()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);

        var full = await app.CallAsync("SetMediaHold", new { MediaType = "video", MediaIds = video.VideoId, Reason }, TestApp.FullKey);
        var noReason = await app.CallAsync("SetMediaHold", new { MediaType = "video", MediaIds = video.VideoId });
        var blank = await app.CallAsync("SetMediaHold", new { MediaType = "video", MediaIds = video.VideoId, Reason = "  " });
        var tooLong = await app.CallAsync("SetMediaHold", new { MediaType = "video", MediaIds = video.VideoId, Reason = new string('x', 1025) });
        var badType = await app.CallAsync("SetMediaHold", new { MediaType = "stream", MediaIds = video.VideoId, Reason });
        var tooMany = await app.CallAsync("SetMediaHold", new { MediaType = "video", MediaIds = Enumerable.Range(0, 21).Select(_ => Guid.NewGuid().ToString("N")).ToArray(), Reason });
        var release = await app.CallAsync("ReleaseMediaHold", new { MediaType = "video", MediaIds = video.VideoId }, TestApp.FullKey);

        (full.Status, full.Code).Should().Be((403, "Forbidden"));
        (release.Status, release.Code).Should().Be((403, "Forbidden"));
        new[] { noReason, blank }.Should().AllSatisfy(r => r.Code.Should().Be("MissingParameter"));
        new[] { tooLong, badType }.Should().AllSatisfy(r => (r.Status, r.Code).Should().Be((400, "InvalidParameter"), r.ToString()));
        tooMany.Code.Should().Be("MediaIdsExceededMax");
        (await app.CallAsync("ListMediaHolds"))["Holds"].GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task EveryDeleteOfHeldMediaIsRefusedAndDeletesNothingDryRunOrNot()
    {
        await using var app = await BinState.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, snapshots: 1);
        var (image, imageUrl) = await app.SeedFileAsync("image");
        var (attached, _) = await app.SeedFileAsync("attached");
        var (freeImage, _) = await app.SeedFileAsync("image");
        var (freeAttached, _) = await app.SeedFileAsync("attached");
        await HoldAsync(app, "video", video.VideoId);
        await HoldAsync(app, "image", image);
        await HoldAsync(app, "attached", attached);
        var blobs = await app.BlobsAsync();
        var rows = await app.RowsAsync();
        var snapshot = video.ImageIds["NormalSnapshot"][0];

        foreach (var dryRun in new[] { true, false })
            foreach (var permanent in new[] { true, false })
            {
                var answers = new[]
                {
                    await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0], DryRun = dryRun, Permanent = permanent }),
                    await app.CallAsync("DeleteMezzanines", new { VideoIds = video.VideoId, Force = true, DryRun = dryRun, Permanent = permanent }),
                    await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All", DryRun = dryRun, Permanent = permanent }),
                    await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = snapshot, DryRun = dryRun, Permanent = permanent }),
                    await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = new[] { freeImage, image }, DryRun = dryRun, Permanent = permanent }),
                    await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = imageUrl, DryRun = dryRun, Permanent = permanent }),
                    await app.CallAsync("DeleteAttachedMedia", new { MediaIds = new[] { freeAttached, attached }, DryRun = dryRun, Permanent = permanent }),
                };
                answers.Should().AllSatisfy(a => (a.Status, a.Code).Should().Be((403, "Forbidden.MediaHold"), a.ToString()));
                answers[0].Json.GetProperty("Message").GetString().Should().Contain(video.VideoId);
            }

        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.RowsAsync()).Should().Equal(rows);
        (await app.EventsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task DeleteVideoListsHeldVideosAndVideosWithAHeldSnapshotAsForbiddenAndDeletesTheRest()
    {
        await using var app = await TestApp.StartAsync();
        var held = await app.SeedVideoAsync(streams: 1, snapshots: 1);
        var free = await app.SeedVideoAsync(streams: 1, snapshots: 1);
        var withHeldSnapshot = await app.SeedVideoAsync(streams: 1, snapshots: 1);
        var theirs = await app.SeedVideoAsync(streams: 0, snapshots: 0, appId: TestApp.OtherApp);
        await HoldAsync(app, "video", held.VideoId);
        var heldSnapshot = withHeldSnapshot.ImageIds["CoverSnapshot"][0];
        await HoldAsync(app, "image", heldSnapshot);
        var kept = (await app.ListBlobsAsync()).Where(b => !b.StartsWith(free.Folder, StringComparison.Ordinal)).ToList();
        var freeFiles = (await app.ListBlobsAsync(free.Folder)).Count;
        string[] ids = [held.VideoId, free.VideoId, withHeldSnapshot.VideoId, theirs.VideoId];

        var dryRun = await app.CallAsync("DeleteVideo", new { VideoIds = ids, DryRun = true }, TestApp.FullKey);
        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = ids }, TestApp.FullKey);

        Ids(dryRun, "ForbiddenVideoIds").Should().Equal(held.VideoId, withHeldSnapshot.VideoId, theirs.VideoId);
        dryRun["Plan"].Int("Files").Should().Be(freeFiles, "the plan counts the free video only");
        deleted.Status.Should().Be(200, deleted.ToString());
        Ids(deleted, "ForbiddenVideoIds").Should().Equal(held.VideoId, withHeldSnapshot.VideoId, theirs.VideoId);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(kept);
        (await app.EventsAsync()).Select(e => e.Prop("MediaId")).Should().Equal(free.VideoId);

        // A held snapshot holds itself and its video whole, not the video's other parts.
        (await app.CallAsync("DeleteStream", new { VideoId = withHeldSnapshot.VideoId, JobIds = withHeldSnapshot.JobIds[0] })).Status.Should().Be(200);
        (await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = withHeldSnapshot.ImageIds["NormalSnapshot"][0] })).Status.Should().Be(200);
        (await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = heldSnapshot })).Code.Should().Be("Forbidden.MediaHold");
        (await app.ListBlobsAsync(withHeldSnapshot.Folder)).Should().Contain($"{withHeldSnapshot.Folder}snapshots/CoverSnapshot/000.jpg");
    }

    [Fact]
    public async Task TheRecycleBinKeepsWhatAHeldVideoLeftThereNeitherAPurgeNorTheTimerTakesIt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TimerKit.StartAsync(clock, BinState.Bin);
        var video = await app.SeedVideoAsync(streams: 2, segments: 2, snapshots: 0);
        var other = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var entry = BinState.EntryOf(await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0] }));
        var otherEntry = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = other.VideoId }));
        await HoldAsync(app, "video", video.VideoId);
        var blobs = await app.ListBlobsAsync(video.Folder);

        var purge = await app.CallAsync("PurgeRecycleBin", new { EntryIds = entry });
        var all = await app.CallAsync("PurgeRecycleBin", new { All = true });
        clock.Advance(TimeSpan.FromDays(8));
        var invoked = await app.RunTimerAsync("EmptyRecycleBin");

        (purge.Status, purge.Code).Should().Be((403, "Forbidden.MediaHold"));
        (all.Status, all.Code).Should().Be((403, "Forbidden.MediaHold"), "a purge refused in part purges nothing");
        invoked.Status.Should().Be("Completed", invoked.ToString());
        (await app.ListBlobsAsync(video.Folder)).Should().Equal(blobs);
        (await app.ListBlobsAsync(other.Folder)).Should().BeEmpty("the timer purges the entries not held");
        (await app.EntriesAsync()).Select(e => e.Prop("EntryId")).Should().Equal(entry);
        var run = (await app.CallAsync("ListFunctionRuns", new { FunctionName = "EmptyRecycleBin" }))["Runs"][0];
        (run.Int("PurgedEntries"), run.Int("HeldEntries"), run.Int("FailedEntries")).Should().Be((1, 1, 0));
        otherEntry.Should().NotBe(entry);

        await app.CallAsync("ReleaseMediaHold", new { MediaType = "video", MediaIds = video.VideoId });
        (await app.CallAsync("PurgeRecycleBin", new { EntryIds = entry }))["PurgedEntryIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(entry);
        (await app.ListBlobsAsync(video.Folder)).Should().HaveCount(blobs.Count - 3);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APolicyRunLeavesHeldVideosAloneAndCountsThemAsHeld(bool fanOut)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 3, 1, 10, 0, 0, TimeSpan.Zero));
        await using var app = await TimerKit.StartAsync(clock, fanOut ? TestApp.FanOut() : null);
        var videos = new List<PolicyVideo>();
        for (var i = 0; i < 3; i++) videos.Add(await app.SeedPolicyVideoAsync("news", definitions: "LD"));
        clock.Advance(TimeSpan.FromDays(100));
        var policy = await app.SetPolicyAsync(new { Name = "Old news", Action = "DeleteVideo", MinAge = "P90D" });
        await HoldAsync(app, "video", videos[1].VideoId);
        var heldBlobs = await app.ListBlobsAsync(videos[1].Folder);

        var preview = await app.PreviewAsync(policy);
        var run = await app.ApplyPoliciesAsync();
        var done = fanOut ? await app.WaitForPolicyRunAsync(run.Prop("RunId")) : run;

        preview["Matches"].EnumerateArray().Single(m => m.Prop("VideoId") == videos[1].VideoId).GetProperty("Held").GetBoolean().Should().BeTrue();
        (done.Int("Deleted"), done.Int("Held"), done.Int("Skipped"), done.Int("Failed")).Should().Be((2, 1, 0, 0), done.ToString());
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(heldBlobs);
        (await app.CallAsync("GetVideoInfo", new { VideoId = videos[1].VideoId })).Status.Should().Be(200);
        (await app.DrainEventsAsync()).Select(e => e.Prop("MediaId")).Should().BeEquivalentTo([videos[0].VideoId, videos[2].VideoId]);
    }

    [Fact]
    public async Task TheReconcileSweepNeverDeletesAHeldMediasFilesEvenWithoutItsRecords()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TimerKit.StartAsync(clock);
        var held = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var free = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        await HoldAsync(app, "video", held.VideoId);
        var heldBlobs = await app.ListBlobsAsync(held.Folder);
        // Both lose their records behind the service's back: their files are orphans, but one is held.
        var media = TestStorage.Tables.GetTableClient(app.TablePrefix + "Media");
        foreach (var video in new[] { held, free })
            await foreach (var row in media.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == video.VideoId))
                await media.DeleteEntityAsync(row.PartitionKey, row.RowKey);

        var first = await app.ReconcileAsync();
        clock.Advance(TimeSpan.FromHours(25));
        var second = await app.ReconcileAsync();

        first["OrphanBlobs"].EnumerateArray().Select(o => o.Prop("Path")).Should().OnlyContain(p => p.StartsWith(free.Folder, StringComparison.Ordinal)).And.NotBeEmpty();
        second["LastRun"].Int("DeletedOrphans").Should().BeGreaterThan(0);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(heldBlobs);
    }

    [Fact]
    public async Task AHoldSetAfterADeleteFoundNoneButBeforeItIsJournalledStopsIt()
    {
        // The delete is held at its journal's first write: it has read the video and found no hold.
        var gate = new GatePolicy(m => m.Request.Method != RequestMethod.Get
            && Uri.UnescapeDataString(m.Request.Uri.ToString()).Contains("Index(PartitionKey='journal'", StringComparison.Ordinal));
        await using var app = await TestApp.StartAsync(configure: b => b.Services.Configure<StorageClientsOptions>(o => o.TablePolicies.Add(gate)));
        var video = await app.SeedVideoAsync(streams: 2, segments: 2, snapshots: 0);
        var blobs = await app.ListBlobsAsync();
        gate.Armed = true;
        var delete = app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0] });
        await gate.Entered;
        gate.Armed = false;

        await HoldAsync(app, "video", video.VideoId);
        gate.Open();
        var answer = await delete;

        (answer.Status, answer.Code).Should().Be((403, "Forbidden.MediaHold"), answer.ToString());
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(blobs);
        (await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task AHoldSetWhileADeleteIsAlreadyJournalledDoesNotStopThatDelete()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0);
        await using var app = await TimerKit.StartAsync(clock, configure: fault.On(o => o.BlobPolicies, maxRetries: 0));
        var video = await app.SeedVideoAsync(streams: 2, segments: 2, snapshots: 0);
        var failed = await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0] });
        failed.Code.Should().Be("DeleteStreamFailed", "the delete is journalled and stopped midway");
        fault.Armed = false;

        await HoldAsync(app, "video", video.VideoId);
        clock.Advance(TimeSpan.FromMinutes(6));
        var report = await app.ReconcileAsync();

        report["FinishedDeletes"].GetInt32().Should().Be(1);
        (await app.ListBlobsAsync($"{video.Folder}streams/{video.JobIds[0]}/")).Should().BeEmpty("a delete journalled before the hold is finished");
        (await app.ListBlobsAsync($"{video.Folder}streams/{video.JobIds[1]}/")).Should().HaveCount(3);
        (await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[1] })).Code.Should().Be("Forbidden.MediaHold");
        (await app.ListBlobsAsync($"{video.Folder}streams/{video.JobIds[1]}/")).Should().HaveCount(3);
    }

    [Fact]
    public async Task AHoldCanBeSetAndReleasedThroughVodsEndpoint()
    {
        await using var app = await TestApp.StartAsync(AlibabaClients.KeyIds);
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);

        var answers = await app.CallAllAsync(
            new AlibabaCall("SetMediaHold", new { MediaType = "video", MediaIds = new[] { video.VideoId }, Reason = "Case 7" }) { Method = "POST" },
            new AlibabaCall("DeleteVideo", new { VideoIds = new[] { video.VideoId } }) { Method = "POST" },
            new AlibabaCall("ListMediaHolds"));

        answers[0].Status.Should().Be(200, answers[0].ToString());
        answers[1].Body.GetProperty("ForbiddenVideoIds").EnumerateArray().Select(e => e.GetString()).Should().Equal(video.VideoId);
        answers[2].Body.GetProperty("Holds")[0].Prop("Reason").Should().Be("Case 7");
        (await app.ListBlobsAsync(video.Folder)).Should().NotBeEmpty();
    }

    [Fact]
    public async Task TheAuditLogRecordsEveryRefusalOfHeldMediaWithItsCode()
    {
        await using var app = await TestApp.StartAsync();
        var held = await app.SeedVideoAsync(streams: 1, snapshots: 0);
        var free = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        await HoldAsync(app, "video", held.VideoId);

        var stream = await app.CallAsync("DeleteStream", new { VideoId = held.VideoId, JobIds = held.JobIds[0] });
        var videos = await app.CallAsync("DeleteVideo", new { VideoIds = $"{held.VideoId},{free.VideoId}" });

        (stream.Status, stream.Code).Should().Be((403, "Forbidden.MediaHold"));
        Ids(videos, "ForbiddenVideoIds").Should().Equal(held.VideoId);
        var records = (await app.CallAsync("ListDeletions", new { MediaId = held.VideoId }))["Deletions"].EnumerateArray()
            .Select(r => (r.Prop("Operation"), r.Prop("Outcome"))).ToList();
        records.Should().BeEquivalentTo(new[] { ("DeleteStream", "Forbidden"), ("DeleteVideo", "Forbidden") });
        (await app.CallAsync("ListDeletions", new { MediaId = free.VideoId }))["Deletions"].EnumerateArray().Select(r => r.Prop("Outcome"))
            .Should().Equal("Deleted");
        (await app.ListBlobsAsync(held.Folder)).Should().NotBeEmpty("held media is never deleted");
    }
}
