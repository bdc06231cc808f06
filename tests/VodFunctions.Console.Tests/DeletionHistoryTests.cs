using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

/// <summary>The Deletion history page (ListDeletions), and the Idempotency-Key the console's deletes carry.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DeletionHistoryTests(BrowserFixture browser)
{
    private static readonly Dictionary<string, string?> Editor = new()
    {
        ["Vod:Keys:4:Secret"] = "editor-key-0123456789", ["Vod:Keys:4:Role"] = "Full", ["Vod:Keys:4:AppIds"] = TestApp.DefaultApp, ["Vod:Keys:4:Name"] = "editor",
    };

    [Fact]
    public async Task ListsTheRecordsNewestFirstWithFiltersAndPages()
    {
        await using var session = await ConsoleSession.StartAsync(browser, settings: Editor);
        var first = await session.Media.VideoAsync("First to go", definitions: ["HD"]);
        var last = await session.Media.VideoAsync("Last to go", definitions: ["HD"]);
        var firstFiles = (await session.App.ListBlobsAsync(first.Folder)).Count;
        var missing = Enumerable.Range(0, 19).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        (await session.App.CallAsync("DeleteVideo", new { VideoIds = missing.Prepend(first.VideoId).ToArray() }, "editor-key-0123456789")).Status.Should().Be(200);
        (await session.App.CallAsync("DeleteVideo", new { VideoIds = new[] { last.VideoId } })).Status.Should().Be(200);
        var records = (await session.App.CallAsync("ListDeletions", new { PageSize = 100 }))["Deletions"].EnumerateArray().ToList();
        records.Should().HaveCount(21);
        var page = session.Page;

        await session.OpenAsync(TestApp.AdminKey, "#/deletions");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Deletion history" })).ToBeVisibleAsync();
        var rows = page.Locator(".deletions-table tbody tr");
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(rows.First).ToContainTextAsync($"video {last.VideoId}");
        await Expect(rows.First).ToContainTextAsync("Admin key");
        await Expect(rows.First).ToContainTextAsync("Deleted");
        await session.AssertAccessibleAsync("deletion history");
        await page.GetByRole(AriaRole.Button, new() { Name = "Older" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Older" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Newer" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(20);

        await page.GetByLabel("Media ID").FillAsync(first.VideoId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("editor");
        await Expect(rows.First.Locator("td[data-label='Files']")).ToHaveTextAsync(firstFiles.ToString());
        await page.GetByLabel("Media ID").FillAsync("");
        await page.GetByLabel("Key name").FillAsync("editor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(page.Locator(".deletions-table tbody")).ToContainTextAsync("Not found");
        await Expect(page.Locator(".deletions-table tbody")).Not.ToContainTextAsync(last.VideoId);
    }

    [Fact]
    public async Task ADeleteWhoseAnswerWasLostIsTriedAgainWithTheSameIdempotencyKeyAndDoneOnce()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Lost answer", definitions: ["HD"]);
        var files = (await session.App.ListBlobsAsync(video.Folder)).Count;
        var page = session.Page;
        var lost = 0;
        await page.RouteAsync("**/api/DeleteVideo", async route =>
        {
            if (route.Request.PostData?.Contains("\"DryRun\":true", StringComparison.Ordinal) == true || lost++ > 0)
            {
                await route.ContinueAsync();
                return;
            }
            await route.FetchAsync(); // the service deletes; its answer never reaches the page
            await route.FulfillAsync(new() { Status = 503, ContentType = "application/json", Body = "{\"Code\":\"ServiceUnavailable\",\"Message\":\"The connection was lost.\"}" });
        });
        await session.OpenAsync();

        await session.OpenRowDeleteAsync(video.VideoId);
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Review deletion" }).ClickAsync();
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete permanently" }).ClickAsync();
        await Expect(session.Dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("ServiceUnavailable");
        (await session.App.ListBlobsAsync(video.Folder)).Should().BeEmpty("the first request went through");
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();

        var result = session.Dialog.GetByRole(AriaRole.List, new() { Name = "Result" });
        await Expect(result.Locator($"li[data-id='{video.VideoId}']")).ToContainTextAsync("Deleted");
        var sent = session.Requests.Where(r => r.Url.EndsWith("/api/DeleteVideo", StringComparison.Ordinal)).ToList();
        sent.Should().HaveCount(3);
        sent[0].Headers.Should().NotContainKey("idempotency-key", "a dry run is not a delete to repeat");
        var key = sent[1].Headers["idempotency-key"];
        key.Should().MatchRegex("^console-[0-9a-f]{32}$");
        sent[2].Headers["idempotency-key"].Should().Be(key, "the same action, sent again");
        var deletions = (await session.App.CallAsync("ListDeletions", new { MediaId = video.VideoId }))["Deletions"].EnumerateArray().ToList();
        deletions.Where(d => !d.GetProperty("DryRun").GetBoolean()).Should().ContainSingle()
            .Which.GetProperty("Files").GetInt32().Should().Be(files, "deleted once, and answered twice");
    }
}
