using System.Net;

namespace VodFunctions.Client.Tests;

/// <summary>The client against the real app on loopback and Azurite: section 5 of the contract, errors and retries.</summary>
public sealed class ClientTests
{
    private static VodClient ClientOf(TestApp app, string key = TestApp.AdminKey, VodClientOptions? options = null) =>
        new(app.Client, app.Client.BaseAddress!, key, options);

    [Fact]
    public async Task UploadedVideoCanBeCompletedRegisteredAndRead()
    {
        await using var app = await TestApp.StartAsync();
        using var client = ClientOf(app, TestApp.FullKey);

        var created = await client.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "Trailer", FileName = "trailer.mp4", CateId = "7" });
        created.RequestId.Should().NotBeEmpty();
        created.StoragePrefix.AbsoluteUri.Should().Contain($"/videos/{created.VideoId}");
        await client.UploadAsync(created.UploadURL, new MemoryStream(new byte[1500]), "video/mp4");

        (await client.CompleteUploadAsync(created.VideoId)).Status.Should().Be("UploadSucc");
        var mezzanine = (await client.GetMezzanineInfoAsync(created.VideoId)).Mezzanine;
        mezzanine.Should().BeEquivalentTo(new { FileName = "trailer.mp4", Size = 1500L, Status = "Normal" });

        var jobId = Guid.NewGuid().ToString("N");
        var streamBlob = $"videos/{created.VideoId}/streams/{jobId}/video.mp4";
        var snapshotBlob = $"videos/{created.VideoId}/snapshots/CoverSnapshot/cover.jpg";
        await app.UploadAsync(streamBlob, 700);
        await app.UploadAsync(snapshotBlob, 30);
        var registered = await client.RegisterMediaFilesAsync(new RegisterMediaFilesRequest
        {
            VideoId = created.VideoId,
            Streams = [new StreamFile { Definition = "HD", Format = "mp4", FileURL = app.Container.GetBlobClient(streamBlob).Uri.AbsoluteUri }],
            Images = [new ImageFile { ImageType = "CoverSnapshot", FileURL = app.Container.GetBlobClient(snapshotBlob).Uri.AbsoluteUri }],
        });
        registered.JobIds.Should().Equal(jobId);
        registered.ImageIds.Should().ContainSingle();

        var video = (await client.GetVideoInfoAsync(created.VideoId)).Video;
        video.Should().BeEquivalentTo(new { created.VideoId, Title = "Trailer", AppId = TestApp.DefaultApp, CateId = "7", Status = "Normal", TranscodeMode = "FastTranscode", Size = 2230L });
        video.CreationTime.Should().BeAfter(DateTimeOffset.UnixEpoch);

        var stream = (await client.GetPlayInfoAsync(created.VideoId)).PlayInfoList.Should().ContainSingle().Subject;
        stream.Should().BeEquivalentTo(new { JobId = jobId, Definition = "HD", Format = "mp4", Size = 700L });

        var snapshot = (await client.ListSnapshotsAsync(created.VideoId, "CoverSnapshot")).Images.Should().ContainSingle().Subject;
        snapshot.ImageId.Should().Be(registered.ImageIds[0]);
        (await client.ListSnapshotsAsync(created.VideoId, "SpriteSnapshot")).Images.Should().BeEmpty();
        (await client.GetImageInfoAsync(snapshot.ImageId)).ImageInfo.Should().BeEquivalentTo(new { ImageType = "CoverSnapshot", created.VideoId, Size = 30L });
    }

    [Fact]
    public async Task UploadedImageAndAttachedMediaCanBeCompletedAndRead()
    {
        await using var app = await TestApp.StartAsync();
        using var client = ClientOf(app);

        var image = await client.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = "cover", FileName = "poster.png", Title = "Poster" });
        await client.UploadAsync(image.UploadURL, new MemoryStream(new byte[64]));
        (await client.CompleteUploadAsync(image.ImageId)).Status.Should().Be("Normal");
        var imageInfo = (await client.GetImageInfoAsync(image.ImageId)).ImageInfo;
        imageInfo.Should().BeEquivalentTo(new { image.ImageId, ImageType = "cover", Title = "Poster", VideoId = "", Size = 64L, Status = "Normal" });
        imageInfo.URL.Should().Be(image.ImageURL.AbsoluteUri);

        var media = await client.CreateUploadAttachedMediaAsync(new CreateUploadAttachedMediaRequest { BusinessType = "subtitle", FileName = "en.vtt" });
        await client.UploadAsync(media.UploadURL, new MemoryStream(new byte[10]), "text/vtt");
        (await client.CompleteUploadAsync(media.MediaId)).Status.Should().Be("Normal");
        var missing = Guid.NewGuid().ToString("N");
        var info = await client.GetAttachedMediaInfoAsync([media.MediaId, missing]);
        info.AttachedMediaList.Should().ContainSingle().Which.Should().BeEquivalentTo(new { media.MediaId, BusinessType = "subtitle", Size = 10L, URL = media.MediaURL.AbsoluteUri });
        info.NonExistMediaIds.Should().Equal(missing);
    }

    [Fact]
    public async Task SearchAllMediaWalksEveryPage()
    {
        await using var app = await TestApp.StartAsync();
        using var client = ClientOf(app, TestApp.FullKey);
        var titles = Enumerable.Range(1, 5).Select(i => $"Episode {i}").ToList();
        foreach (var title in titles) await client.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = title, FileName = "e.mp4" });
        await client.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "Other", FileName = "o.mp4" });

        var request = new SearchMediaRequest { SearchType = "video", Title = "Episode", PageSize = 2 };
        var first = await client.SearchMediaAsync(request);
        first.MediaList.Should().HaveCount(2);
        first.Total.Should().Be(5);
        first.NextPageToken.Should().NotBeNullOrEmpty();

        var all = await client.SearchAllMediaAsync(request).ToListAsync();
        all.Select(item => item.Video!.Title).Should().BeEquivalentTo(titles);
        all.Should().OnlyContain(item => item.MediaType == "video" && item.MediaId == item.Video!.VideoId);
    }

    [Fact]
    public async Task ErrorsSurfaceAsVodExceptionsWithTheContractCode()
    {
        await using var app = await TestApp.StartAsync();
        using var admin = ClientOf(app);
        var unknown = Guid.NewGuid().ToString("N");

        var notFound = (await admin.Invoking(c => c.GetVideoInfoAsync(unknown)).Should().ThrowAsync<VodException>()).Which;
        notFound.Should().BeEquivalentTo(new { Status = 404, Code = "InvalidVideo.NotFound" }, o => o.ExcludingMissingMembers());
        notFound.RequestId.Should().NotBeNullOrEmpty();
        notFound.Message.Should().NotBeNullOrEmpty();

        (await admin.Invoking(c => c.GetImageInfoAsync(unknown)).Should().ThrowAsync<VodException>()).Which.Code.Should().Be("NoSuchResource");
        (await admin.Invoking(c => c.CompleteUploadAsync(unknown)).Should().ThrowAsync<VodException>()).Which.Status.Should().Be(404);
        (await admin.Invoking(c => c.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = " ", FileName = "a.mp4" }))
            .Should().ThrowAsync<VodException>()).Which.Should().BeEquivalentTo(new { Status = 400, Code = "MissingParameter" }, o => o.ExcludingMissingMembers());
        (await admin.Invoking(c => c.SearchMediaAsync(new SearchMediaRequest { PageSize = 101 }))
            .Should().ThrowAsync<VodException>()).Which.Code.Should().Be("InvalidParameter");

        var video = await admin.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "Never uploaded", FileName = "a.mp4" });
        (await admin.Invoking(c => c.CompleteUploadAsync(video.VideoId)).Should().ThrowAsync<VodException>())
            .Which.Should().BeEquivalentTo(new { Status = 400, Code = "InvalidFile.NotFound" }, o => o.ExcludingMissingMembers());

        using var readOnly = ClientOf(app, TestApp.ReadOnlyKey);
        (await readOnly.Invoking(c => c.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "T", FileName = "a.mp4" }))
            .Should().ThrowAsync<VodException>()).Which.Should().BeEquivalentTo(new { Status = 403, Code = "Forbidden" }, o => o.ExcludingMissingMembers());
        (await readOnly.GetVideoInfoAsync(video.VideoId)).Video.Title.Should().Be("Never uploaded");

        using var otherApp = ClientOf(app, TestApp.OtherAppKey);
        (await otherApp.Invoking(c => c.GetVideoInfoAsync(video.VideoId)).Should().ThrowAsync<VodException>()).Which.Code.Should().Be("Forbidden");

        using var stranger = ClientOf(app, "not-a-key");
        (await stranger.Invoking(c => c.GetVideoInfoAsync(video.VideoId)).Should().ThrowAsync<VodException>())
            .Which.Should().BeEquivalentTo(new { Status = 401, Code = "Unauthorized" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task ThrottledCallsAreRetriedAndOthersAreNot()
    {
        // One request per five seconds per key: far slower than two calls on loopback. A throttled answer says when
        // the key is served again (Retry-After), and the client waits that long.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Vod:RequestsPerSecond"] = "0.2" });
        var wire = new Wire(app.Client.BaseAddress!, HttpStatusCode.TooManyRequests, () => { });
        using var http = new HttpClient(wire);
        var fast = new VodClientOptions { RetryDelay = TimeSpan.FromMilliseconds(10) };
        using var client = new VodClient(http, app.Client.BaseAddress!, TestApp.AdminKey, fast);
        using var noRetries = new VodClient(http, app.Client.BaseAddress!, TestApp.AdminKey, new VodClientOptions { MaxRetries = 0 });
        var video = await client.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "T", FileName = "a.mp4" });

        wire.Reset();
        (await client.GetVideoInfoAsync(video.VideoId)).Video.VideoId.Should().Be(video.VideoId);
        wire.Statuses.Should().Equal(HttpStatusCode.TooManyRequests, HttpStatusCode.OK);

        wire.Reset(react: false);
        (await noRetries.Invoking(c => c.GetVideoInfoAsync(video.VideoId)).Should().ThrowAsync<VodException>())
            .Which.Should().BeEquivalentTo(new { Status = 429, Code = "Throttling.User", IsRetriable = true }, o => o.ExcludingMissingMembers());
        wire.Statuses.Should().Equal(HttpStatusCode.TooManyRequests);

        using var otherKey = new VodClient(http, app.Client.BaseAddress!, TestApp.FullKey, fast);
        wire.Reset();
        (await otherKey.Invoking(c => c.GetVideoInfoAsync(Guid.NewGuid().ToString("N"))).Should().ThrowAsync<VodException>())
            .Which.IsRetriable.Should().BeFalse();
        wire.Statuses.Should().Equal(HttpStatusCode.NotFound);
    }
}
