using Microsoft.Extensions.Time.Testing;

namespace VodFunctions.Functions.Tests;

/// <summary>API.md section 5, SearchMedia: kinds, title prefixes, applications, pages.</summary>
public sealed class SearchMediaTests
{
    private static async Task<string> CreateVideoAsync(TestApp app, string title, string key = TestApp.AdminKey, string? appId = null)
    {
        var created = await app.CallAsync("CreateUploadVideo",
            new Dictionary<string, string?> { ["Title"] = title, ["FileName"] = "a.mp4", ["AppId"] = appId }, key);
        created.Status.Should().Be(200, created.ToString());
        return created.Str("VideoId");
    }

    private static string[] Ids(ApiResponse response) =>
        response["MediaList"].Items().Select(m => m.GetProperty("MediaId").GetString()!).ToArray();

    [Fact]
    public async Task PagesWalkEveryVideoNewestFirstWithoutRepeats()
    {
        await using var app = await TestApp.StartAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++) created.Add(await CreateVideoAsync(app, $"Clip {i}"));

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await app.CallAsync("SearchMedia", new Dictionary<string, object?> { ["SearchType"] = "video", ["PageSize"] = 3, ["PageToken"] = token });
            page.Status.Should().Be(200, page.ToString());
            page["Total"].GetInt32().Should().Be(7);
            seen.AddRange(Ids(page));
            token = page.Json.TryGetProperty("NextPageToken", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 10);

        pages.Should().Be(3);
        seen.Should().BeEquivalentTo(created).And.OnlyHaveUniqueItems();
        var times = new List<string>();
        foreach (var id in seen) times.Add((await app.CallAsync("GetVideoInfo", new { VideoId = id }))["Video"].GetProperty("CreationTime").GetString()!);
        times.Should().BeInDescendingOrder(StringComparer.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("clip")]
    public async Task WithOrWithoutATitleMediaComeNewestFirstAcrossPages(string? title)
    {
        // Titles in another order than creation times, a minute apart: a title search lists by time too.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        await using var app = await TimerKit.StartAsync(clock);
        var created = new List<string>();
        foreach (var name in new[] { "Clip C", "Clip A", "Clip E", "Clip B", "Clip D" })
        {
            created.Add(await CreateVideoAsync(app, name));
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var first = await app.CallAsync("SearchMedia", new { Title = title, PageSize = 3 });
        var second = await app.CallAsync("SearchMedia", new { Title = title, PageSize = 3, PageToken = first.Str("NextPageToken") });

        second.Status.Should().Be(200, second.ToString());
        Ids(first).Concat(Ids(second)).Should().Equal(Enumerable.Reverse(created));
        second["Total"].GetInt32().Should().Be(5);
        second.Json.TryGetProperty("NextPageToken", out _).Should().BeFalse("the last page has no NextPageToken");
        first["MediaList"].Items().Select(m => m.GetProperty("CreationTime").GetString()).Should().Equal(
            "2026-03-01T08:04:00Z", "2026-03-01T08:03:00Z", "2026-03-01T08:02:00Z");
    }

    [Fact]
    public async Task APageTokenTravelsInTheQueryStringUnchanged()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < 3; i++) await CreateVideoAsync(app, $"Clip {i}");

        var first = await app.CallAsync("SearchMedia", query: "PageSize=2");
        var second = await app.CallAsync("SearchMedia", query: "PageSize=2&PageToken=" + first.Str("NextPageToken"));

        second.Status.Should().Be(200, second.ToString());
        Ids(second).Should().HaveCount(1).And.NotIntersectWith(Ids(first));
        second.Json.TryGetProperty("NextPageToken", out _).Should().BeFalse("the last page has no NextPageToken");
    }

    [Fact]
    public async Task ItemsLookAsTheGetOperationsReturnThem()
    {
        await using var app = await TestApp.StartAsync();
        var videoId = await app.UploadVideoAsync("Shape", bytes: 42);

        var search = await app.CallAsync("SearchMedia", new { SearchType = "video" });
        var info = await app.CallAsync("GetVideoInfo", new { VideoId = videoId });

        var item = search["MediaList"].Items().Single();
        item.GetProperty("MediaType").GetString().Should().Be("video");
        item.GetProperty("MediaId").GetString().Should().Be(videoId);
        item.GetProperty("CreationTime").GetString().Should().Be(info["Video"].GetProperty("CreationTime").GetString());
        item.GetProperty("Video").GetRawText().Should().Be(info["Video"].GetRawText());
    }

    [Fact]
    public async Task TitleIsACaseInsensitivePrefix()
    {
        await using var app = await TestApp.StartAsync();
        var summer = await CreateVideoAsync(app, "Summer Holiday");
        var summit = await CreateVideoAsync(app, "summit 50% / #1?");
        await CreateVideoAsync(app, "Winter Holiday");

        var sum = await app.CallAsync("SearchMedia", new { Title = "SUM" });
        var special = await app.CallAsync("SearchMedia", new { Title = "Summit 50% / #" });
        var none = await app.CallAsync("SearchMedia", new { Title = "Holiday" });

        Ids(sum).Should().BeEquivalentTo([summer, summit]);
        sum["Total"].GetInt32().Should().Be(2);
        Ids(special).Should().Equal(summit);
        Ids(none).Should().BeEmpty();
        none["Total"].GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task ImageSearchFindsUploadedImagesNotSnapshots()
    {
        await using var app = await TestApp.StartAsync();
        var uploaded = await app.UploadFileAsync("CreateUploadImage", new { ImageType = "cover", FileName = "poster.jpg", Title = "Poster" });
        var videoId = await app.UploadVideoAsync();
        await app.UploadAsync($"videos/{videoId}/snapshots/CoverSnapshot/cover.jpg");
        (await app.CallAsync("RegisterMediaFiles", new
        {
            VideoId = videoId,
            Images = new[] { new { ImageType = "CoverSnapshot", FileURL = app.UrlOf($"videos/{videoId}/snapshots/CoverSnapshot/cover.jpg") } },
        })).Status.Should().Be(200);
        var attached = await app.UploadFileAsync("CreateUploadAttachedMedia", new { BusinessType = "material", FileName = "m.png", Title = "Material" });

        var images = await app.CallAsync("SearchMedia", new { SearchType = "image" });
        var media = await app.CallAsync("SearchMedia", new { SearchType = "attached" });

        Ids(images).Should().Equal(uploaded);
        images["MediaList"].Items().Single().GetProperty("Image").GetProperty("ImageId").GetString().Should().Be(uploaded);
        Ids(media).Should().Equal(attached);
        media["MediaList"].Items().Single().GetProperty("AttachedMedia").GetProperty("BusinessType").GetString().Should().Be("material");
    }

    [Fact]
    public async Task AKeySeesOnlyItsApplications()
    {
        await using var app = await TestApp.StartAsync();
        var mine = await CreateVideoAsync(app, "Mine", TestApp.FullKey);
        var theirs = await CreateVideoAsync(app, "Theirs", TestApp.OtherAppKey, TestApp.OtherApp);

        var full = await app.CallAsync("SearchMedia", new { }, TestApp.FullKey);
        var other = await app.CallAsync("SearchMedia", new { Title = "T" }, TestApp.OtherAppKey);
        var admin = await app.CallAsync("SearchMedia", new { }, TestApp.AdminKey);
        var adminOneApp = await app.CallAsync("SearchMedia", new { AppId = TestApp.OtherApp }, TestApp.AdminKey);
        var readOnly = await app.CallAsync("SearchMedia", new { }, TestApp.ReadOnlyKey);
        var forbidden = await app.CallAsync("SearchMedia", new { AppId = TestApp.OtherApp }, TestApp.FullKey);

        Ids(full).Should().Equal(mine);
        full["Total"].GetInt32().Should().Be(1);
        Ids(other).Should().Equal(theirs);
        Ids(admin).Should().BeEquivalentTo([mine, theirs]);
        Ids(adminOneApp).Should().Equal(theirs);
        Ids(readOnly).Should().BeEquivalentTo([mine, theirs]);
        (forbidden.Status, forbidden.Code).Should().Be((403, "Forbidden"));
    }

    [Fact]
    public async Task AKeyOfSeveralApplicationsSeesThemAll()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Vod:Keys:4:Secret"] = "two-apps-key-0123456789", ["Vod:Keys:4:Role"] = "Full", ["Vod:Keys:4:AppIds"] = $"{TestApp.DefaultApp}, {TestApp.OtherApp}",
        });
        var mine = await CreateVideoAsync(app, "Mine", TestApp.FullKey);
        var theirs = await CreateVideoAsync(app, "Theirs", TestApp.OtherAppKey, TestApp.OtherApp);
        await CreateVideoAsync(app, "Third", TestApp.AdminKey, "app-3000000");

        var both = await app.CallAsync("SearchMedia", new { }, "two-apps-key-0123456789");
        var titled = await app.CallAsync("SearchMedia", new { Title = "t" }, "two-apps-key-0123456789");

        Ids(both).Should().BeEquivalentTo([mine, theirs]);
        both["Total"].GetInt32().Should().Be(2);
        Ids(titled).Should().Equal(theirs);
    }

    [Fact]
    public async Task AKeyOfNoApplicationFindsNothing()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Vod:Keys:4:Secret"] = "no-apps-key-0123456789", ["Vod:Keys:4:Role"] = "ReadOnly", ["Vod:Keys:4:AppIds"] = "",
        });
        await CreateVideoAsync(app, "Someone's");

        var search = await app.CallAsync("SearchMedia", new { }, "no-apps-key-0123456789");

        search.Status.Should().Be(200, search.ToString());
        Ids(search).Should().BeEmpty();
        search["Total"].GetInt32().Should().Be(0);
    }

    [Theory]
    [InlineData("YWJj")]
    [InlineData("MSEyIWFiYyBkZWY")]
    [InlineData("not a token")]
    [InlineData("%%%")]
    public async Task APageTokenTheServiceDidNotIssueIsAnInvalidParameter(string token)
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < 3; i++) await CreateVideoAsync(app, $"Clip {i}");

        var response = await app.CallAsync("SearchMedia", new { PageSize = 1, PageToken = token });

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"), response.ToString());
    }

    [Fact]
    public async Task APageTokenOfAnotherApplicationsSearchIsRefused()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < 3; i++) await CreateVideoAsync(app, $"Theirs {i}", TestApp.OtherAppKey, TestApp.OtherApp);
        await CreateVideoAsync(app, "Mine", TestApp.FullKey);
        var theirToken = (await app.CallAsync("SearchMedia", new { PageSize = 1 }, TestApp.OtherAppKey)).Str("NextPageToken");

        var response = await app.CallAsync("SearchMedia", new { PageSize = 5, PageToken = theirToken }, TestApp.FullKey);

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"), response.ToString());
    }

    [Fact]
    public async Task ABogusPageTokenNeverFailsTheService()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < 3; i++) await CreateVideoAsync(app, $"Clip {i}");
        var issued = (await app.CallAsync("SearchMedia", new { PageSize = 1 })).Str("NextPageToken");
        var tampered = new[] { issued[..^1], issued + "A", "A" + issued, issued.Replace('A', 'B'), new string('_', 40) };

        foreach (var token in tampered)
        {
            var response = await app.CallAsync("SearchMedia", new { PageSize = 1, PageToken = token });
            response.Status.Should().BeOneOf([200, 400], $"token {token}: {response}");
        }
    }
}
