using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

[Collection(BrowserCollection.Name)]
public sealed class BrowsingTests(BrowserFixture browser)
{
    [Fact]
    public async Task ListsVideosWithCoversAndShowsTheirParts()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Harbour at dawn", definitions: ["HD", "SD"],
            snapshots: new() { ["CoverSnapshot"] = 1, ["NormalSnapshot"] = 3, ["SpriteSnapshot"] = 1 }, seed: 0);
        var plain = await session.Media.VideoAsync("Interview raw", seed: 1);

        await session.OpenAsync();

        var row = session.Row(video.VideoId);
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = "Harbour at dawn" })).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync(video.VideoId);
        await Expect(row).ToContainTextAsync("Normal");
        var info = await session.App.CallAsync("GetVideoInfo", new { video.VideoId });
        var size = info["Video"].GetProperty("Size").GetInt64();
        await Expect(row.Locator("td[data-label='Size'] span")).ToHaveAttributeAsync("title", $"{size:N0} bytes");
        await Expect(row.Locator("time")).ToHaveAttributeAsync("datetime", info["Video"].GetProperty("CreationTime").GetString()!);
        var cover = row.GetByRole(AriaRole.Img, new() { Name = "Cover of Harbour at dawn" });
        await Expect(cover).ToHaveJSPropertyAsync("naturalWidth", 160);
        await Expect(session.Row(plain.VideoId).Locator(".thumb")).ToHaveTextAsync("No cover");
        session.Requests.Should().NotContain(r => r.Url.Contains(plain.VideoId, StringComparison.Ordinal) && r.Url.Contains("GetThumbnail", StringComparison.Ordinal),
            "a video without a cover is not asked for one");
        await Expect(session.Page.Locator(".page-info")).ToHaveTextAsync("Page 1 of 1 · 2 in all");
        await session.ScreenshotAsync("media-list");

        await row.GetByRole(AriaRole.Link, new() { Name = "Harbour at dawn" }).ClickAsync();
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Harbour at dawn", Level = 1 })).ToBeFocusedAsync();
        var mezzanine = session.Page.Locator("section[aria-labelledby='mezzanine-heading']");
        await Expect(mezzanine).ToContainTextAsync("source.mp4");
        await Expect(mezzanine).ToContainTextAsync("Normal");
        foreach (var stream in video.Streams)
        {
            var streamRow = session.Page.Locator($"tr[data-job-id='{stream.JobId}']");
            await Expect(streamRow.Locator("td[data-label='Definition']")).ToHaveTextAsync(stream.Definition);
            await Expect(streamRow.Locator("td[data-label='Format']")).ToHaveTextAsync(stream.Format);
            await Expect(streamRow.Locator("td[data-label='Size'] span")).ToHaveAttributeAsync("title", $"{stream.Bytes:N0} bytes");
        }
        await Expect(session.Page.Locator(".snapshot-group[data-type='NormalSnapshot']")).ToContainTextAsync("3 images");
        await Expect(session.Page.Locator(".snapshot-group[data-type='SpriteSnapshot']")).ToContainTextAsync("1 image");
        await Expect(session.Page.Locator(".snapshot-group[data-type='CoverSnapshot']")).ToContainTextAsync("1 image");
        await Expect(session.Page.Locator(".detail-head").GetByRole(AriaRole.Img, new() { Name = "Cover of Harbour at dawn" }))
            .ToHaveJSPropertyAsync("naturalWidth", 160);
        await session.ScreenshotAsync("video-details", fullPage: true);
    }

    [Fact]
    public async Task AVideoWithoutACoverShowsAPlaceholderWithoutAFailedRequest()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var covered = await session.Media.VideoAsync("Harbour at dawn", snapshots: new() { ["CoverSnapshot"] = 1 });
        var plain = await session.Media.VideoAsync("Interview raw", snapshots: new() { ["NormalSnapshot"] = 2 }, seed: 1);
        var failed = new List<string>();
        session.Page.Response += (_, response) => { if (response.Status >= 400) failed.Add($"{response.Status} {response.Url}"); };
        session.Page.RequestFailed += (_, request) => failed.Add($"failed {request.Url}");
        await session.OpenAsync(TestApp.FullKey);

        await Expect(session.Row(covered.VideoId).GetByRole(AriaRole.Img, new() { Name = "Cover of Harbour at dawn" })).ToHaveJSPropertyAsync("naturalWidth", 160);
        await Expect(session.Row(plain.VideoId).Locator(".thumb.placeholder")).ToHaveTextAsync("No cover");
        await session.Row(plain.VideoId).GetByRole(AriaRole.Link, new() { Name = "Interview raw" }).ClickAsync();
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Snapshots (2)" })).ToBeVisibleAsync();
        await Expect(session.Page.Locator(".detail-head .thumb.placeholder")).ToHaveTextAsync("No cover");
        await session.Page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);

        failed.Should().BeEmpty("a missing cover is known before it is asked for, so no request fails");
        session.Requests.Where(r => r.Url.Contains("GetThumbnail", StringComparison.Ordinal)).Select(r => new Uri(r.Url).Query)
            .Should().OnlyContain(query => query.Contains(covered.VideoId), "only the video with a cover is asked for one");
    }

    [Fact]
    public async Task ShowsImagesAndShortVideoMaterialInTheirTabs()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var image = await session.Media.ImageAsync("Festival poster");
        var material = await session.Media.AttachedAsync("Station logo", "watermark");
        await session.OpenAsync();

        await session.Page.GetByRole(AriaRole.Tab, new() { Name = "Image" }).ClickAsync();
        await Expect(session.Page.GetByRole(AriaRole.Tab, new() { Name = "Image" })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(session.Row(image.MediaId).GetByRole(AriaRole.Img, new() { Name = "Cover of Festival poster" })).ToHaveJSPropertyAsync("naturalWidth", 160);
        await Expect(session.Row(image.MediaId)).ToContainTextAsync(image.MediaId);

        await session.Page.GetByRole(AriaRole.Tab, new() { Name = "Short Video Material" }).ClickAsync();
        await Expect(session.Row(material.MediaId)).ToContainTextAsync("Station logo");
        await Expect(session.Row(material.MediaId)).ToContainTextAsync("watermark");
        await Expect(session.Row(material.MediaId).Locator("td[data-label='Size'] span")).ToHaveAttributeAsync("title", "777 bytes");

        await session.Row(material.MediaId).GetByRole(AriaRole.Link, new() { Name = "Station logo" }).ClickAsync();
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Station logo", Level = 1 })).ToBeVisibleAsync();
        await Expect(session.Page.Locator(".facts")).ToContainTextAsync(material.MediaId);
    }

    [Fact]
    public async Task SearchesByTitleFiltersByApplicationAndPagesWithTokens()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        for (var i = 0; i < 21; i++) await session.Media.EmptyVideoAsync($"Clip {i:00}");
        var other = new[] { await session.Media.EmptyVideoAsync("Other one", TestApp.OtherApp), await session.Media.EmptyVideoAsync("Other two", TestApp.OtherApp) };
        await session.OpenAsync();

        var rows = session.Page.Locator(".media-table tbody tr");
        await Expect(session.Page.Locator(".page-info")).ToHaveTextAsync("Page 1 of 2 · 23 in all");
        await Expect(rows).ToHaveCountAsync(20);
        var next = session.Page.GetByRole(AriaRole.Button, new() { Name = "Next" });
        await next.ClickAsync();
        await Expect(session.Page.Locator(".page-info")).ToHaveTextAsync("Page 2 of 2 · 23 in all");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(next).ToBeDisabledAsync();
        session.Requests.Where(r => r.Url.EndsWith("/api/SearchMedia")).Select(r => r.PostData).Last().Should().Contain("\"PageToken\"");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Previous" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(session.Page.Locator(".page-info")).ToHaveTextAsync("Page 1 of 2 · 23 in all");

        await session.Page.GetByLabel("Title starts with").FillAsync("Other");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(session.Row(other[0])).ToContainTextAsync("Other one");

        await session.Page.GetByLabel("Title starts with").FillAsync("");
        await session.Page.GetByLabel("Application").FillAsync(TestApp.OtherApp);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(session.Page.Locator(".page-info")).ToHaveTextAsync("Page 1 of 1 · 2 in all");
        await Expect(session.Row(other[1])).ToContainTextAsync(TestApp.OtherApp);
    }

    [Fact]
    public async Task IsUsableAtPhoneWidth()
    {
        await using var session = await ConsoleSession.StartAsync(browser, width: 390, height: 844);
        var video = await session.Media.VideoAsync("Harbour at dawn", definitions: ["HD"], snapshots: new() { ["CoverSnapshot"] = 1 }, seed: 2);
        await session.Media.VideoAsync("A much longer title that has to wrap on a small phone screen", seed: 4);
        await session.OpenAsync();

        await Expect(session.Row(video.VideoId).GetByRole(AriaRole.Img, new() { Name = "Cover of Harbour at dawn" })).ToHaveJSPropertyAsync("naturalWidth", 160);
        (await session.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(390);
        await session.ScreenshotAsync("media-list-phone", fullPage: true);

        await session.OpenRowDeleteAsync(video.VideoId);
        var box = await session.Dialog.BoundingBoxAsync();
        box!.Width.Should().BeLessThanOrEqualTo(390);
        await session.ScreenshotAsync("delete-dialog-phone");
        await session.Page.Keyboard.PressAsync("Escape");

        await session.Row(video.VideoId).GetByRole(AriaRole.Link, new() { Name = "Harbour at dawn" }).ClickAsync();
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Streams (1)" })).ToBeVisibleAsync();
        (await session.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(390);
        await session.ScreenshotAsync("video-details-phone", fullPage: true);
    }
}
