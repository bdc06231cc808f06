using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

/// <summary>The interactive API reference at <c>/api/reference/</c>: Scalar over the app's openapi.json, everything from the app.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReferenceTests(BrowserFixture browser)
{
    [Fact]
    public async Task TheReferenceListsTheOperationsWithNothingLoadedFromElsewhere()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var problems = new List<string>();
        session.Page.Console += (_, message) => { if (message.Type == "error") problems.Add(message.Text); };
        session.Page.PageError += (_, error) => problems.Add(error);
        var origin = new Uri(session.App.Client.BaseAddress!, "/").AbsoluteUri.TrimEnd('/');

        await session.Page.GotoAsync(origin + "/api/reference/");

        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "VodFunctions API" })).ToBeVisibleAsync();
        var keyBox = session.Page.Locator("input.scalar-password-input").First;
        await Expect(keyBox).ToHaveAttributeAsync("placeholder", "<your key>");
        await Expect(keyBox).ToHaveValueAsync("");
        var shown = await session.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('input')].flatMap(i => [i.value, i.placeholder])");
        shown.Should().NotContain(text => Regex.IsMatch(text, "^[A-Za-z0-9+/=_-]{16,}$"), "the authentication box shows nothing that looks like a real key");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Open Group - Delete" }).ClickAsync();
        await session.Page.GetByRole(AriaRole.Link, new() { Name = "DeleteVideo HTTP Method" }).ClickAsync();
        await Expect(session.Page.GetByText("Deletes videos completely").First).ToBeVisibleAsync();
        await session.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await session.ScreenshotAsync("api-reference");

        session.Requests.Should().Contain(r => r.Url == origin + "/api/openapi.json");
        session.Requests.Select(r => r.Url).Should().OnlyContain(url => url.StartsWith(origin + "/", StringComparison.Ordinal)
            || url.StartsWith("data:", StringComparison.Ordinal) || url.StartsWith("blob:", StringComparison.Ordinal), "nothing leaves the app's origin");
        problems.Should().BeEmpty("the page loads under its content security policy without errors");
    }
}
