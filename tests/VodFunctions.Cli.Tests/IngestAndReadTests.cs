using System.Text.Json;
using VodFunctions.Client;

namespace VodFunctions.Cli.Tests;

/// <summary>Uploads, registering a pipeline's files, and the read verbs, against the real app.</summary>
public sealed class IngestAndReadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vod-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, int bytes)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllBytes(path, Enumerable.Range(0, bytes).Select(i => (byte)i).ToArray());
        return path;
    }

    [Fact]
    public async Task UploadCreatesPutsAndCompletesVideosImagesAndAttachedMedia()
    {
        await using var app = await TestApp.StartAsync();
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);

        var video = await Vod.RunAsync(app, "--json", "upload", File("trailer.mp4", 300_000), "--title", "Trailer", "--cate-id", "7");
        video.ExitCode.Should().Be(0, video.ToString());
        video.Json.GetProperty("Status").GetString().Should().Be("UploadSucc");
        video.Json.TryGetProperty("UploadURL", out _).Should().BeFalse("the upload URL is a credential");
        video.Json.GetProperty("RequestIds").GetArrayLength().Should().Be(2);
        video.Error.Should().Contain("Uploading trailer.mp4: 293 KiB of 293 KiB");
        var videoId = video.Json.GetProperty("VideoId").GetString()!;
        (await client.GetVideoInfoAsync(videoId)).Video.Should().BeEquivalentTo(new { Title = "Trailer", CateId = "7", Status = "UploadSucc" }, o => o.ExcludingMissingMembers());
        (await client.GetMezzanineInfoAsync(videoId)).Mezzanine.Should().BeEquivalentTo(new { FileName = "trailer.mp4", Size = 300_000L }, o => o.ExcludingMissingMembers());

        var image = await Vod.RunAsync(app, "upload", File("poster.png", 500), "--image-type", "cover");
        image.ExitCode.Should().Be(0, image.ToString());
        var imageId = (await client.SearchMediaAsync(new SearchMediaRequest { SearchType = "image" })).MediaList.Single().MediaId;
        image.Out.Should().Be($"Uploaded poster.png (500 bytes) as image {imageId}: Normal.\n");
        (await client.GetImageInfoAsync(imageId)).ImageInfo.Should().BeEquivalentTo(new { ImageType = "cover", Title = "poster", Size = 500L }, o => o.ExcludingMissingMembers());

        var subtitle = await Vod.RunAsync(app, "--json", "upload", File("en.vtt", 40), "--business-type", "subtitle", "--title", "English");
        var mediaId = subtitle.Json.GetProperty("MediaId").GetString()!;
        (await client.GetAttachedMediaInfoAsync([mediaId])).AttachedMediaList.Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { BusinessType = "subtitle", Title = "English", Size = 40L }, o => o.ExcludingMissingMembers());

        var created = await client.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "Uploaded elsewhere", FileName = "x.mp4" });
        var notYet = await Vod.RunAsync(app, "complete-upload", created.VideoId);
        notYet.ExitCode.Should().Be(1);
        notYet.Error.Should().Contain("InvalidFile.NotFound");
        await client.UploadAsync(created.UploadURL, new MemoryStream(new byte[10]));
        (await Vod.RunAsync(app, "complete-upload", created.VideoId)).Out.Should().Be($"{created.VideoId}: UploadSucc.\n");

        foreach (var bad in new[]
        {
            new[] { "upload", Path.Combine(_folder, "missing.mp4") },
            ["upload", File("both.png", 5), "--image-type", "cover", "--business-type", "watermark"],
        })
        {
            var run = await Vod.RunAsync(app, bad);
            run.ExitCode.Should().Be(2, run.ToString());
        }
        (await client.SearchMediaAsync(new SearchMediaRequest { SearchType = "image" })).Total.Should().Be(1, "refused uploads create nothing");
    }

    [Fact]
    public async Task RegisterAndEveryReadVerb()
    {
        await using var app = await TestApp.StartAsync();
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        var videoId = await app.UploadVideoAsync("Registered", bytes: 100);
        var (hd, hdUrl) = await app.WriteStreamAsync(videoId, "index.m3u8", ("seg-0.ts", 200));
        var (sd, sdUrl) = await app.WriteStreamAsync(videoId, "main.playlist", ("seg-0.ts", 100));
        var coverBlob = $"videos/{videoId}/snapshots/CoverSnapshot/cover.jpg";
        await app.UploadAsync(coverBlob, 30);

        var registered = await Vod.RunAsync(app, "register", videoId, "--stream", $"HD={hdUrl}", $"SD:m3u8={sdUrl}", "--image", $"CoverSnapshot={app.UrlOf(coverBlob)}");
        registered.ExitCode.Should().Be(0, registered.ToString());
        registered.Out.Should().Contain(hd).And.Contain(sd).And.Contain("HD m3u8").And.Contain("CoverSnapshot");
        (await client.GetPlayInfoAsync(videoId)).PlayInfoList.Select(s => (s.JobId, s.Definition, s.Format)).Should().BeEquivalentTo([(hd, "HD", "m3u8"), (sd, "SD", "m3u8")]);
        var coverId = (await client.ListSnapshotsAsync(videoId)).Images.Single().ImageId;
        foreach (var bad in new[] { new[] { "register", videoId, "--stream", "HD" }, ["register", videoId], ["register", videoId, "--stream", $"HD={app.UrlOf("videos/x/streams/y/noextension")}"] })
            (await Vod.RunAsync(app, bad)).ExitCode.Should().Be(2);

        var info = await Vod.RunAsync(app, "get-video-info", videoId);
        info.Out.Should().Contain("Registered").And.Contain("Normal").And.Contain("FastTranscode").And.Contain("450 bytes");
        (await Vod.RunAsync(app, "--json", "get-play-info", videoId)).Json.GetProperty("PlayInfoList").GetArrayLength().Should().Be(2);
        (await Vod.RunAsync(app, "get-play-info", videoId)).Out.Should().Contain(hdUrl).And.Contain(sdUrl);
        (await Vod.RunAsync(app, "get-mezzanine-info", videoId)).Out.Should().Contain("source.mp4").And.Contain("100 bytes");
        (await Vod.RunAsync(app, "--json", "get-image-info", coverId)).Json.GetProperty("ImageInfo").GetProperty("VideoId").GetString().Should().Be(videoId);
        (await Vod.RunAsync(app, "list-snapshots", videoId, "--type", "CoverSnapshot")).Out.Should().Contain(coverId);
        (await Vod.RunAsync(app, "--json", "list-snapshots", videoId, "--type", "SpriteSnapshot")).Json.GetProperty("Images").GetArrayLength().Should().Be(0);

        var thumbnail = Path.Combine(_folder, "cover.jpg");
        var saved = await Vod.RunAsync(app, "get-thumbnail", videoId, "--out", thumbnail);
        saved.ExitCode.Should().Be(0, saved.ToString());
        System.IO.File.ReadAllBytes(thumbnail).Should().Equal((await app.Container.GetBlobClient(coverBlob).DownloadContentAsync()).Value.Content.ToArray());

        var (mediaId, _) = await app.SeedFileAsync("attached", title: "Logo");
        var missing = Guid.NewGuid().ToString("N");
        var attached = await Vod.RunAsync(app, "get-attached-media-info", mediaId, missing);
        attached.ExitCode.Should().Be(4);
        attached.Out.Should().Contain(mediaId).And.Contain("Logo").And.Contain($"Not found (1): {missing}");

        for (var i = 1; i <= 3; i++) await app.UploadVideoAsync($"Episode {i}");
        var page = await Vod.RunAsync(app, "search-media", "--title", "episode", "--page-size", "2");
        page.Out.Should().Contain("2 of 3. Next page: --page-token ");
        var all = await Vod.RunAsync(app, "--json", "search-media", "--title", "episode", "--page-size", "2", "--all");
        all.Json.GetProperty("MediaList").EnumerateArray().Select(m => m.GetProperty("Video").GetProperty("Title").GetString())
            .Should().BeEquivalentTo(["Episode 1", "Episode 2", "Episode 3"]);
        all.Json.TryGetProperty("NextPageToken", out _).Should().BeFalse();
        var tooBig = await Vod.RunAsync(app, "search-media", "--page-size", "101");
        tooBig.ExitCode.Should().Be(1);
        tooBig.Error.Should().Contain("InvalidParameter");
        JsonDocument.Parse((await Vod.RunAsync(app, "--json", "search-media", "--type", "attached")).Out).RootElement.GetProperty("Total").GetInt32().Should().Be(1);
    }
}
