using Azure.Storage.Blobs.Specialized;

namespace VodFunctions.Functions.Tests.Deletion;

public sealed class DeleteVideoTests
{
    [Fact]
    public async Task DeletesEverythingUnderTheVideoFolderAndItsRecordsOnly()
    {
        await using var app = await TestApp.StartAsync();
        var doomed = await app.SeedVideoAsync(streams: 2, segments: 5, snapshots: 2);
        var kept = await app.SeedVideoAsync();
        await app.UploadAsync($"{doomed.Folder}leftover/random.bin");
        var keptBlobs = await app.ListBlobsAsync(kept.Folder);

        var response = await app.CallAsync("DeleteVideo", new { VideoIds = new[] { doomed.VideoId } });

        response.Status.Should().Be(200, response.ToString());
        response["NonExistVideoIds"].GetArrayLength().Should().Be(0);
        response["ForbiddenVideoIds"].GetArrayLength().Should().Be(0);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(keptBlobs);
        (await app.CallAsync("GetVideoInfo", new { VideoId = doomed.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
        (await app.CallAsync("GetImageInfo", new { ImageId = doomed.ImageIds["CoverSnapshot"][0] })).Code.Should().Be("NoSuchResource");
        (await app.CallAsync("GetVideoInfo", new { VideoId = kept.VideoId })).Status.Should().Be(200);
        var search = await app.CallAsync("SearchMedia", new { SearchType = "video" });
        search["MediaList"].EnumerateArray().Select(m => m.GetProperty("MediaId").GetString()).Should().Equal(kept.VideoId);
    }

    [Fact]
    public async Task PublishesOneSuccessEventWithCounts()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, segments: 4, snapshots: 1);
        var files = (await app.ListBlobsAsync(video.Folder)).Count;

        var response = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        var events = await app.EventsAsync();
        events.Should().ContainSingle();
        var e = events[0];
        e.GetProperty("EventType").GetString().Should().Be("DeleteMediaComplete");
        e.GetProperty("Status").GetString().Should().Be("success");
        e.GetProperty("MediaType").GetString().Should().Be("video");
        e.GetProperty("DeleteType").GetString().Should().Be("all");
        e.GetProperty("MediaId").GetString().Should().Be(video.VideoId);
        e.GetProperty("AppId").GetString().Should().Be(TestApp.DefaultApp);
        e.GetProperty("RequestId").GetString().Should().Be(response.RequestId);
        e.GetProperty("Trigger").GetString().Should().Be("api");
        e.GetProperty("DeletedFiles").GetInt32().Should().Be(files);
        e.GetProperty("DeletedBytes").GetInt64().Should().Be(1000 + 100 + 4 * 200 + 4 * 50);
        DateTimeOffset.Parse(e.GetProperty("EventTime").GetString()!).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task ListsMissingAndForbiddenVideosAndDeletesTheRest()
    {
        await using var app = await TestApp.StartAsync();
        var mine = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        var theirs = await app.SeedVideoAsync(streams: 0, snapshots: 0, appId: TestApp.OtherApp);
        var missing = Guid.NewGuid().ToString("N");

        var response = await app.CallAsync("DeleteVideo", new { VideoIds = new[] { mine.VideoId, theirs.VideoId, missing, "not-an-id" } }, TestApp.FullKey);

        response.Status.Should().Be(200, response.ToString());
        response["NonExistVideoIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(missing, "not-an-id");
        response["ForbiddenVideoIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(theirs.VideoId);
        (await app.ListBlobsAsync()).Should().Equal(theirs.MezzanineBlob);
    }

    [Fact]
    public async Task AllMissingAnswersNotFound()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.CallAsync("DeleteVideo", new { VideoIds = $"{Guid.NewGuid():N},../etc" });
        response.Status.Should().Be(404);
        response.Code.Should().Be("InvalidVideo.NotFound");
    }

    [Fact]
    public async Task MoreThanTwentyIdsAreRefused()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid().ToString("N")).Append(video.VideoId);

        var response = await app.CallAsync("DeleteVideo", new { VideoIds = ids });

        response.Status.Should().Be(400);
        response.Code.Should().Be("VideoIdsExceededMax");
        (await app.ListBlobsAsync()).Should().Equal(video.MezzanineBlob);
    }

    [Fact]
    public async Task ReadOnlyKeyMayNotDelete()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        var response = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, TestApp.ReadOnlyKey);
        response.Status.Should().Be(403);
        (await app.ListBlobsAsync()).Should().Equal(video.MezzanineBlob);
    }

    [Fact]
    public async Task DeletesAVideoWithFiveThousandSegments()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, segments: 2500, snapshots: 0);
        (await app.ListBlobsAsync()).Should().HaveCount(5003);

        var response = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        response.Status.Should().Be(200, response.ToString());
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task DeletesLeftoverUploadBlocks()
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "Half uploaded", FileName = "big.mp4" });
        var videoId = created.Str("VideoId");
        await app.Container.GetBlockBlobClient($"videos/{videoId}/mezzanine/big.mp4")
            .StageBlockAsync(Convert.ToBase64String(new byte[16]), new MemoryStream(new byte[4096]));

        var response = await app.CallAsync("DeleteVideo", new { VideoIds = videoId });

        response.Status.Should().Be(200, response.ToString());
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }
}
