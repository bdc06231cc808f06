using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

/// <summary>The Recycle bin page: what deletes moved there, restored or purged (after a confirmation).</summary>
[Collection(BrowserCollection.Name)]
public sealed class RecycleBinTests(BrowserFixture browser)
{
    [Fact]
    public async Task ListsRestoresAndPurgesWithConfirmation()
    {
        await using var session = await ConsoleSession.StartAsync(browser, settings: new Dictionary<string, string?> { ["Vod:RecycleBin:Retention"] = "P7D" });
        var video = await session.Media.VideoAsync("Binned match", definitions: ["HD"]);
        var files = await session.App.ListBlobsAsync(video.Folder);
        await session.OpenAsync(TestApp.AdminKey, "#/media/video");
        var page = session.Page;
        await session.OpenRowDeleteAsync(video.VideoId);
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Review deletion" }).ClickAsync();
        await Expect(session.Dialog).ToContainTextAsync("Moved to the recycle bin for 7 days.");
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Move to recycle bin" }).ClickAsync();
        await Expect(session.Dialog.GetByRole(AriaRole.List, new() { Name = "Result" })).ToBeVisibleAsync();
        await session.CloseDialogAsync();
        (await session.App.ListBlobsAsync(video.Folder)).Should().BeEquivalentTo(files, "the files stay in the bin");
        var entry = (await session.App.CallAsync("ListRecycleBin"))["Entries"][0].GetProperty("EntryId").GetString()!;
        await page.GetByRole(AriaRole.Link, new() { Name = "Recycle bin" }).ClickAsync();

        var row = session.Row(entry);
        await Expect(row).ToContainTextAsync($"video {video.VideoId}");
        await Expect(row).ToContainTextAsync("Admin key");
        await session.AssertAccessibleAsync("recycle bin");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Restore video {video.VideoId}" }).ClickAsync();
        await Expect(page.GetByText("The recycle bin is empty.")).ToBeVisibleAsync();
        (await session.App.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Status.Should().Be(200);

        var again = (await session.App.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }))["RecycleBin"].GetProperty("EntryIds")[0].GetString()!;
        await page.ReloadAsync();
        await session.Row(again).GetByRole(AriaRole.Button, new() { Name = $"Purge video {video.VideoId}" }).ClickAsync();
        await Expect(session.Dialog).ToContainTextAsync($"{files.Count} files");
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        (await session.App.ListBlobsAsync(video.Folder)).Should().BeEquivalentTo(files, "cancelled: nothing purged");
        await session.Row(again).GetByRole(AriaRole.Button, new() { Name = $"Purge video {video.VideoId}" }).ClickAsync();
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Purge permanently" }).ClickAsync();
        await Expect(page.GetByText("The recycle bin is empty.")).ToBeVisibleAsync();
        (await session.App.ListBlobsAsync(video.Folder)).Should().BeEmpty();
    }
}
