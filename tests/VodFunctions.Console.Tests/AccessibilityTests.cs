using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

/// <summary>The main views checked with axe-core (WCAG 2 A and AA rules) in the real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture browser)
{
    [Fact]
    public async Task MainViewsHaveNoAccessibilityViolations()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Harbour at dawn", definitions: ["HD", "SD"],
            snapshots: new() { ["CoverSnapshot"] = 1, ["NormalSnapshot"] = 2 });
        await session.Media.VideoAsync("Interview raw", transcodeMode: "NoTranscode");

        await session.Page.GotoAsync(session.ConsoleUrl);
        await Expect(session.Page.GetByLabel("Function key")).ToBeVisibleAsync();
        await session.AssertAccessibleAsync("key form");

        await session.Page.GetByLabel("Function key").FillAsync(TestApp.AdminKey);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(session.Row(video.VideoId).GetByRole(AriaRole.Img)).ToHaveJSPropertyAsync("naturalWidth", 160);
        await session.AssertAccessibleAsync("media list");

        await session.OpenRowDeleteAsync(video.VideoId);
        await session.AssertAccessibleAsync("delete dialog");
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Review deletion" }).ClickAsync();
        await Expect(session.Dialog.Locator(".plan-files")).ToBeVisibleAsync();
        await session.AssertAccessibleAsync("dry-run plan");
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await session.Page.GotoAsync(session.ConsoleUrl + $"#/video/{video.VideoId}");
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Streams (2)" })).ToBeVisibleAsync();
        await session.AssertAccessibleAsync("video details");
    }
}
