using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

/// <summary>The Overview page: what real deletes (a key's and a policy run's) freed, by trigger and per hour or day, drawn as bars.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OverviewTests(BrowserFixture browser)
{
    [Fact]
    public async Task ShowsTheCountsAndBytesOfRealDeletesByTriggerAndPolicy()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var session = await ConsoleSession.StartAsync(browser, clock: clock);
        var old = await session.Media.VideoAsync("Archive match", definitions: ["HD"], mezzanineBytes: 5000);
        clock.Advance(TimeSpan.FromDays(100));
        var fresh = await session.Media.VideoAsync("Yesterday's match", definitions: ["HD", "SD"]);
        var policyId = await session.App.SetPolicyAsync(new { Name = "Archive retention", Action = "DeleteVideo", MinAge = "P90D", AppId = TestApp.DefaultApp });
        var byKey = (await session.App.CallAsync("DeleteVideo", new { VideoIds = fresh.VideoId }))["Deleted"];
        var (keyFiles, keyBytes) = (byKey.GetProperty("Files").GetInt32(), byKey.GetProperty("Bytes").GetInt64());
        var run = await session.App.ApplyPoliciesAsync();
        var (policyFiles, policyBytes) = (1 + old.Streams[0].Blobs.Count, old.MezzanineBytes + old.Streams[0].Bytes);
        (run.Int("Deleted"), run.Long("DeletedBytes")).Should().Be((1, policyBytes));

        await session.OpenAsync(TestApp.AdminKey, "#/overview");
        var page = session.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Overview" })).ToHaveAttributeAsync("aria-current", "page");
        await ExpectTriggerAsync(session, "api", 1, keyFiles, keyBytes);
        await ExpectTriggerAsync(session, "policy", 1, policyFiles, policyBytes);
        await ExpectTriggerAsync(session, "reconcile", 0, 0, 0);
        await ExpectTriggerAsync(session, "all", 2, keyFiles + policyFiles, keyBytes + policyBytes);
        await Expect(page.Locator("[data-total='deletes'] dd")).ToHaveTextAsync("2 deletes");
        await Expect(page.Locator("#slowest-deletes tbody tr")).ToHaveCountAsync(2);
        var policy = page.Locator($"#policy-figures tr[data-id='{policyId}']");
        await Expect(policy).ToContainTextAsync("Archive retention");
        await Expect(policy.Locator(".deleted")).ToHaveTextAsync("1");
        await Expect(policy.Locator(".bytes span")).ToHaveAttributeAsync("title", Bytes(policyBytes));
        await Expect(page.Locator("[data-fact='interrupted'] .value")).ToHaveTextAsync("0");

        var deletesChart = page.Locator("figure.chart", new() { HasText = "Deletes per hour" });
        await Expect(deletesChart.Locator("g.bar")).ToHaveCountAsync(24);
        await Expect(deletesChart.Locator("g.bar").Last.Locator("rect.trigger-api")).ToHaveCountAsync(1);
        await Expect(deletesChart.Locator("g.bar").Last.Locator("rect.trigger-policy")).ToHaveCountAsync(1);
        (await deletesChart.Locator("g.bar").Last.Locator("title").TextContentAsync()).Should().EndWith(": 2 deletes, api 1 delete, policy 1 delete");
        (await deletesChart.Locator("g.bar").First.Locator("rect[class^='trigger-']").CountAsync()).Should().Be(0, "nothing was deleted 23 hours ago");
        await session.ScreenshotAsync("overview", fullPage: true);
        await session.AssertAccessibleAsync("overview");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Last 30 days" }).ClickAsync();
        var daily = page.Locator("figure.chart", new() { HasText = "Bytes freed per day" });
        await Expect(daily.Locator("g.bar")).ToHaveCountAsync(30);
        await ExpectTriggerAsync(session, "all", 2, keyFiles + policyFiles, keyBytes + policyBytes);
        session.Operations.Should().Contain("GetDeletionStatistics");
        session.Requests.Should().OnlyContain(r => new Uri(r.Url).Host == new Uri(session.ConsoleUrl).Host, "nothing is fetched from elsewhere");
    }

    private static async Task ExpectTriggerAsync(ConsoleSession session, string trigger, int deletes, int files, long bytes)
    {
        var row = session.Page.Locator($"#deletes-by-trigger tr[data-trigger='{trigger}']");
        await Expect(row.Locator(".deletes")).ToHaveTextAsync(deletes.ToString(CultureInfo.InvariantCulture));
        await Expect(row.Locator(".files")).ToHaveTextAsync(files.ToString("N0", CultureInfo.InvariantCulture));
        await Expect(row.Locator(".bytes span")).ToHaveAttributeAsync("title", Bytes(bytes));
    }

    private static string Bytes(long bytes) => $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes";
}
