using System.Text.Json;

namespace VodFunctions.Functions.Tests;

/// <summary>API.md sections 3 and 5: the read operations, their field names and their not-found codes.</summary>
public sealed class ReadTests
{
    private static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    private static async Task<(string VideoId, string ImageId, string SnapshotId, string MediaId)> SeedAsync(TestApp app)
    {
        var videoId = await app.UploadVideoAsync(transcodeMode: "NoTranscode");
        await app.UploadAsync($"videos/{videoId}/snapshots/CoverSnapshot/c.jpg");
        var registered = await app.CallAsync("RegisterMediaFiles", new
        {
            VideoId = videoId, Images = new[] { new { ImageType = "CoverSnapshot", FileURL = app.UrlOf($"videos/{videoId}/snapshots/CoverSnapshot/c.jpg") } },
        });
        var imageId = await app.UploadFileAsync("CreateUploadImage", new { ImageType = "default", FileName = "i.png" });
        var mediaId = await app.UploadFileAsync("CreateUploadAttachedMedia", new { BusinessType = "watermark", FileName = "w.png" });
        return (videoId, imageId, registered["ImageIds"].Items().Single().GetString()!, mediaId);
    }

    [Fact]
    public async Task ResponsesUseTheContractsFieldNames()
    {
        await using var app = await TestApp.StartAsync();
        var (videoId, imageId, snapshotId, mediaId) = await SeedAsync(app);
        await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4", CateId = "7" });

        var video = (await app.CallAsync("GetVideoInfo", new { VideoId = videoId }))["Video"];
        var withCategory = (await app.CallAsync("SearchMedia", new { Title = "t" }))["MediaList"].Items().Single().GetProperty("Video");
        var mezzanine = (await app.CallAsync("GetMezzanineInfo", new { VideoId = videoId }))["Mezzanine"];
        var stream = (await app.CallAsync("GetPlayInfo", new { VideoId = videoId }))["PlayInfoList"].Items().Single();
        var image = (await app.CallAsync("GetImageInfo", new { ImageId = imageId }))["ImageInfo"];
        var snapshot = (await app.CallAsync("ListSnapshots", new { VideoId = videoId }))["Images"].Items().Single();
        var media = (await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = mediaId }))["AttachedMediaList"].Items().Single();

        Names(video).Should().Contain(["VideoId", "Title", "AppId", "Status", "TranscodeMode", "StorageLocation", "CreationTime", "Size"]);
        Names(withCategory).Should().Contain("CateId");
        Names(mezzanine).Should().Contain(["FileName", "FileURL", "Size", "Status"]);
        Names(stream).Should().Contain(["JobId", "Definition", "Format", "PlayURL", "Size", "Status", "CreationTime"]);
        Names(image).Should().Contain(["ImageId", "ImageType", "URL", "VideoId", "Status", "CreationTime", "Size"]);
        Names(snapshot).Should().Contain(["ImageId", "ImageType", "URL", "VideoId", "Status", "CreationTime", "Size"]);
        snapshot.GetProperty("ImageId").GetString().Should().Be(snapshotId);
        Names(media).Should().Contain(["MediaId", "BusinessType", "URL", "Status", "CreationTime", "Size"]);
    }

    [Fact]
    public async Task EachKindAnswersItsOwnNotFoundCodeForIdsOfAnotherKind()
    {
        await using var app = await TestApp.StartAsync();
        var (videoId, imageId, snapshotId, mediaId) = await SeedAsync(app);

        foreach (var id in new[] { imageId, snapshotId, mediaId })
        {
            foreach (var operation in new[] { "GetVideoInfo", "GetPlayInfo", "GetMezzanineInfo", "ListSnapshots" })
            {
                var response = await app.CallAsync(operation, new { VideoId = id });
                (response.Status, response.Code).Should().Be((404, "InvalidVideo.NotFound"), $"{operation} of {id}");
            }
        }
        foreach (var id in new[] { videoId, mediaId })
        {
            var response = await app.CallAsync("GetImageInfo", new { ImageId = id });
            (response.Status, response.Code).Should().Be((404, "NoSuchResource"));
        }
        var attached = await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = new[] { videoId, imageId, mediaId, snapshotId } });
        attached["AttachedMediaList"].Items().Select(m => m.GetProperty("MediaId").GetString()).Should().Equal(mediaId);
        attached["NonExistMediaIds"].Items().Select(m => m.GetString()).Should().Equal(videoId, imageId, snapshotId);
    }

    [Fact]
    public async Task AttachedMediaAreListedInTheOrderAsked()
    {
        await using var app = await TestApp.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await app.UploadFileAsync("CreateUploadAttachedMedia", new { BusinessType = "material", FileName = $"{i}.png" }));
        ids.Reverse();

        var response = await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = ids });

        response["AttachedMediaList"].Items().Select(m => m.GetProperty("MediaId").GetString()).Should().Equal(ids);
    }

    [Fact]
    public async Task SnapshotsFilterByTypeAndAnEmptyFilterIsNone()
    {
        await using var app = await TestApp.StartAsync();
        var (videoId, _, snapshotId, _) = await SeedAsync(app);

        var cover = await app.CallAsync("ListSnapshots", new { VideoId = videoId, SnapshotType = "CoverSnapshot" });
        var sprite = await app.CallAsync("ListSnapshots", new { VideoId = videoId, SnapshotType = "SpriteSnapshot" });
        var empty = await app.CallAsync("ListSnapshots", new { VideoId = videoId, SnapshotType = "" });

        cover["Images"].Items().Select(i => i.GetProperty("ImageId").GetString()).Should().Equal(snapshotId);
        sprite["Images"].GetArrayLength().Should().Be(0);
        empty.Status.Should().Be(200, empty.ToString());
        empty["Images"].GetArrayLength().Should().Be(1);
    }
}
