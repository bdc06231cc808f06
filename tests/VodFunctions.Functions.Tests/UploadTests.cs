using System.Net;
using System.Web;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace VodFunctions.Functions.Tests;

/// <summary>API.md section 5: CreateUploadVideo, CreateUploadImage, CreateUploadAttachedMedia and CompleteUpload.</summary>
public sealed class UploadTests
{
    private static readonly HttpClient Http = new();

    private static async Task<ApiResponse> VideoAsync(TestApp app, string videoId) => await app.CallAsync("GetVideoInfo", new { VideoId = videoId });

    private static async Task<ApiResponse> MezzanineAsync(TestApp app, string videoId) => await app.CallAsync("GetMezzanineInfo", new { VideoId = videoId });

    [Fact]
    public async Task ANewVideoIsUploadingUntilItsMezzanineIsComplete()
    {
        await using var app = await TestApp.StartAsync();

        var created = await app.CallAsync("CreateUploadVideo", new { Title = "Trailer", FileName = "trailer.mov", CateId = "42" });
        var videoId = created.Str("VideoId");
        var video = (await VideoAsync(app, videoId))["Video"];
        var mezzanine = (await MezzanineAsync(app, videoId))["Mezzanine"];

        videoId.Should().MatchRegex("^[0-9a-f]{32}$");
        created.Str("StoragePrefix").Should().Be($"{app.Container.Uri.AbsoluteUri}/videos/{videoId}/");
        new Uri(created.Str("UploadURL")).GetLeftPart(UriPartial.Path).Should().Be(app.UrlOf($"videos/{videoId}/mezzanine/trailer.mov"));
        video.GetProperty("Status").GetString().Should().Be("Uploading");
        video.GetProperty("Size").GetInt64().Should().Be(0);
        video.GetProperty("AppId").GetString().Should().Be(TestApp.DefaultApp);
        video.GetProperty("CateId").GetString().Should().Be("42");
        video.GetProperty("TranscodeMode").GetString().Should().Be("FastTranscode");
        video.GetProperty("StorageLocation").GetString().Should().Be("default");
        video.GetProperty("CreationTime").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        mezzanine.GetProperty("FileName").GetString().Should().Be("trailer.mov");
        mezzanine.GetProperty("FileURL").GetString().Should().Be(app.UrlOf($"videos/{videoId}/mezzanine/trailer.mov"));
        mezzanine.GetProperty("Status").GetString().Should().Be("Uploading");
        (await app.CallAsync("GetPlayInfo", new { VideoId = videoId }))["PlayInfoList"].GetArrayLength().Should().Be(0);
    }

    [Theory]
    [InlineData("FastTranscode", "UploadSucc")]
    [InlineData("NoTranscode", "Normal")]
    [InlineData("AsyncTranscode", "Normal")]
    public async Task CompletingAnUploadRecordsItsSizeAndStatus(string mode, string status)
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4", TranscodeMode = mode });
        var videoId = created.Str("VideoId");
        (await IngestSteps.PutAsync(created.Str("UploadURL"), 777)).Should().Be(HttpStatusCode.Created);

        var completed = await app.CallAsync("CompleteUpload", new { MediaId = videoId });

        completed.Str("Status").Should().Be(status);
        (await VideoAsync(app, videoId))["Video"].GetProperty("Status").GetString().Should().Be(status);
        (await VideoAsync(app, videoId))["Video"].GetProperty("Size").GetInt64().Should().Be(777);
        var mezzanine = (await MezzanineAsync(app, videoId))["Mezzanine"];
        mezzanine.GetProperty("Status").GetString().Should().Be("Normal");
        mezzanine.GetProperty("Size").GetInt64().Should().Be(777);
    }

    [Fact]
    public async Task CompletingBeforeTheUploadIsRefusedAndChangesNothing()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = (await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" })).Str("VideoId");
        var image = await app.CallAsync("CreateUploadImage", new { ImageType = "cover", FileName = "a.png" });

        var video = await app.CallAsync("CompleteUpload", new { MediaId = videoId });
        var picture = await app.CallAsync("CompleteUpload", new { MediaId = image.Str("ImageId") });

        (video.Status, video.Code).Should().Be((400, "InvalidFile.NotFound"));
        (picture.Status, picture.Code).Should().Be((400, "InvalidFile.NotFound"));
        (await VideoAsync(app, videoId))["Video"].GetProperty("Status").GetString().Should().Be("Uploading");
        (await MezzanineAsync(app, videoId))["Mezzanine"].GetProperty("Status").GetString().Should().Be("Uploading");
        (await app.CallAsync("GetImageInfo", new { ImageId = image.Str("ImageId") }))["ImageInfo"].GetProperty("Status").GetString().Should().Be("Uploading");
    }

    [Fact]
    public async Task CompletingAgainIsHarmlessAndFollowsAReplacedFile()
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" });
        var videoId = created.Str("VideoId");
        await IngestSteps.PutAsync(created.Str("UploadURL"), 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.CallAsync("CompleteUpload", new { MediaId = videoId })));
        var sizeAfterRepeats = (await VideoAsync(app, videoId))["Video"].GetProperty("Size").GetInt64();
        await IngestSteps.PutAsync(created.Str("UploadURL"), 250);
        var again = await app.CallAsync("CompleteUpload", new { MediaId = videoId });

        results.Should().AllSatisfy(r => r.Str("Status").Should().Be("UploadSucc", r.ToString()));
        sizeAfterRepeats.Should().Be(100);
        again.Str("Status").Should().Be("UploadSucc");
        (await VideoAsync(app, videoId))["Video"].GetProperty("Size").GetInt64().Should().Be(250);
        (await MezzanineAsync(app, videoId))["Mezzanine"].GetProperty("Size").GetInt64().Should().Be(250);
    }

    [Theory]
    [InlineData("NoTranscode")]
    [InlineData("AsyncTranscode")]
    public async Task TheMezzanineOfAnUntranscodedVideoIsItsOriginalStream(string mode)
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(transcodeMode: mode, fileName: "master.MOV", bytes: 300);

        var playInfo = (await app.CallAsync("GetPlayInfo", new { VideoId = videoId }))["PlayInfoList"].Items();
        var mezzanine = (await MezzanineAsync(app, videoId))["Mezzanine"];

        var original = playInfo.Should().ContainSingle().Subject;
        original.GetProperty("Definition").GetString().Should().Be("OD");
        original.GetProperty("Format").GetString().Should().Be("mov");
        original.GetProperty("PlayURL").GetString().Should().Be(mezzanine.GetProperty("FileURL").GetString());
        original.GetProperty("Size").GetInt64().Should().Be(300);
        original.GetProperty("Status").GetString().Should().Be("Normal");
        original.GetProperty("JobId").GetString().Should().MatchRegex("^[0-9a-f]{32}$").And.NotBe(videoId);
    }

    [Fact]
    public async Task TheUploadUrlAllowsWritingOnlyThatOneFile()
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" });
        var upload = new Uri(created.Str("UploadURL"));
        var otherFile = new UriBuilder(upload) { Path = upload.AbsolutePath.Replace("/a.mp4", "/b.mp4") }.Uri;
        var otherVideo = new UriBuilder(upload) { Path = upload.AbsolutePath.Replace(created.Str("VideoId"), Guid.NewGuid().ToString("N")) }.Uri;

        (await IngestSteps.PutAsync(upload.AbsoluteUri, 10)).Should().Be(HttpStatusCode.Created);
        (await IngestSteps.PutAsync(otherFile.AbsoluteUri, 10)).Should().Be(HttpStatusCode.Forbidden);
        (await IngestSteps.PutAsync(otherVideo.AbsoluteUri, 10)).Should().Be(HttpStatusCode.Forbidden);
        using var read = await Http.GetAsync(upload);
        read.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the upload URL does not grant reading");
        (await app.ListBlobsAsync()).Should().Equal($"videos/{created.Str("VideoId")}/mezzanine/a.mp4");
    }

    [Fact]
    public async Task AMezzanineUploadedInBlocksCountsOnlyOnceCommitted()
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "big.mp4" });
        var videoId = created.Str("VideoId");
        var blob = new BlockBlobClient(new Uri(created.Str("UploadURL")));
        var blocks = new[] { "YmxvY2stMQ==", "YmxvY2stMg==" };
        await blob.StageBlockAsync(blocks[0], new MemoryStream(new byte[300]));
        await blob.StageBlockAsync(blocks[1], new MemoryStream(new byte[200]));

        var uncommitted = await app.CallAsync("CompleteUpload", new { MediaId = videoId });
        await blob.CommitBlockListAsync(blocks);
        var committed = await app.CallAsync("CompleteUpload", new { MediaId = videoId });

        (uncommitted.Status, uncommitted.Code).Should().Be((400, "InvalidFile.NotFound"));
        committed.Str("Status").Should().Be("UploadSucc");
        (await VideoAsync(app, videoId))["Video"].GetProperty("Size").GetInt64().Should().Be(500);
    }

    [Fact]
    public async Task TheUploadUrlIsValidForOneHour()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        await using var app = await TestApp.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(time));

        var expired = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" });
        time.SetUtcNow(DateTimeOffset.UtcNow);
        var fresh = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" });

        HttpUtility.ParseQueryString(new Uri(fresh.Str("UploadURL")).Query)["se"].Should()
            .Be(time.GetUtcNow().AddHours(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        (await IngestSteps.PutAsync(expired.Str("UploadURL"), 10)).Should().Be(HttpStatusCode.Forbidden);
        (await IngestSteps.PutAsync(fresh.Str("UploadURL"), 10)).Should().Be(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("my clip #1 (final)?.mp4")]
    [InlineData("100% ünïcödé 🎬.mp4")]
    [InlineData("a+b&c=d;e.mp4")]
    [InlineData("%41%2F.mp4")]
    [InlineData("...mp4")]
    public async Task FileNamesWithSpecialCharactersRoundTrip(string fileName)
    {
        await using var app = await TestApp.StartAsync();

        var videoId = await app.UploadVideoAsync(fileName: fileName, bytes: 5, transcodeMode: "NoTranscode");

        var mezzanine = (await MezzanineAsync(app, videoId))["Mezzanine"];
        mezzanine.GetProperty("FileName").GetString().Should().Be(fileName);
        mezzanine.GetProperty("Size").GetInt64().Should().Be(5);
        (await app.ListBlobsAsync()).Should().Equal($"videos/{videoId}/mezzanine/{fileName}");
        var fileUrl = new Uri(mezzanine.GetProperty("FileURL").GetString()!);
        Uri.UnescapeDataString(fileUrl.AbsolutePath).Should().EndWith($"/videos/{videoId}/mezzanine/{fileName}");
        (await app.Container.GetBlobClient($"videos/{videoId}/mezzanine/{fileName}").GetPropertiesAsync()).Value.ContentLength.Should().Be(5);
    }

    [Theory]
    [InlineData(128, 64, 255, 200)]
    [InlineData(129, 64, 255, 400)]
    [InlineData(128, 65, 255, 400)]
    [InlineData(128, 64, 256, 400)]
    public async Task TitleCateIdAndFileNameHaveLimits(int title, int cateId, int fileName, int status)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("CreateUploadVideo",
            new { Title = new string('t', title), CateId = new string('c', cateId), FileName = new string('f', fileName - 4) + ".mp4" });

        response.Status.Should().Be(status, response.ToString());
        (await app.CatalogRowsAsync()).Should().HaveCount(status == 200 ? 6 : 0, "a video has its record and index rows (id; title and time, per app and for all)");
    }

    [Fact]
    public async Task AnUploadedImageIsReadableOnceComplete()
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadImage", new { ImageType = "cover", FileName = "poster.jpg", Title = "Poster" });
        var imageId = created.Str("ImageId");
        var before = (await app.CallAsync("GetImageInfo", new { ImageId = imageId }))["ImageInfo"];
        (await IngestSteps.PutAsync(created.Str("UploadURL"), 64)).Should().Be(HttpStatusCode.Created);

        var completed = await app.CallAsync("CompleteUpload", new { MediaId = imageId });
        var image = (await app.CallAsync("GetImageInfo", new { ImageId = imageId }))["ImageInfo"];

        imageId.Should().MatchRegex("^[0-9a-f]{32}$");
        created.Str("ImageURL").Should().Be(app.UrlOf($"images/{imageId}/poster.jpg"));
        new Uri(created.Str("UploadURL")).GetLeftPart(UriPartial.Path).Should().Be(created.Str("ImageURL"));
        before.GetProperty("Status").GetString().Should().Be("Uploading");
        completed.Str("Status").Should().Be("Normal");
        image.GetProperty("ImageId").GetString().Should().Be(imageId);
        image.GetProperty("ImageType").GetString().Should().Be("cover");
        image.GetProperty("URL").GetString().Should().Be(created.Str("ImageURL"));
        image.GetProperty("VideoId").GetString().Should().BeEmpty();
        image.GetProperty("Title").GetString().Should().Be("Poster");
        image.GetProperty("Status").GetString().Should().Be("Normal");
        image.GetProperty("Size").GetInt64().Should().Be(64);
    }

    [Fact]
    public async Task UploadedAttachedMediaIsReadableOnceComplete()
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadAttachedMedia", new { BusinessType = "subtitle", FileName = "en.vtt", Title = "English" });
        var mediaId = created.Str("MediaId");
        (await IngestSteps.PutAsync(created.Str("UploadURL"), 33)).Should().Be(HttpStatusCode.Created);

        var completed = await app.CallAsync("CompleteUpload", new { MediaId = mediaId });
        var info = await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = mediaId });

        created.Str("MediaURL").Should().Be(app.UrlOf($"attached/{mediaId}/en.vtt"));
        completed.Str("Status").Should().Be("Normal");
        info["NonExistMediaIds"].GetArrayLength().Should().Be(0);
        var media = info["AttachedMediaList"].Items().Should().ContainSingle().Subject;
        media.GetProperty("MediaId").GetString().Should().Be(mediaId);
        media.GetProperty("BusinessType").GetString().Should().Be("subtitle");
        media.GetProperty("URL").GetString().Should().Be(created.Str("MediaURL"));
        media.GetProperty("Title").GetString().Should().Be("English");
        media.GetProperty("Status").GetString().Should().Be("Normal");
        media.GetProperty("Size").GetInt64().Should().Be(33);
    }

    [Fact]
    public async Task AVideoMayLiveInAConfiguredExternalStorageLocation()
    {
        var archive = TestStorage.Blobs.GetBlobContainerClient(TestStorage.UniqueName("archive-"));
        try
        {
            await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
            {
                ["Vod:StorageLocations:0:Name"] = "archive",
                ["Vod:StorageLocations:0:ConnectionString"] = TestStorage.ConnectionString,
                ["Vod:StorageLocations:0:Container"] = archive.Name,
            });
            var created = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4", StorageLocation = "archive" });
            var videoId = created.Str("VideoId");
            (await IngestSteps.PutAsync(created.Str("UploadURL"), 20)).Should().Be(HttpStatusCode.Created);
            (await app.CallAsync("CompleteUpload", new { MediaId = videoId })).Str("Status").Should().Be("UploadSucc");
            var jobId = Guid.NewGuid().ToString("N");
            await archive.GetBlobClient($"videos/{videoId}/streams/{jobId}/hd.mp4").UploadAsync(new BinaryData(new byte[30]));
            await app.UploadAsync($"videos/{videoId}/streams/{jobId}/hd.mp4", 30);

            var wrongContainer = await app.CallAsync("RegisterMediaFiles", new
            {
                VideoId = videoId, Streams = new[] { new { Definition = "HD", Format = "mp4", FileURL = app.UrlOf($"videos/{videoId}/streams/{jobId}/hd.mp4") } },
            });
            var registered = await app.CallAsync("RegisterMediaFiles", new
            {
                VideoId = videoId, Streams = new[] { new { Definition = "HD", Format = "mp4", FileURL = archive.GetBlobClient($"videos/{videoId}/streams/{jobId}/hd.mp4").Uri.AbsoluteUri } },
            });

            created.Str("StoragePrefix").Should().Be($"{archive.Uri.AbsoluteUri}/videos/{videoId}/");
            (await archive.GetBlobClient($"videos/{videoId}/mezzanine/a.mp4").ExistsAsync()).Value.Should().BeTrue();
            (await app.ListBlobsAsync($"videos/{videoId}/mezzanine/")).Should().BeEmpty();
            (wrongContainer.Status, wrongContainer.Code).Should().Be((400, "InvalidParameter"));
            registered.Status.Should().Be(200, registered.ToString());
            var video = (await VideoAsync(app, videoId))["Video"];
            video.GetProperty("StorageLocation").GetString().Should().Be("archive");
            video.GetProperty("Size").GetInt64().Should().Be(50);
            (await app.CallAsync("GetPlayInfo", new { VideoId = videoId }))["PlayInfoList"].Items().Single()
                .GetProperty("PlayURL").GetString().Should().StartWith(archive.Uri.AbsoluteUri + "/");
        }
        finally
        {
            await archive.DeleteIfExistsAsync();
        }
    }
}
