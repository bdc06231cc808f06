namespace VodFunctions.Functions.Tests.RecycleBin;

public sealed class RecycleBinTests
{
    [Fact]
    public async Task DeleteVideoMovesItIntoTheBinWithItsFilesInPlaceAndRestoreBringsItBackUnchanged()
    {
        await using var app = await BinState.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, segments: 3, snapshots: 1);
        var other = await app.SeedVideoAsync(streams: 1);
        var (blobs, rows) = (await app.BlobsAsync(), await app.RowsAsync());
        var info = (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].GetRawText();
        await app.DrainEventsAsync();

        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, TestApp.FullKey);

        var entryId = BinState.EntryOf(deleted);
        var purgeTime = DateTimeOffset.Parse(deleted["RecycleBin"].Prop("PurgeTime"));
        purgeTime.Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(7), TimeSpan.FromMinutes(1));
        deleted["Deleted"].Int("Files").Should().Be(1 + 2 * 4 + 4);
        (await app.BlobsAsync()).Should().Equal(blobs, "the files stay where they are, untouched");
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
        (await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
        (await app.CallAsync("GetImageInfo", new { ImageId = video.ImageIds["CoverSnapshot"][0] })).Status.Should().Be(404);
        (await app.CallAsync("SearchMedia", new { SearchType = "video" }))["MediaList"].EnumerateArray().Select(m => m.Prop("MediaId")).Should().Equal(other.VideoId);
        var entry = (await app.EntriesAsync()).Should().ContainSingle().Subject;
        entry.Prop("EntryId").Should().Be(entryId);
        (entry.Prop("MediaType"), entry.Prop("MediaId"), entry.Prop("DeleteType"), entry.Prop("DeletedBy")).Should().Be(("video", video.VideoId, "all", "Full key"));
        (entry.Int("Files"), entry.Long("Bytes")).Should().Be((13, 1000 + 2 * (100 + 3 * 200) + 4 * 50));
        DateTimeOffset.Parse(entry.Prop("PurgeTime")).Should().Be(purgeTime);
        var moved = (await app.DrainEventsAsync()).Should().ContainSingle().Subject;
        (moved.Prop("EventType"), moved.Prop("RecycleBinEntryId"), moved.Prop("MediaId"), moved.Int("DeletedFiles")).Should().Be(("DeleteMediaComplete", entryId, video.VideoId, 13));
        DateTimeOffset.Parse(moved.Prop("PurgeTime")).Should().Be(purgeTime);

        var restored = await app.RestoreAsync(entryId);

        restored.Status.Should().Be(200, restored.ToString());
        restored["RestoredEntryIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(entryId);
        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.RowsAsync()).Should().Equal(rows, "the same records, index rows and sizes");
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].GetRawText().Should().Be(info);
        (await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(2);
        (await app.EntriesAsync()).Should().BeEmpty();
        var back = (await app.DrainEventsAsync()).Should().ContainSingle().Subject;
        (back.Prop("EventType"), back.Prop("RecycleBinEntryId"), back.Prop("MediaId"), back.Prop("DeleteType")).Should().Be(("RestoreMediaComplete", entryId, video.VideoId, "all"));
        (await app.RestoreAsync(entryId)).Code.Should().Be("InvalidEntry.NotFound");
    }

    [Fact]
    public async Task ARepeatedDeleteOfAVideosSnapshotsByTypeMovesNothingMoreIntoTheBin()
    {
        await using var app = await BinState.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 3);
        var body = new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All" };
        var entryId = BinState.EntryOf(await app.CallAsync("DeleteImage", body));
        var rows = await app.RowsAsync();

        var again = await app.CallAsync("DeleteImage", body);

        again.Status.Should().Be(200, again.ToString());
        (again.Json.TryGetProperty("RecycleBin", out var bin) && bin.ValueKind == System.Text.Json.JsonValueKind.Object)
            .Should().BeFalse("its snapshots' files are the first entry's: {0}", again);
        (await app.EntriesAsync()).Select(e => e.Prop("EntryId")).Should().Equal(entryId);
        (await app.RowsAsync()).Should().Equal(rows);
    }

    public static TheoryData<string> Modes => ["stream", "mezzanine", "imageIds", "imageUrls", "snapshotTypes", "uploadedImage", "attached"];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task EachDeleteModeMovesIntoTheBinAndBack(string mode)
    {
        await using var app = await BinState.StartAsync();
        var video = await app.SeedVideoAsync(transcodeMode: mode == "mezzanine" ? "NoTranscode" : "FastTranscode", streams: 2, segments: 2, snapshots: 2);
        var (imageId, imageUrl) = await app.SeedFileAsync("image");
        var (attachedId, _) = await app.SeedFileAsync("attached");
        var (blobs, rows) = (await app.BlobsAsync(), await app.RowsAsync());
        var size = (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].Long("Size");
        var cover = (await app.CallAsync("ListSnapshots", new { VideoId = video.VideoId, SnapshotType = "CoverSnapshot" }))["Images"][0].Prop("URL");

        var (operation, body, gone) = mode switch
        {
            "stream" => ("DeleteStream", (object)new { VideoId = video.VideoId, JobIds = video.JobIds[0] }, 100L + 2 * 200),
            "mezzanine" => ("DeleteMezzanines", new { VideoIds = video.VideoId, Force = true }, 1000L),
            "imageIds" => ("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = video.ImageIds["NormalSnapshot"] }, 2 * 50L),
            "imageUrls" => ("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = new[] { cover } }, 50L),
            "snapshotTypes" => ("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = new[] { "SpriteSnapshot", "SpriteOriginSnapshot" } }, 4 * 50L),
            "uploadedImage" => ("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = imageId }, 0L),
            _ => ("DeleteAttachedMedia", new { MediaIds = attachedId }, 0L),
        };
        var entryId = BinState.EntryOf(await app.CallAsync(operation, body, TestApp.FullKey));

        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].Long("Size").Should().Be(size - gone, "what is in the bin no longer counts");
        (await app.ReconcileAsync())["OrphanBlobs"].GetArrayLength().Should().Be(0, "the bin's files are owned");
        switch (mode)
        {
            case "stream":
                (await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId }))["PlayInfoList"].EnumerateArray().Select(p => p.Prop("JobId")).Should().NotContain(video.JobIds[0]);
                break;
            case "mezzanine":
                (await app.CallAsync("GetMezzanineInfo", new { VideoId = video.VideoId }))["Mezzanine"].Prop("Status").Should().Be("Deleted");
                break;
            case "uploadedImage":
                (await app.CallAsync("GetImageInfo", new { ImageId = imageId })).Status.Should().Be(404);
                break;
            case "attached":
                (await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = attachedId }))["NonExistMediaIds"].GetArrayLength().Should().Be(1);
                break;
            default:
                (await app.CallAsync("ListSnapshots", new { VideoId = video.VideoId }))["Images"].GetArrayLength().Should().Be(4 * 2 - (int)(gone / 50));
                break;
        }
        var entry = (await app.EntriesAsync()).Should().ContainSingle().Subject;
        entry.Prop("EntryId").Should().Be(entryId);

        var restored = await app.RestoreAsync(entryId);

        restored.Status.Should().Be(200, restored.ToString());
        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.RowsAsync()).Should().Equal(rows);
        (await app.EntriesAsync()).Should().BeEmpty();
        _ = imageUrl;
    }

    [Fact]
    public async Task APartOfAVideoDeletedBeforeTheVideoIsRestoredOnlyAfterTheVideo()
    {
        await using var app = await BinState.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, segments: 2);
        var (blobs, rows) = (await app.BlobsAsync(), await app.RowsAsync());
        var stream = BinState.EntryOf(await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0] }));
        var whole = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });
        var videoEntry = BinState.EntryOf(whole);
        whole["Deleted"].Int("Files").Should().Be(1 + 3 + 4, "the stream in the bin is its own entry's");
        var binned = await app.BinRowsAsync();

        var refused = await app.RestoreAsync(stream, videoEntry);

        refused.Status.Should().Be(409, refused.ToString());
        refused.Code.Should().Be("InvalidEntry.Conflict");
        ((string)refused.Str("Message")).Should().Contain(stream).And.Contain(video.VideoId);
        (await app.BinRowsAsync()).Should().Equal(binned, "nothing is restored");
        (await app.EntriesAsync()).Select(e => e.Prop("EntryId")).Should().Equal(videoEntry, stream);

        (await app.RestoreAsync(videoEntry)).Status.Should().Be(200);
        (await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(1);
        (await app.RestoreAsync(stream)).Status.Should().Be(200);
        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.RowsAsync()).Should().Equal(rows);
    }

    [Fact]
    public async Task AMezzanineIsNotRestoredOverAVideoWithoutItsRecord()
    {
        await using var app = await BinState.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1);
        var mezzanine = BinState.EntryOf(await app.CallAsync("DeleteMezzanines", new { VideoIds = video.VideoId }));
        var whole = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }));

        (await app.RestoreAsync(mezzanine)).Code.Should().Be("InvalidEntry.Conflict");
        (await app.RestoreAsync(whole)).Status.Should().Be(200);
        (await app.CallAsync("GetMezzanineInfo", new { VideoId = video.VideoId }))["Mezzanine"].Prop("Status").Should().Be("Deleted");
        (await app.RestoreAsync(mezzanine)).Status.Should().Be(200);
        (await app.CallAsync("GetMezzanineInfo", new { VideoId = video.VideoId }))["Mezzanine"].Prop("Status").Should().Be("Normal");
    }

    [Fact]
    public async Task PurgeRemovesTheFilesForGoodAndAVideosPurgeTakesItsPartsEntries()
    {
        await using var app = await BinState.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, segments: 2, snapshots: 1);
        var kept = await app.SeedVideoAsync(streams: 1);
        var stream = BinState.EntryOf(await app.CallAsync("DeleteStream", new { VideoId = kept.VideoId, JobIds = kept.JobIds[0] }));
        var part = BinState.EntryOf(await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0] }));
        var whole = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }));
        await app.DrainEventsAsync();

        (await app.CallAsync("PurgeRecycleBin", new { EntryIds = whole }, TestApp.FullKey)).Code.Should().Be("Forbidden");
        (await app.CallAsync("PurgeRecycleBin", new { EntryIds = whole, All = true })).Code.Should().Be("InvalidParameter");
        var purged = await app.CallAsync("PurgeRecycleBin", new { EntryIds = new[] { whole, Guid.NewGuid().ToString("N") } });

        purged.Status.Should().Be(200, purged.ToString());
        purged["PurgedEntryIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(whole);
        purged["NonExistEntryIds"].GetArrayLength().Should().Be(1);
        purged["Purged"].Int("Files").Should().Be(1 + 2 * 3 + 4);
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
        (await app.EntriesAsync()).Select(e => e.Prop("EntryId")).Should().Equal(stream);
        (await app.RestoreAsync(part)).Code.Should().Be("InvalidEntry.NotFound");
        (await app.BinRowsAsync()).Should().OnlyContain(r => r.Contains(kept.VideoId) || r.Contains(stream));
        var e = (await app.DrainEventsAsync()).Should().ContainSingle().Subject;
        (e.Prop("EventType"), e.Prop("RecycleBinEntryId"), e.Int("DeletedFiles")).Should().Be(("PurgeMediaComplete", whole, 11));

        var all = await app.CallAsync("PurgeRecycleBin", new { All = true, AppId = TestApp.DefaultApp });
        all["PurgedEntryIds"].EnumerateArray().Select(x => x.GetString()).Should().Equal(stream);
        (await app.ListBlobsAsync($"videos/{kept.VideoId}/streams/{kept.JobIds[0]}/")).Should().BeEmpty();
        (await app.BinRowsAsync()).Should().BeEmpty();
        (await app.CallAsync("GetPlayInfo", new { VideoId = kept.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task PermanentSkipsTheBinAndDryRunsSayWhichWouldHappen()
    {
        await using var app = await BinState.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1);
        var before = await app.RowsAsync();

        var dry = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId, DryRun = true });
        dry["Plan"].GetProperty("ToRecycleBin").GetBoolean().Should().BeTrue();
        var dryPermanent = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId, DryRun = true, Permanent = true });
        dryPermanent["Plan"].GetProperty("ToRecycleBin").GetBoolean().Should().BeFalse();
        (await app.RowsAsync()).Should().Equal(before);

        var binnedStream = BinState.EntryOf(await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0] }));
        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId, Permanent = true }, TestApp.FullKey);

        deleted.Status.Should().Be(200, deleted.ToString());
        deleted.Json.TryGetProperty("RecycleBin", out _).Should().BeFalse();
        (await app.ListBlobsAsync()).Should().BeEmpty();
        (await app.EntriesAsync()).Should().BeEmpty("a permanent delete of the video takes what of it was in the bin");
        (await app.BinRowsAsync()).Should().BeEmpty();
        (await app.RestoreAsync(binnedStream)).Code.Should().Be("InvalidEntry.NotFound");
    }

    [Fact]
    public async Task WithoutARetentionDeletesAreFinalAndTheBinIsEmpty()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1);
        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId, DryRun = true });
        deleted["Plan"].GetProperty("ToRecycleBin").GetBoolean().Should().BeFalse();
        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Json.TryGetProperty("RecycleBin", out _).Should().BeFalse();
        (await app.ListBlobsAsync()).Should().BeEmpty();
        (await app.EntriesAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task TheBinListsOnlyTheKeysApplicationsAndPagesNewestFirst()
    {
        await using var app = await BinState.StartAsync();
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
            mine.Add(BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = (await app.SeedVideoAsync(streams: 0, snapshots: 0)).VideoId })));
        var theirs = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = (await app.SeedVideoAsync(streams: 0, snapshots: 0, appId: TestApp.OtherApp)).VideoId }));
        var (_, url) = await app.SeedFileAsync("image");
        var image = BinState.EntryOf(await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = url }));

        (await app.EntriesAsync(TestApp.ReadOnlyKey)).Select(e => e.Prop("EntryId")).Should().Equal(image, theirs, mine[2], mine[1], mine[0]);
        (await app.EntriesAsync(TestApp.FullKey)).Select(e => e.Prop("EntryId")).Should().Equal(image, mine[2], mine[1], mine[0]);
        (await app.EntriesAsync(TestApp.OtherAppKey)).Select(e => e.Prop("EntryId")).Should().Equal(theirs);
        (await app.EntriesAsync(body: new { MediaType = "image" })).Select(e => e.Prop("EntryId")).Should().Equal(image);
        (await app.CallAsync("ListRecycleBin", new { AppId = TestApp.OtherApp }, TestApp.FullKey)).Code.Should().Be("Forbidden");
        (await app.RestoreAsync(theirs)).Code.Should().Be("Forbidden");

        var first = await app.CallAsync("ListRecycleBin", new { PageSize = 2 }, TestApp.FullKey);
        var second = await app.CallAsync("ListRecycleBin", new { PageSize = 2, PageToken = first.Str("NextPageToken") }, TestApp.FullKey);
        first["Entries"].EnumerateArray().Concat(second["Entries"].EnumerateArray()).Select(e => e.Prop("EntryId")).Should().Equal(image, mine[2], mine[1], mine[0]);
    }
}
