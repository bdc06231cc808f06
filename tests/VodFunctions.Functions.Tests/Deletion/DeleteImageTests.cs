using VodFunctions.Core.Deletion;
namespace VodFunctions.Functions.Tests.Deletion;

public sealed class DeleteImageTests
{
    [Fact]
    public async Task ByUrlMatchesCatalogImagesIgnoringEncodingAndSasQuery()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 2);
        var uploaded = await app.SeedFileAsync("image");
        var before = await app.ListBlobsAsync();
        var snapshot = $"videos/{video.VideoId}/snapshots/NormalSnapshot/001.jpg";

        var response = await app.CallAsync("DeleteImage", new
        {
            DeleteImageType = "ImageURL",
            ImageURLs = new[] { Uri.EscapeDataString(app.UrlOf(snapshot)), uploaded.Url + "?sv=2024-01-01&sig=abc" },
        });

        response.Status.Should().Be(200, response.ToString());
        var uploadedFolder = $"images/{uploaded.Id}/";
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before.Where(b => b != snapshot && !b.StartsWith(uploadedFolder)));
        (await app.CallAsync("GetImageInfo", new { ImageId = video.ImageIds["NormalSnapshot"][1] })).Code.Should().Be("NoSuchResource");
        (await app.CallAsync("GetImageInfo", new { ImageId = uploaded.Id })).Code.Should().Be("NoSuchResource");
        (await app.CallAsync("GetImageInfo", new { ImageId = video.ImageIds["NormalSnapshot"][0] })).Status.Should().Be(200);
    }

    [Fact]
    public async Task ByIdDeletesThoseImagesAndUpdatesTheVideoSize()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 1);

        var response = await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = video.ImageIds["CoverSnapshot"][0] + "," + video.ImageIds["SpriteSnapshot"][0] });

        response.Status.Should().Be(200, response.ToString());
        (await app.ListBlobsAsync($"{video.Folder}snapshots/")).Should().BeEquivalentTo(
            $"{video.Folder}snapshots/NormalSnapshot/000.jpg", $"{video.Folder}snapshots/SpriteOriginSnapshot/000.jpg");
        var snapshots = await app.CallAsync("ListSnapshots", new { VideoId = video.VideoId });
        snapshots["Images"].GetArrayLength().Should().Be(2);
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].GetProperty("Size").GetInt64().Should().Be(1000 + 2 * 50);
    }

    [Fact]
    public async Task ByVideoDeletesTheTypeFoldersIncludingUnregisteredFiles()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, snapshots: 2);
        await app.UploadAsync($"{video.Folder}snapshots/SpriteSnapshot/extra/sprite.vtt");
        var before = await app.ListBlobsAsync();

        var response = await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "SpriteSnapshot,CoverSnapshot" });

        response.Status.Should().Be(200, response.ToString());
        string[] gone = [$"{video.Folder}snapshots/SpriteSnapshot/", $"{video.Folder}snapshots/CoverSnapshot/"];
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before.Where(b => !gone.Any(b.StartsWith)));
        var left = await app.CallAsync("ListSnapshots", new { VideoId = video.VideoId });
        left["Images"].EnumerateArray().Select(i => i.GetProperty("ImageType").GetString()).Distinct()
            .Should().BeEquivalentTo("NormalSnapshot", "SpriteOriginSnapshot");
    }

    [Fact]
    public async Task ByVideoWithAllTakesEverySnapshot()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, snapshots: 1);
        var response = await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All" });
        response.Status.Should().Be(200, response.ToString());
        (await app.ListBlobsAsync($"{video.Folder}snapshots/")).Should().BeEmpty();
        (await app.ListBlobsAsync(video.Folder)).Should().HaveCount(1 + 4);
    }

    [Fact]
    public async Task ByVideoTakesThousandsOfSnapshotsInSlicesWithinAzuresLimits()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, snapshots: 225); // 900 snapshots: one journal of them all would pass Azure's 64 KiB property limit
        var dryRun = await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All", DryRun = true });
        dryRun["Plan"].GetProperty("Files").GetInt32().Should().Be(900);

        var response = await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All" });

        response.Status.Should().Be(200, response.ToString());
        (await app.ListBlobsAsync($"{video.Folder}snapshots/")).Should().BeEmpty();
        (await app.ListBlobsAsync(video.Folder)).Should().HaveCount(1 + 4, "the mezzanine and the stream stay");
        var events = await app.DrainEventsAsync();
        events.Should().HaveCount(900 / DeleteImages.SliceImages + 1).And.OnlyContain(e => e.Prop("Status") == "success");
        events.SelectMany(e => e.GetProperty("ImageIds").EnumerateArray().Select(i => i.GetString())).Should().BeEquivalentTo(video.ImageIds.Values.SelectMany(ids => ids));
        var info = await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId });
        info.Status.Should().Be(200, info.ToString());
    }

    [Fact]
    public async Task ByVideoEndsWhenTheVideoIsDeletedBetweenItsSlices()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, snapshots: 225);
        var snapshots = $"{video.Folder}snapshots/";

        var images = app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All" });
        while ((await app.ListBlobsAsync(snapshots)).Count == 900 && !images.IsCompleted) await Task.Delay(20);
        var whole = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });
        var answer = await images.WaitAsync(TimeSpan.FromMinutes(2));

        whole.Status.Should().Be(200, whole.ToString());
        answer.Status.Should().Be(200, answer.ToString());
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
    }

    [Fact]
    public async Task AnyMissingImageDeletesNothing()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 1);
        var before = await app.ListBlobsAsync();
        var cover = video.ImageIds["CoverSnapshot"][0];

        var byId = await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = new[] { cover, Guid.NewGuid().ToString("N") } });
        var byUrl = await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = new[] { app.UrlOf($"{video.Folder}snapshots/CoverSnapshot/000.jpg"), app.UrlOf($"{video.Folder}mezzanine/source.mp4") } });
        var byVideo = await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = Guid.NewGuid().ToString("N"), ImageType = "All" });

        foreach (var response in new[] { byId, byUrl, byVideo })
        {
            response.Status.Should().Be(404, response.ToString());
            response.Code.Should().Be("NoSuchResource");
        }
        byUrl.Str("Message").Should().Contain(app.UrlOf($"{video.Folder}mezzanine/source.mp4"), "the answer names the URL that matched nothing");
        byId.Str("Message").Should().NotContain(cover).And.Contain("ImageId ");
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("videos/VIDEO/snapshots/CoverSnapshot/000.jpg")]
    [InlineData("//127.0.0.1/devstoreaccount1/x.jpg")]
    [InlineData("http://[::1")]
    [InlineData("%")]
    public async Task AnImageUrlThatIsNotAUrlIsAnInvalidParameterNamingIt(string url)
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 1);
        var before = await app.ListBlobsAsync();
        url = url.Replace("VIDEO", video.VideoId);

        var response = await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = new[] { app.UrlOf($"{video.Folder}snapshots/CoverSnapshot/000.jpg"), url } });

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"), response.ToString());
        response.Str("Message").Should().Be($"The ImageURLs item '{url}' is not a URL.");
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task ModeAndTypesAreValidated()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 1);
        (await app.CallAsync("DeleteImage", new { ImageIds = video.ImageIds["CoverSnapshot"] })).Code.Should().Be("MissingParameter");
        (await app.CallAsync("DeleteImage", new { DeleteImageType = "Everything" })).Code.Should().Be("InvalidParameter");
        (await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId })).Code.Should().Be("MissingParameter");
        (await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "CoverSnapshot,../mezzanine" })).Code.Should().Be("InvalidParameter");
        (await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = Enumerable.Range(0, 21).Select(_ => Guid.NewGuid().ToString("N")) })).Status.Should().Be(400);
        (await app.ListBlobsAsync()).Should().HaveCount(5);
    }

    [Fact]
    public async Task AnotherApplicationsImageIsForbidden()
    {
        await using var app = await TestApp.StartAsync();
        var uploaded = await app.SeedFileAsync("image", TestApp.OtherApp);
        var response = await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = uploaded.Id }, TestApp.FullKey);
        response.Status.Should().Be(403);
        (await app.ListBlobsAsync()).Should().ContainSingle();
    }
}
