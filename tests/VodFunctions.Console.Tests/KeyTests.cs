using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

[Collection(BrowserCollection.Name)]
public sealed class KeyTests(BrowserFixture browser)
{
    [Fact]
    public async Task KeyIsEnteredOnceKeptInTheTabAndNeverPutInAUrl()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Harbour at dawn", snapshots: new() { ["CoverSnapshot"] = 1 });
        await session.OpenAsync(TestApp.FullKey);
        await Expect(session.Row(video.VideoId)).ToBeVisibleAsync();
        await Expect(session.Row(video.VideoId).GetByRole(AriaRole.Img)).ToHaveJSPropertyAsync("naturalWidth", 160);

        (await session.Page.EvaluateAsync<string>("sessionStorage.getItem('vod-console-key')")).Should().Be(TestApp.FullKey);
        (await session.Page.EvaluateAsync<int>("localStorage.length")).Should().Be(0);
        session.Requests.Should().OnlyContain(r => !r.Url.Contains(TestApp.FullKey));
        var apiCalls = session.Requests.Where(r => new Uri(r.Url).AbsolutePath is "/api/SearchMedia" or "/api/GetThumbnail").ToList();
        apiCalls.Should().NotBeEmpty();
        foreach (var call in apiCalls) (await call.HeaderValueAsync("x-functions-key")).Should().Be(TestApp.FullKey);
        // The first view asks for one page of media and the covers it shows (once it knows the video has one), nothing else.
        session.Operations.Should().Equal("SearchMedia", "ListSnapshots", "GetThumbnail");

        await session.Page.ReloadAsync();
        await Expect(session.Row(video.VideoId)).ToBeVisibleAsync();
        await Expect(session.Page.GetByLabel("Function key")).ToHaveCountAsync(0);

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Forget key" }).ClickAsync();
        await Expect(session.Page.GetByLabel("Function key")).ToBeFocusedAsync();
        (await session.Page.EvaluateAsync<string?>("sessionStorage.getItem('vod-console-key')")).Should().BeNull();
    }

    [Fact]
    public async Task TheKeyPageSaysWhereTheLocalKeyComesFrom()
    {
        await using var session = await ConsoleSession.StartAsync(browser);

        await session.Page.GotoAsync(session.ConsoleUrl);

        var local = session.Page.Locator("#key-local");
        await Expect(local).ToContainTextAsync("./run.sh prints its local admin key");
        await Expect(local).ToContainTextAsync("Vod__Keys__0__Secret in local.settings.json");
        await Expect(session.Page.GetByLabel("Function key")).ToBeFocusedAsync();
        await session.AssertAccessibleAsync("key page");
    }

    [Fact]
    public async Task UnknownKeyIsExplainedAndAskedForAgain()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        await session.OpenAsync("not-a-key");

        var alert = session.Page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("did not accept the key");
        await Expect(alert.Locator(".error-code")).ToHaveTextAsync("Unauthorized");
        await Expect(alert.Locator(".error-message")).ToContainTextAsync("A valid key is required");
        await Expect(session.Page.GetByLabel("Function key")).ToBeFocusedAsync();
        (await session.Page.EvaluateAsync<string?>("sessionStorage.getItem('vod-console-key')")).Should().BeNull();
        await session.ScreenshotAsync("unknown-key");
    }

    [Fact]
    public async Task ForbiddenIsExplainedWithTheContractCodeAndMessage()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        await session.Media.EmptyVideoAsync("Not yours", TestApp.OtherApp);
        await session.OpenAsync(TestApp.FullKey);

        await session.Page.GetByLabel("Application").FillAsync(TestApp.OtherApp);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();

        var alert = session.Page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("This key is not allowed to do that");
        await Expect(alert.Locator(".error-code")).ToHaveTextAsync("Forbidden");
        await Expect(alert.Locator(".error-message")).ToHaveTextAsync("The key may not access this application's media.");
        await Expect(alert).ToContainTextAsync("RequestId");
    }
}
