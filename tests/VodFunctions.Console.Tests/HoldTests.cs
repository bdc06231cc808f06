using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

/// <summary>Holds in the console: set and released from a media's page, shown as Hold on the page and in the list.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HoldTests(BrowserFixture browser)
{
    [Fact]
    public async Task AHoldIsSetFromTheVideosPageShownInTheListAndReleased()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Held match", definitions: ["HD"]);
        await session.OpenAsync(TestApp.AdminKey, $"#/video/{video.VideoId}");
        var page = session.Page;

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Reason for the hold" }).FillAsync("Case 31");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set hold" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Release hold" })).ToBeVisibleAsync();
        await Expect(page.Locator(".facts").First).ToContainTextAsync("Case 31");
        (await session.App.CallAsync("GetVideoInfo", new { VideoId = video.VideoId }))["Video"].GetProperty("Hold").GetProperty("Reason").GetString().Should().Be("Case 31");
        await session.AssertAccessibleAsync("held video");
        await page.GotoAsync(page.Url.Split('#')[0] + "#/media/video");
        await Expect(session.Row(video.VideoId).Locator(".status-hold")).ToHaveTextAsync("Hold");

        await page.GotoAsync(page.Url.Split('#')[0] + $"#/video/{video.VideoId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Release hold" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Set hold" })).ToBeVisibleAsync();
        (await session.App.CallAsync("ListMediaHolds"))["Holds"].GetArrayLength().Should().Be(0);
    }
}
