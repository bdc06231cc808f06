using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests.Infrastructure;

/// <summary>
/// A test's own app (on loopback, with its own storage in Azurite) and browser page on the console.
/// Records every request the page makes, so tests can check what it asked for.
/// </summary>
public sealed class ConsoleSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private ConsoleSession(TestApp app, IBrowserContext context, IPage page)
    {
        App = app;
        _context = context;
        Page = page;
        page.Request += (_, request) => Requests.Add(request);
    }

    public TestApp App { get; }
    public IPage Page { get; }
    public List<IRequest> Requests { get; } = [];
    public MediaFactory Media => new(App);

    public string ConsoleUrl => new Uri(App.Client.BaseAddress!, "/api/console/").AbsoluteUri;

    /// <summary>API operations the page called (POST /api/{Operation}), in order.</summary>
    public IEnumerable<string> Operations => Requests
        .Select(r => new Uri(r.Url))
        .Where(u => u.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal) && !u.AbsolutePath.StartsWith("/api/console", StringComparison.Ordinal))
        .Select(u => u.AbsolutePath["/api/".Length..]);

    /// <param name="clock">The app's clock (media ages, policy runs); the system clock when not given.</param>
    /// <param name="settings">The app's settings besides the test defaults (the recycle bin's retention, say).</param>
    public static async Task<ConsoleSession> StartAsync(
        BrowserFixture browser, int width = 1280, int height = 800, TimeProvider? clock = null, IDictionary<string, string?>? settings = null)
    {
        var app = await TestApp.StartAsync(settings, configure: clock is null ? null : builder => builder.Services.AddSingleton(clock));
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        return new ConsoleSession(app, context, await context.NewPageAsync());
    }

    /// <summary>Opens the console and signs in with <paramref name="key"/>.</summary>
    public async Task OpenAsync(string key = TestApp.AdminKey, string hash = "")
    {
        await Page.GotoAsync(ConsoleUrl + hash);
        await Page.GetByLabel("Function key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
    }

    public ILocator Row(string id) => Page.Locator($"tr[data-id='{id}']");

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    /// <summary>More › Delete… on a row of the media list.</summary>
    public async Task OpenRowDeleteAsync(string id)
    {
        // A list still loading (after a delete it reloads) replaces its rows: act on the rows it ends with.
        await Expect(Page.Locator(".media-table")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Row(id).GetByRole(AriaRole.Button, new() { Name = "More actions" }).ClickAsync();
        await Row(id).GetByRole(AriaRole.Menuitem, new() { Name = "Delete…" }).ClickAsync();
        await Expect(Dialog).ToBeVisibleAsync();
    }

    /// <summary>Reviews the dry-run plan in the open dialog, confirms, and waits for the result.</summary>
    public async Task<ILocator> ConfirmAsync(int expectedFiles, long expectedBytes)
    {
        await Expect(Dialog.Locator(".plan-files")).ToHaveTextAsync(expectedFiles.ToString());
        await Expect(Dialog.Locator(".plan-bytes")).ToContainTextAsync($"{expectedBytes:N0} bytes");
        await Expect(Dialog).ToContainTextAsync("cannot be undone");
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete permanently" }).ClickAsync();
        var result = Dialog.GetByRole(AriaRole.List, new() { Name = "Result" });
        await Expect(result).ToBeVisibleAsync();
        return result;
    }

    public async Task CloseDialogAsync()
    {
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
    }

    /// <summary>Checks the page as it is now with axe-core's WCAG 2.1 A and AA rules.</summary>
    public async Task AssertAccessibleAsync(string view)
    {
        var result = await Page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        result.Passes.Should().NotBeEmpty("axe-core ran its rules on the {0}", view);
        result.Violations.Should().BeEmpty($"the {view} should have none, but has: " + string.Join("; ",
            result.Violations.Select(v => $"{v.Id} ({v.Help}) at {string.Join(", ", v.Nodes.Select(n => n.Target.ToString()))}")));
    }

    /// <summary>Saves a screenshot of the page as a test artifact (artifacts/screenshots/{name}.png).</summary>
    public async Task ScreenshotAsync(string name, bool fullPage = false)
    {
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts.Screenshots, name + ".png"), FullPage = fullPage });
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        await App.DisposeAsync();
    }
}

public static class Artifacts
{
    /// <summary>artifacts/screenshots at the repository root (the folder holding VodFunctions.sln).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "artifacts", "screenshots")).FullName;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VodFunctions.sln"))) return dir.FullName;
        return AppContext.BaseDirectory;
    }
}
