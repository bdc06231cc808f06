using System.Text.Json;

namespace VodFunctions.Functions.Tests;

/// <summary>API.md section 5, RegisterMediaFiles: what a transcode pipeline registers, and everything it may not.</summary>
public sealed class RegisterMediaFilesTests
{
    private static object Stream(string fileUrl, string definition = "HD", string format = "m3u8", string? jobId = null) =>
        new Dictionary<string, string?> { ["JobId"] = jobId, ["Definition"] = definition, ["Format"] = format, ["FileURL"] = fileUrl };

    private static object Image(string fileUrl, string type = "NormalSnapshot") => new { ImageType = type, FileURL = fileUrl };

    private static Task<ApiResponse> RegisterAsync(TestApp app, string videoId, object[]? streams = null, object[]? images = null, string key = TestApp.AdminKey) =>
        app.CallAsync("RegisterMediaFiles", new { VideoId = videoId, Streams = streams ?? [], Images = images ?? [] }, key);

    private static async Task<JsonElement> VideoAsync(TestApp app, string videoId) =>
        (await app.CallAsync("GetVideoInfo", new { VideoId = videoId }))["Video"];

    private static async Task<JsonElement[]> PlayInfoAsync(TestApp app, string videoId) =>
        (await app.CallAsync("GetPlayInfo", new { VideoId = videoId }))["PlayInfoList"].Items();

    private static async Task<JsonElement[]> SnapshotsAsync(TestApp app, string videoId, string? type = null) =>
        (await app.CallAsync("ListSnapshots", new Dictionary<string, string?> { ["VideoId"] = videoId, ["SnapshotType"] = type }))["Images"].Items();

    private static async Task<string> SnapshotAsync(TestApp app, string videoId, string type, string name, int bytes)
    {
        var blob = $"videos/{videoId}/snapshots/{type}/{name}";
        await app.UploadAsync(blob, bytes);
        return app.UrlOf(blob);
    }

    [Fact]
    public async Task StreamsAndSnapshotsAreRegisteredWithTheirExactSizes()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(bytes: 100);
        var (hls, hlsUrl) = await app.WriteStreamAsync(videoId, "index.m3u8", ("seg-1.ts", 50), ("hd/seg-2.ts", 40));
        var (mp4, mp4Url) = await app.WriteStreamAsync(videoId, "sd.mp4", ("thumbs/extra.bin", 190));
        var cover = await SnapshotAsync(app, videoId, "CoverSnapshot", "cover.jpg", 5);
        var normal1 = await SnapshotAsync(app, videoId, "NormalSnapshot", "1.jpg", 6);
        var normal2 = await SnapshotAsync(app, videoId, "NormalSnapshot", "2.jpg", 7);

        var registered = await RegisterAsync(app, videoId,
            [Stream(hlsUrl, "HD", "m3u8", jobId: hls), Stream(mp4Url, "SD", "MP4")],
            [Image(cover, "CoverSnapshot"), Image(normal1 + "?sv=2024-01-01&sig=abc"), Image(normal2)]);

        registered.Status.Should().Be(200, registered.ToString());
        registered["JobIds"].Items().Select(j => j.GetString()).Should().Equal(hls, mp4);
        var imageIds = registered["ImageIds"].Items().Select(i => i.GetString()!).ToArray();
        imageIds.Should().HaveCount(3).And.OnlyHaveUniqueItems().And.AllSatisfy(id => id.Should().MatchRegex("^[0-9a-f]{32}$"));

        var streams = await PlayInfoAsync(app, videoId);
        streams.Select(s => (s.GetProperty("JobId").GetString(), s.GetProperty("Definition").GetString(), s.GetProperty("Format").GetString(),
                s.GetProperty("PlayURL").GetString(), s.GetProperty("Size").GetInt64(), s.GetProperty("Status").GetString()))
            .Should().BeEquivalentTo([(hls, "HD", "m3u8", hlsUrl, 100L, "Normal"), (mp4, "SD", "mp4", mp4Url, 200L, "Normal")]);

        var video = await VideoAsync(app, videoId);
        video.GetProperty("Status").GetString().Should().Be("Normal", "a video with a stream is Normal");
        video.GetProperty("Size").GetInt64().Should().Be(100 + 100 + 200 + 5 + 6 + 7);

        (await SnapshotsAsync(app, videoId)).Select(i => i.GetProperty("ImageId").GetString()).Should().BeEquivalentTo(imageIds);
        var normals = await SnapshotsAsync(app, videoId, "NormalSnapshot");
        normals.Select(i => i.GetProperty("URL").GetString()).Should().BeEquivalentTo([normal1, normal2]);
        var coverInfo = (await app.CallAsync("GetImageInfo", new { ImageId = imageIds[0] }))["ImageInfo"];
        coverInfo.GetProperty("VideoId").GetString().Should().Be(videoId);
        coverInfo.GetProperty("ImageType").GetString().Should().Be("CoverSnapshot");
        coverInfo.GetProperty("URL").GetString().Should().Be(cover);
        coverInfo.GetProperty("Size").GetInt64().Should().Be(5);
    }

    [Fact]
    public async Task ARetriedRegistrationChangesNothing()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(bytes: 100);
        var (_, streamUrl) = await app.WriteStreamAsync(videoId, "sd.mp4");
        var snapshot = await SnapshotAsync(app, videoId, "SpriteSnapshot", "sprite.jpg", 9);
        var first = await RegisterAsync(app, videoId, [Stream(streamUrl, "SD", "mp4")], [Image(snapshot, "SpriteSnapshot")]);
        var rows = await app.CatalogRowsAsync();
        var size = (await VideoAsync(app, videoId)).GetProperty("Size").GetInt64();

        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            RegisterAsync(app, videoId, [Stream(streamUrl, "SD", "mp4")], [Image(snapshot, "SpriteSnapshot")])));

        retries.Should().AllSatisfy(retry =>
        {
            retry.Status.Should().Be(200, retry.ToString());
            retry["JobIds"].GetRawText().Should().Be(first["JobIds"].GetRawText());
            retry["ImageIds"].GetRawText().Should().Be(first["ImageIds"].GetRawText());
        });
        (await app.CatalogRowsAsync()).Should().BeEquivalentTo(rows);
        (await VideoAsync(app, videoId)).GetProperty("Size").GetInt64().Should().Be(size);
    }

    [Fact]
    public async Task ConcurrentFirstRegistrationsAgreeOnOneRecordPerFile()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(bytes: 100);
        var (jobId, streamUrl) = await app.WriteStreamAsync(videoId, "sd.mp4");
        var snapshot = await SnapshotAsync(app, videoId, "CoverSnapshot", "c.jpg", 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            RegisterAsync(app, videoId, [Stream(streamUrl, "SD", "mp4")], [Image(snapshot, "CoverSnapshot")])));

        results.Should().AllSatisfy(r => r.Status.Should().Be(200, r.ToString()));
        results.Select(r => r["ImageIds"].GetRawText()).Distinct().Should().ContainSingle();
        (await SnapshotsAsync(app, videoId)).Should().ContainSingle();
        (await PlayInfoAsync(app, videoId)).Select(s => s.GetProperty("JobId").GetString()).Should().Equal(jobId);
        (await VideoAsync(app, videoId)).GetProperty("Size").GetInt64().Should().Be(100 + 10 + 3);
        var byFile = await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = new[] { snapshot }, DryRun = true });
        byFile.Status.Should().Be(200, byFile.ToString());
        (byFile["Plan"].GetProperty("Files").GetInt32(), byFile["Plan"].GetProperty("Records").GetInt32())
            .Should().Be((1, 1), "the catalog finds a snapshot by its file, and only the image that exists");
    }

    [Fact]
    public async Task SnapshotsAloneLeaveTheStatusAsItWas()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(bytes: 100);

        var registered = await RegisterAsync(app, videoId, images: [Image(await SnapshotAsync(app, videoId, "CoverSnapshot", "c.jpg", 4), "CoverSnapshot")]);

        registered.Status.Should().Be(200, registered.ToString());
        registered["JobIds"].GetArrayLength().Should().Be(0);
        var video = await VideoAsync(app, videoId);
        video.GetProperty("Status").GetString().Should().Be("UploadSucc");
        video.GetProperty("Size").GetInt64().Should().Be(104);
    }

    [Fact]
    public async Task TheMezzanineOfAnUntranscodedVideoCountsOnceInItsSize()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(bytes: 1000, transcodeMode: "NoTranscode");
        var (_, streamUrl) = await app.WriteStreamAsync(videoId, "ld.mp4");
        var odJobId = (await PlayInfoAsync(app, videoId)).Single().GetProperty("JobId").GetString()!;
        var odBlob = $"videos/{videoId}/streams/{odJobId}/od.mp4";
        await app.UploadAsync(odBlob, 10);

        var registered = await RegisterAsync(app, videoId, [Stream(streamUrl, "LD", "mp4")]);
        var mezzanineJob = await RegisterAsync(app, videoId, [Stream(app.UrlOf(odBlob), "OD", "mp4")]);

        registered.Status.Should().Be(200);
        (mezzanineJob.Status, mezzanineJob.Code).Should().Be((400, "InvalidParameter"));
        (await PlayInfoAsync(app, videoId)).Select(s => s.GetProperty("Definition").GetString()).Should().BeEquivalentTo(["OD", "LD"]);
        (await VideoAsync(app, videoId)).GetProperty("Size").GetInt64().Should().Be(1000 + 10);
    }

    [Fact]
    public async Task AFileUrlMayOnlyBeRegisteredOnceUnderItsJobId()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync();
        var (jobId, playlist) = await app.WriteStreamAsync(videoId, "a.m3u8");
        var other = $"videos/{videoId}/streams/{jobId}/b.m3u8";
        await app.UploadAsync(other);
        (await RegisterAsync(app, videoId, [Stream(playlist)])).Status.Should().Be(200);
        var rows = await app.CatalogRowsAsync();

        var anotherFile = await RegisterAsync(app, videoId, [Stream(app.UrlOf(other))]);

        (anotherFile.Status, anotherFile.Code).Should().Be((400, "InvalidParameter"));
        (await app.CatalogRowsAsync()).Should().BeEquivalentTo(rows);
        (await PlayInfoAsync(app, videoId)).Single().GetProperty("PlayURL").GetString().Should().Be(playlist);
    }

    [Fact]
    public async Task ParametersOfAStreamMatchCaseInsensitively()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync();
        var (jobId, url) = await app.WriteStreamAsync(videoId, "x.mp4");

        var registered = await app.CallAsync("RegisterMediaFiles",
            $$"""{"videoid":"{{videoId}}","streams":[{"jobid":"{{jobId}}","definition":"4K","format":"MP4","fileurl":"{{url}}"}]}""");

        registered.Status.Should().Be(200, registered.ToString());
        var stream = (await PlayInfoAsync(app, videoId)).Single();
        stream.GetProperty("Definition").GetString().Should().Be("4K");
        stream.GetProperty("Format").GetString().Should().Be("mp4");
    }

    /// <summary>Every case names a stream or image the call must refuse, next to a valid stream that must then not be registered either.</summary>
    public static TheoryData<string> Refused => new()
    {
        "missing file", "JobId not the folder", "not in a job folder", "job folder not an ID", "job folder in capitals",
        "folder itself", "mezzanine", "another video", "dot segments", "encoded dot segments", "backslash",
        "another host", "another scheme", "another container", "relative", "not a URL", "two streams in one folder",
        "unknown definition", "bad format", "empty format", "no FileURL", "image of another type", "image folder itself",
        "image of another video", "image missing", "image type unknown", "image twice", "stream as image",
    };

    private static (object[] Streams, object[] Images) Streams(params object[] streams) => (streams, []);

    private static (object[] Streams, object[] Images) Images(params object[] images) => ([], images);

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task AnythingOutsideTheRulesIsRefusedAndNothingIsRegistered(string refused)
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(bytes: 100);
        var otherVideo = await app.UploadVideoAsync();
        var (validJob, validUrl) = await app.WriteStreamAsync(videoId, "ok.m3u8");
        var (jobId, url) = await app.WriteStreamAsync(videoId, "p.m3u8");
        var (_, otherUrl) = await app.WriteStreamAsync(otherVideo, "p.m3u8");
        var snapshot = await SnapshotAsync(app, videoId, "CoverSnapshot", "c.jpg", 1);
        var odJobId = Guid.NewGuid().ToString("N");
        var root = app.Container.Uri.AbsoluteUri;
        var streamsRoot = $"{root}/videos/{videoId}/streams";
        await app.UploadAsync($"videos/{videoId}/streams/loose.m3u8");
        await app.UploadAsync($"videos/{videoId}/streams/not-a-job/p.m3u8");
        await app.UploadAsync($"videos/{videoId}/streams/{jobId.ToUpperInvariant()}/p.m3u8");
        await app.UploadAsync($"videos/{videoId}/streams/{jobId}/q.m3u8");
        var otherSnapshot = await SnapshotAsync(app, otherVideo, "CoverSnapshot", "c.jpg", 1);
        var rows = await app.CatalogRowsAsync();
        var (streams, images) = refused switch
        {
            "missing file" => Streams(Stream($"{streamsRoot}/{jobId}/missing.m3u8")),
            "JobId not the folder" => Streams(Stream(url, jobId: odJobId)),
            "not in a job folder" => Streams(Stream($"{streamsRoot}/loose.m3u8")),
            "job folder not an ID" => Streams(Stream($"{streamsRoot}/not-a-job/p.m3u8")),
            "job folder in capitals" => Streams(Stream($"{streamsRoot}/{jobId.ToUpperInvariant()}/p.m3u8")),
            "folder itself" => Streams(Stream($"{streamsRoot}/{jobId}/")),
            "mezzanine" => Streams(Stream($"{root}/videos/{videoId}/mezzanine/source.mp4", format: "mp4")),
            "another video" => Streams(Stream(otherUrl)),
            "dot segments" => Streams(Stream($"{streamsRoot}/{jobId}/../../../{otherVideo}/streams/x/p.m3u8")),
            "encoded dot segments" => Streams(Stream($"{streamsRoot}/{jobId}/%2e%2e/%2e%2e/%2e%2e/{otherVideo}/streams/{jobId}/p.m3u8")),
            "backslash" => Streams(Stream($"{streamsRoot}/{jobId}%5Cp.m3u8")),
            "another host" => Streams(Stream(url.Replace("127.0.0.1", "localhost"))),
            "another scheme" => Streams(Stream(url.Replace("http://", "https://"))),
            "another container" => Streams(Stream(url.Replace(app.Container.Name, app.Container.Name + "x"))),
            "relative" => Streams(Stream($"videos/{videoId}/streams/{jobId}/p.m3u8")),
            "not a URL" => Streams(Stream("::not a url::")),
            "two streams in one folder" => Streams(Stream(url), Stream($"{streamsRoot}/{jobId}/q.m3u8")),
            "unknown definition" => Streams(Stream(url, definition: "hd")),
            "bad format" => Streams(Stream(url, format: "m3u8/../x")),
            "empty format" => Streams(Stream(url, format: " ")),
            "no FileURL" => Streams(new { Definition = "HD", Format = "m3u8" }),
            "image of another type" => Images(Image(snapshot, "NormalSnapshot")),
            "image folder itself" => Images(Image($"{root}/videos/{videoId}/snapshots/CoverSnapshot/", "CoverSnapshot")),
            "image of another video" => Images(Image(otherSnapshot, "CoverSnapshot")),
            "image missing" => Images(Image($"{root}/videos/{videoId}/snapshots/CoverSnapshot/none.jpg", "CoverSnapshot")),
            "image type unknown" => Images(Image(snapshot, "cover")),
            "image twice" => Images(Image(snapshot, "CoverSnapshot"), Image(snapshot + "?again", "CoverSnapshot")),
            "stream as image" => Images(Image(url, "CoverSnapshot")),
            _ => throw new ArgumentOutOfRangeException(nameof(refused)),
        };

        var response = await RegisterAsync(app, videoId, [Stream(validUrl, jobId: validJob), .. streams], images);

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"), response.ToString());
        (await app.CatalogRowsAsync()).Should().BeEquivalentTo(rows);
        var video = await VideoAsync(app, videoId);
        video.GetProperty("Status").GetString().Should().Be("UploadSucc");
        video.GetProperty("Size").GetInt64().Should().Be(100);
    }

    [Fact]
    public async Task AtMostTwentyStreamsAndAHundredImagesAreRegisteredInOneCall()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(bytes: 100);
        var streams = new List<object>();
        for (var i = 0; i < 21; i++) streams.Add(Stream((await app.WriteStreamAsync(videoId, "p.m3u8")).FileUrl));
        var images = new List<object>();
        for (var i = 0; i < 101; i++) images.Add(Image(await SnapshotAsync(app, videoId, "SpriteSnapshot", $"{i}.jpg", 1), "SpriteSnapshot"));

        var tooManyStreams = await RegisterAsync(app, videoId, [.. streams], [.. images.Take(100)]);
        var tooManyImages = await RegisterAsync(app, videoId, [.. streams.Take(20)], [.. images]);
        var most = await RegisterAsync(app, videoId, [.. streams.Take(20)], [.. images.Take(100)]);

        (tooManyStreams.Status, tooManyStreams.Code).Should().Be((400, "InvalidParameter"));
        (tooManyImages.Status, tooManyImages.Code).Should().Be((400, "InvalidParameter"));
        most.Status.Should().Be(200, most.ToString());
        (await PlayInfoAsync(app, videoId)).Should().HaveCount(20);
        (await SnapshotsAsync(app, videoId)).Should().HaveCount(100);
        (await VideoAsync(app, videoId)).GetProperty("Size").GetInt64().Should().Be(100 + 20 * 10 + 100);
    }

    [Fact]
    public async Task AVideoThatDoesNotExistIsNotFound()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = Guid.NewGuid().ToString("N");
        await app.UploadAsync($"videos/{videoId}/streams/{videoId}/p.m3u8");

        var response = await RegisterAsync(app, videoId, [Stream(app.UrlOf($"videos/{videoId}/streams/{videoId}/p.m3u8"))]);

        (response.Status, response.Code).Should().Be((404, "InvalidVideo.NotFound"));
        (await app.CatalogRowsAsync()).Should().BeEmpty();
    }
}
