using Microsoft.Extensions.Time.Testing;

namespace VodFunctions.Functions.Tests.RecycleBin;

/// <summary>A storage fault after any step of a move, a restore or a purge leaves it journalled; a retry or ReconcileStorage finishes it.</summary>
public sealed class RecycleBinFaultTests
{
    /// <summary>A video of 123 records: a move or restore of it is a journal transaction and then 3 of its own.</summary>
    private static Task<SeededVideo> SeedLargeAsync(TestApp app) => app.SeedVideoAsync(streams: 2, segments: 2, snapshots: 30);

    private static async Task<TestApp> StartAsync(FaultPolicy fault, FakeTimeProvider? clock = null) =>
        clock is null
            ? await TestApp.StartAsync(BinState.Bin, fault.On(o => o.TablePolicies))
            : await TimerKit.StartAsync(clock, BinState.Bin, fault.On(o => o.TablePolicies));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AMoveThatFailsAfterSomeTransactionsIsFinishedByARetryAndRestoresUnchanged(int passing)
    {
        var fault = new FaultPolicy(FaultPolicy.IsTableTransaction, passing) { Armed = false };
        await using var app = await StartAsync(fault);
        var video = await SeedLargeAsync(app);
        var (blobs, rows) = (await app.BlobsAsync(), await app.RowsAsync());
        fault.Arm(passing);

        var failed = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        failed.Status.Should().Be(503, failed.ToString());
        failed.Code.Should().Be("DeleteVideoFailed");
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
        (await app.BlobsAsync()).Should().Equal(blobs);
        fault.Armed = false;
        var retried = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });
        var entryId = (await app.EntriesAsync()).Should().ContainSingle().Subject.Prop("EntryId");
        BinState.EntryOf(retried).Should().Be(entryId, "the retry that finishes the move answers as the move would have");
        DateTimeOffset.Parse(retried["RecycleBin"].Prop("PurgeTime")).Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(7), TimeSpan.FromMinutes(1));
        retried["Deleted"].Int("Files").Should().Be(blobs.Count);
        (await app.RowsAsync()).Where(r => r.StartsWith("Media", StringComparison.Ordinal)).Should().OnlyContain(r => r.Contains(" bin|"));

        (await app.RestoreAsync(entryId)).Status.Should().Be(200);
        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.RowsAsync()).Should().Equal(rows);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ARestoreThatFailsAfterSomeTransactionsIsFinishedByARetry(int passing)
    {
        var fault = new FaultPolicy(FaultPolicy.IsTableTransaction, passing) { Armed = false };
        await using var app = await StartAsync(fault);
        var video = await SeedLargeAsync(app);
        var (blobs, rows) = (await app.BlobsAsync(), await app.RowsAsync());
        var entryId = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }));
        fault.Arm(passing);

        var failed = await app.RestoreAsync(entryId);

        failed.Status.Should().Be(503, failed.ToString());
        failed.Code.Should().Be("RestoreMediaFailed");
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Code.Should().Be("InvalidVideo.NotFound", "the video row comes back last");
        fault.Armed = false;
        var retried = await app.RestoreAsync(entryId);

        retried.Status.Should().Be(200, retried.ToString());
        retried["RestoredEntryIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(entryId);
        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.RowsAsync()).Should().Equal(rows);
        (await app.DrainEventsAsync()).Where(e => e.Prop("Status") == "success").Select(e => e.Prop("EventType"))
            .Should().Equal("DeleteMediaComplete", "RestoreMediaComplete");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task APurgeThatFailsPartWayIsFinishedByARetry(int passing)
    {
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing) { Armed = false };
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>(BinState.Bin) { ["Vod:DeleteBatchSize"] = "2" }, fault.On(o => o.BlobPolicies));
        var video = await SeedLargeAsync(app);
        var kept = await app.SeedVideoAsync(streams: 1);
        var keptBlobs = await app.ListBlobsAsync(kept.Folder);
        var entryId = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }));
        fault.Arm(passing);

        var failed = await app.CallAsync("PurgeRecycleBin", new { EntryIds = entryId });

        failed.Status.Should().Be(503, failed.ToString());
        failed.Code.Should().Be("PurgeRecycleBinFailed");
        (await app.EntriesAsync()).Should().BeEmpty("an entry being purged is no longer listed");
        (await app.RestoreAsync(entryId)).Code.Should().Be("InvalidEntry.NotFound", "it is being purged");
        fault.Armed = false;
        var retried = await app.CallAsync("PurgeRecycleBin", new { EntryIds = entryId });

        retried.Status.Should().Be(200, retried.ToString());
        retried["PurgedEntryIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(entryId);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(keptBlobs);
        (await app.BinRowsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task APartRestoreThatStopsBeforeItsLastStepShowsNoneOfItsRecordsUntilARetryFinishesIt()
    {
        var fault = new FaultPolicy(FaultPolicy.IsTableTransaction, 0) { Armed = false };
        await using var app = await StartAsync(fault);
        var video = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 15);
        var (blobs, rows) = (await app.BlobsAsync(), await app.RowsAsync());
        var imageIds = video.ImageIds.Values.SelectMany(i => i).ToList();
        var entryId = BinState.EntryOf(await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All" }));
        var size = (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].Long("Size");
        // The restore of 60 snapshots: its journal, a transaction of the first 12, then the last one with the other 48 (which fails here).
        fault.Arm(2);

        var failed = await app.RestoreAsync(entryId);

        failed.Status.Should().Be(503, failed.ToString());
        fault.Armed = false;
        var media = TestStorage.Tables.GetTableClient(app.TablePrefix + "Media");
        var back = await media.QueryAsync<Azure.Data.Tables.TableEntity>($"PartitionKey eq '{video.VideoId}'").Where(r => r.RowKey.StartsWith("image|", StringComparison.Ordinal)).ToListAsync();
        back.Should().HaveCount(12, "the first transaction brought some rows back");
        (await app.CallAsync("ListSnapshots", new { VideoId = video.VideoId }))["Images"].GetArrayLength().Should().Be(0);
        foreach (var row in back) (await app.CallAsync("GetImageInfo", new { ImageId = row.GetString("ImageId") })).Status.Should().Be(404);
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].Long("Size").Should().Be(size);

        var retried = await app.RestoreAsync(entryId);

        retried.Status.Should().Be(200, retried.ToString());
        (await app.CallAsync("ListSnapshots", new { VideoId = video.VideoId }))["Images"].EnumerateArray().Select(i => i.Prop("ImageId")).Should().BeEquivalentTo(imageIds);
        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.RowsAsync()).Should().Equal(rows, "the restore's marks are gone once it has ended");
    }

    [Fact]
    public async Task ReconcileStorageFinishesAMoveAndARestoreNobodyRetried()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fault = new FaultPolicy(FaultPolicy.IsTableTransaction, 2) { Armed = false };
        await using var app = await StartAsync(fault, clock: clock);
        var video = await SeedLargeAsync(app);
        var (blobs, rows) = (await app.BlobsAsync(), await app.RowsAsync());
        fault.Arm(2);
        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Status.Should().Be(503);
        fault.Armed = false;

        clock.Advance(TimeSpan.FromMinutes(6));
        var report = await app.ReconcileAsync();

        report["LastRun"].Int("FinishedDeletes").Should().Be(1);
        report["OrphanBlobs"].GetArrayLength().Should().Be(0);
        var entryId = (await app.EntriesAsync()).Should().ContainSingle().Subject.Prop("EntryId");
        fault.Arm(2);
        (await app.RestoreAsync(entryId)).Status.Should().Be(503);
        fault.Armed = false;
        clock.Advance(TimeSpan.FromMinutes(6));
        (await app.ReconcileAsync())["LastRun"].Int("FinishedDeletes").Should().Be(1);
        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.RowsAsync()).Should().Equal(rows);
    }

    [Fact]
    public async Task ARestoreRacingAPurgeEndsAsOneOfThemNeverBoth()
    {
        await using var app = await BinState.StartAsync();
        var videos = new List<SeededVideo>();
        for (var i = 0; i < 6; i++) videos.Add(await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1));
        var entries = new List<string>();
        foreach (var video in videos) entries.Add(BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })));

        var outcomes = await Task.WhenAll(entries.Select(async entryId =>
        {
            var restore = app.RestoreAsync(entryId);
            var purge = app.CallAsync("PurgeRecycleBin", new { EntryIds = entryId });
            return (Restore: await restore, Purge: await purge);
        }));

        for (var i = 0; i < videos.Count; i++)
        {
            var (restore, purge) = outcomes[i];
            var restored = restore.Status == 200;
            var purged = purge.Status == 200 && purge["PurgedEntryIds"].GetArrayLength() == 1;
            restored.Should().NotBe(purged, "exactly one of {0} and {1} took the entry", restore, purge);
            if (!restored) restore.Code.Should().Be("InvalidEntry.NotFound");
            var info = await app.CallAsync("GetVideoInfo", new { VideoId = videos[i].VideoId });
            var files = await app.ListBlobsAsync(videos[i].Folder);
            if (restored) (info.Status, files.Count).Should().Be((200, 1 + 3 + 4));
            else (info.Status, files.Count).Should().Be((404, 0));
        }
        (await app.EntriesAsync()).Should().BeEmpty();
        (await app.BinRowsAsync()).Should().BeEmpty();
    }
}
