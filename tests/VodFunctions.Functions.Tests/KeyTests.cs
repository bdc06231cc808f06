namespace VodFunctions.Functions.Tests;

/// <summary>API.md section 2: keys, roles, applications, and the per-key request rate.</summary>
public sealed class KeyTests
{
    private const string MissingId = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData("ADMIN-KEY-0123456789")]
    public async Task NoKeyOrAnUnknownKeyIsUnauthorizedAndCreatesNothing(string? key)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" }, key);

        (response.Status, response.Code).Should().Be((401, "Unauthorized"));
        (await app.CatalogRowsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task TheKeyMayComeAsTheCodeQueryParameter()
    {
        await using var app = await TestApp.StartAsync();

        var created = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" }, key: null, query: "code=" + TestApp.FullKey);
        var wrong = await app.CallAsync("GetVideoInfo", new { VideoId = MissingId }, key: null, query: "code=nope");

        created.Status.Should().Be(200, created.ToString());
        (wrong.Status, wrong.Code).Should().Be((401, "Unauthorized"));
    }

    [Fact]
    public async Task WithNoKeyConfiguredEveryCallIsRefused()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Vod:Keys:0:Secret"] = "", ["Vod:Keys:1:Secret"] = "", ["Vod:Keys:2:Secret"] = "", ["Vod:Keys:3:Secret"] = "",
        });

        foreach (var key in new[] { TestApp.AdminKey, "", null })
        {
            var response = await app.CallAsync("SearchMedia", new { }, key);
            (response.Status, response.Code).Should().Be((401, "Unauthorized"));
        }
    }

    [Fact]
    public async Task AReadOnlyKeyMayOnlyRead()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync();
        var rowsBefore = await app.CatalogRowsAsync();

        var writes = new[]
        {
            await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" }, TestApp.ReadOnlyKey),
            await app.CallAsync("CreateUploadImage", new { ImageType = "cover", FileName = "a.png" }, TestApp.ReadOnlyKey),
            await app.CallAsync("CreateUploadAttachedMedia", new { BusinessType = "watermark", FileName = "a.png" }, TestApp.ReadOnlyKey),
            await app.CallAsync("CompleteUpload", new { MediaId = videoId }, TestApp.ReadOnlyKey),
            await app.CallAsync("RegisterMediaFiles", new { VideoId = videoId, Images = Array.Empty<object>() }, TestApp.ReadOnlyKey),
        };
        var reads = new[]
        {
            await app.CallAsync("GetVideoInfo", new { VideoId = videoId }, TestApp.ReadOnlyKey),
            await app.CallAsync("GetPlayInfo", new { VideoId = videoId }, TestApp.ReadOnlyKey),
            await app.CallAsync("GetMezzanineInfo", new { VideoId = videoId }, TestApp.ReadOnlyKey),
            await app.CallAsync("ListSnapshots", new { VideoId = videoId }, TestApp.ReadOnlyKey),
            await app.CallAsync("SearchMedia", new { }, TestApp.ReadOnlyKey),
        };

        writes.Should().AllSatisfy(r => (r.Status, r.Code).Should().Be((403, "Forbidden")));
        reads.Should().AllSatisfy(r => r.Status.Should().Be(200, r.ToString()));
        (await app.CatalogRowsAsync()).Should().BeEquivalentTo(rowsBefore);
    }

    [Fact]
    public async Task AKeyOfAnotherApplicationMayNeitherSeeNorChangeMedia()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(key: TestApp.FullKey);
        var snapshot = $"videos/{videoId}/snapshots/NormalSnapshot/1.jpg";
        await app.UploadAsync(snapshot);
        var (_, streamUrl) = await app.WriteStreamAsync(videoId);
        var registered = await app.CallAsync("RegisterMediaFiles", new
        {
            VideoId = videoId, Images = new[] { new { ImageType = "NormalSnapshot", FileURL = app.UrlOf(snapshot) } },
        }, TestApp.FullKey);
        var imageId = registered["ImageIds"].Items().Single().GetString();
        var attached = await app.UploadFileAsync("CreateUploadAttachedMedia", new { BusinessType = "watermark", FileName = "a.png" }, key: TestApp.FullKey);
        var uploadedImage = await app.UploadFileAsync("CreateUploadImage", new { ImageType = "default", FileName = "a.png" }, key: TestApp.FullKey);
        var rowsBefore = await app.CatalogRowsAsync();

        var responses = new[]
        {
            await app.CallAsync("GetVideoInfo", new { VideoId = videoId }, TestApp.OtherAppKey),
            await app.CallAsync("GetPlayInfo", new { VideoId = videoId }, TestApp.OtherAppKey),
            await app.CallAsync("GetMezzanineInfo", new { VideoId = videoId }, TestApp.OtherAppKey),
            await app.CallAsync("ListSnapshots", new { VideoId = videoId }, TestApp.OtherAppKey),
            await app.CallAsync("GetImageInfo", new { ImageId = imageId }, TestApp.OtherAppKey),
            await app.CallAsync("GetImageInfo", new { ImageId = uploadedImage }, TestApp.OtherAppKey),
            await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = new[] { attached, MissingId } }, TestApp.OtherAppKey),
            await app.CallAsync("CompleteUpload", new { MediaId = videoId }, TestApp.OtherAppKey),
            await app.CallAsync("CompleteUpload", new { MediaId = attached }, TestApp.OtherAppKey),
            await app.CallAsync("RegisterMediaFiles", new
            {
                VideoId = videoId, Streams = new[] { new { Definition = "HD", Format = "m3u8", FileURL = streamUrl } },
            }, TestApp.OtherAppKey),
            await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4", AppId = TestApp.DefaultApp }, TestApp.OtherAppKey),
            await app.CallAsync("CreateUploadImage", new { ImageType = "cover", FileName = "a.png", AppId = TestApp.DefaultApp }, TestApp.OtherAppKey),
            await app.CallAsync("CreateUploadAttachedMedia", new { BusinessType = "material", FileName = "a.png", AppId = TestApp.DefaultApp }, TestApp.OtherAppKey),
        };

        responses.Should().AllSatisfy(r => (r.Status, r.Code).Should().Be((403, "Forbidden"), r.ToString()));
        (await app.CatalogRowsAsync()).Should().BeEquivalentTo(rowsBefore);
    }

    [Fact]
    public async Task AKeyCreatesInTheDefaultApplicationUnlessItNamesAnother()
    {
        await using var app = await TestApp.StartAsync();

        var defaulted = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" }, TestApp.FullKey);
        var named = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4", AppId = TestApp.OtherApp }, TestApp.OtherAppKey);
        var notItsDefault = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" }, TestApp.OtherAppKey);

        (await app.CallAsync("GetVideoInfo", new { VideoId = defaulted.Str("VideoId") }))["Video"].GetProperty("AppId").GetString().Should().Be(TestApp.DefaultApp);
        (await app.CallAsync("GetVideoInfo", new { VideoId = named.Str("VideoId") }))["Video"].GetProperty("AppId").GetString().Should().Be(TestApp.OtherApp);
        (notItsDefault.Status, notItsDefault.Code).Should().Be((403, "Forbidden"));
    }

    [Fact]
    public async Task AnAdminKeyReachesEveryApplication()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync(key: TestApp.OtherAppKey, appId: TestApp.OtherApp);

        var info = await app.CallAsync("GetVideoInfo", new { VideoId = videoId }, TestApp.AdminKey);
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4", AppId = "app-9" }, TestApp.AdminKey);

        info.Status.Should().Be(200);
        created.Status.Should().Be(200);
    }

    // The limiter refills from the time that really passes (it reads no injected clock), so these rates leave seconds
    // between refills: far more than two requests on loopback take, however busy the machine.
    private static Task<TestApp> StartThrottledAsync(double requestsPerSecond) => TestApp.StartAsync(new Dictionary<string, string?>
    {
        ["Vod:RequestsPerSecond"] = requestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vod:Keys:4:Secret"] = "second-admin-key-0123456789", ["Vod:Keys:4:Role"] = "Admin", ["Vod:Keys:4:AppIds"] = "*",
    });

    private static Task<ApiResponse> ReadAsync(TestApp app, string key) => app.CallAsync("GetVideoInfo", new { VideoId = MissingId }, key);

    /// <summary>Calls until the key is served again (or a deadline passes): answers that first answer.</summary>
    private static async Task<ApiResponse> ReadOnceRefilledAsync(TestApp app, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await ReadAsync(app, key);
            if (response.Code != "Throttling.User" || DateTime.UtcNow > deadline) return response;
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task AKeyPastItsRateIsThrottledUntilTimePasses()
    {
        await using var app = await StartThrottledAsync(0.2);

        (await ReadAsync(app, TestApp.FullKey)).Status.Should().Be(404);
        var throttled = await ReadAsync(app, TestApp.FullKey);
        var otherKey = await ReadAsync(app, TestApp.OtherAppKey);
        var refilled = await ReadOnceRefilledAsync(app, TestApp.FullKey);

        (throttled.Status, throttled.Code).Should().Be((429, "Throttling.User"));
        throttled.Str("RequestId").Should().Be(throttled.RequestId);
        otherKey.Status.Should().Be(404);
        refilled.Status.Should().Be(404);
    }

    [Fact]
    public async Task EveryKeyHasARateOfItsOwnEvenWithTheSameRole()
    {
        await using var app = await StartThrottledAsync(0.2);

        (await ReadAsync(app, TestApp.AdminKey)).Status.Should().Be(404);
        (await ReadAsync(app, TestApp.AdminKey)).Code.Should().Be("Throttling.User");
        (await ReadAsync(app, "second-admin-key-0123456789")).Status.Should().Be(404);
    }

    [Fact]
    public async Task ARateBelowOnePerSecondStillAllowsRequests()
    {
        await using var app = await StartThrottledAsync(0.5);

        var first = await ReadAsync(app, TestApp.FullKey);
        var second = await ReadAsync(app, TestApp.FullKey);
        var later = await ReadOnceRefilledAsync(app, TestApp.FullKey);

        first.Status.Should().Be(404);
        second.Code.Should().Be("Throttling.User");
        later.Status.Should().Be(404);
    }
}
