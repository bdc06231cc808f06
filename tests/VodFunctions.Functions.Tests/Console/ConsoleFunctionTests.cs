using System.Net;
using System.Net.Http.Headers;

namespace VodFunctions.Functions.Tests.Console;

/// <summary>The console's static files (function <c>console</c>) and the thumbnails its pages show (<c>GetThumbnail</c>).</summary>
public sealed class ConsoleFunctionTests
{
    [Fact]
    public async Task ServesTheConsoleWithoutAKeyAndWithAStrictContentPolicy()
    {
        await using var app = await TestApp.StartAsync();

        using var page = await app.Client.GetAsync("/api/console/");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await page.Content.ReadAsStringAsync()).Should().Contain("<script type=\"module\" src=\"app.js\"></script>");
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'none'").And.Contain("script-src 'self'");
        page.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");

        using var script = await app.Client.GetAsync("/api/console/app.js");
        script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/api/console/app.js");
        conditional.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        (await app.Client.SendAsync(conditional)).StatusCode.Should().Be(HttpStatusCode.NotModified);

        var missing = await app.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/console/secrets.json"));
        missing.Status.Should().Be(404);
        missing.Code.Should().Be("NoSuchResource");
    }

    [Fact]
    public async Task RedirectsTheBareConsoleAddressToItsFolder()
    {
        await using var app = await TestApp.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Client.BaseAddress };

        using var response = await client.GetAsync("/api/console");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/api/console/");
    }

    [Fact]
    public async Task ThumbnailIsTheVideosCoverOrTheUploadedImage()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshotTypes: ["CoverSnapshot", "NormalSnapshot"]);
        var (imageId, _) = await app.SeedFileAsync("image");

        using var cover = await GetThumbnailAsync(app, video.VideoId, TestApp.ReadOnlyKey);
        cover.StatusCode.Should().Be(HttpStatusCode.OK);
        cover.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        cover.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
        (await cover.Content.ReadAsByteArrayAsync()).Should().HaveCount(50);

        using var image = await GetThumbnailAsync(app, imageId, TestApp.FullKey);
        image.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        (await image.Content.ReadAsByteArrayAsync()).Should().HaveCount(300);
    }

    [Fact]
    public async Task ThumbnailIsScopedLikeEveryRead()
    {
        await using var app = await TestApp.StartAsync();
        var covered = await app.SeedVideoAsync(streams: 0, snapshotTypes: ["CoverSnapshot"]);
        var bare = await app.SeedVideoAsync(streams: 0, snapshotTypes: ["NormalSnapshot"]);

        var noKey = await app.SendAsync(ThumbnailRequest(covered.VideoId, key: null));
        noKey.Status.Should().Be(401);
        var otherApp = await app.SendAsync(ThumbnailRequest(covered.VideoId, TestApp.OtherAppKey));
        otherApp.Code.Should().Be("Forbidden");
        var noCover = await app.SendAsync(ThumbnailRequest(bare.VideoId, TestApp.FullKey));
        (noCover.Status, noCover.Code).Should().Be((404, "NoSuchResource"));
        var unknown = await app.SendAsync(ThumbnailRequest("not-an-id", TestApp.FullKey));
        (unknown.Status, unknown.Code).Should().Be((404, "NoSuchResource"));
    }

    private static Task<HttpResponseMessage> GetThumbnailAsync(TestApp app, string mediaId, string key) =>
        app.Client.SendAsync(ThumbnailRequest(mediaId, key));

    private static HttpRequestMessage ThumbnailRequest(string mediaId, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/GetThumbnail?MediaId={Uri.EscapeDataString(mediaId)}");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
        return request;
    }
}
