using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

/// <summary>
/// Every delete through the console: choose, dry-run plan, explicit confirm, per-item result; then the
/// API and a listing of the container (the test's own client) show exactly the chosen files gone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DeleteTests(BrowserFixture browser)
{
    [Fact]
    public async Task DeletesSelectedStreamsFromTheDetails()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Harbour at dawn", definitions: ["HD", "SD", "FD"], snapshots: new() { ["CoverSnapshot"] = 1 });
        var (hd, sd, fd) = (video.Streams[0], video.Streams[1], video.Streams[2]);
        var before = await session.App.ListBlobsAsync();
        await session.OpenAsync(TestApp.FullKey, $"#/video/{video.VideoId}");

        await session.Page.GetByRole(AriaRole.Checkbox, new() { Name = "Select the HD m3u8 stream" }).CheckAsync();
        await session.Page.GetByRole(AriaRole.Checkbox, new() { Name = "Select the SD mp4 stream" }).CheckAsync();
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Delete selected streams…" }).ClickAsync();
        await Expect(session.Dialog.Locator(".plan-files")).ToHaveTextAsync((hd.Blobs.Count + sd.Blobs.Count).ToString());
        await session.ScreenshotAsync("delete-confirm");
        var result = await session.ConfirmAsync(hd.Blobs.Count + sd.Blobs.Count, hd.Bytes + sd.Bytes);
        await Expect(result.Locator($"li[data-id='{hd.JobId}']")).ToContainTextAsync("Deleted");
        await Expect(result.Locator($"li[data-id='{sd.JobId}']")).ToContainTextAsync("Deleted");
        await session.ScreenshotAsync("delete-result");
        await session.CloseDialogAsync();

        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Streams (1)" })).ToBeVisibleAsync();
        await Expect(session.Page.Locator($"tr[data-job-id='{fd.JobId}']")).ToBeVisibleAsync();
        var play = await session.App.CallAsync("GetPlayInfo", new { video.VideoId });
        play["PlayInfoList"].EnumerateArray().Select(s => s.GetProperty("JobId").GetString()).Should().Equal(fd.JobId);
        (await session.App.ListBlobsAsync()).Should().BeEquivalentTo(before.Except(hd.Blobs).Except(sd.Blobs));
    }

    [Fact]
    public async Task DeletesAPlaybackSourceOnlyWithForce()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Lecture, no transcode", transcodeMode: "NoTranscode", snapshots: new() { ["CoverSnapshot"] = 1 }, mezzanineBytes: 6000);
        var before = await session.App.ListBlobsAsync();
        await session.OpenAsync();

        // Without Force: the dry run says nothing would be deleted, and why; there is nothing to confirm.
        await session.OpenRowDeleteAsync(video.VideoId);
        await session.Dialog.GetByLabel("The source file (mezzanine) only").CheckAsync();
        await Expect(session.Dialog.GetByRole(AriaRole.Switch, new() { Name = "Force" })).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("NoTranscode or AsyncTranscode"));
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Review deletion" }).ClickAsync();
        await Expect(session.Dialog.Locator(".nothing")).ToContainTextAsync("Nothing would be deleted.");
        await Expect(session.Dialog.Locator(".nothing")).ToContainTextAsync("switch on Force");
        await Expect(session.Dialog.GetByRole(AriaRole.List, new() { Name = "Will not be deleted" })).ToContainTextAsync("Not removable");
        await Expect(session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete permanently" })).ToBeDisabledAsync();
        await Expect(session.Dialog).Not.ToContainTextAsync("cannot be undone");
        await session.ScreenshotAsync("delete-nothing");
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(session.Dialog).ToHaveCountAsync(0);
        session.Requests.Where(r => r.Url.EndsWith("/api/DeleteMezzanines", StringComparison.Ordinal))
            .Should().ContainSingle().Which.PostData.Should().Contain("\"DryRun\":true", "only the dry run was sent");
        (await session.App.ListBlobsAsync()).Should().BeEquivalentTo(before);
        (await session.App.CallAsync("GetMezzanineInfo", new { video.VideoId }))["Mezzanine"].GetProperty("Status").GetString().Should().Be("Normal");

        // With Force: the source file goes, the video and its images stay, the OD stream is gone.
        await session.OpenRowDeleteAsync(video.VideoId);
        await session.Dialog.GetByLabel("The source file (mezzanine) only").CheckAsync();
        await session.Dialog.GetByRole(AriaRole.Switch, new() { Name = "Force" }).CheckAsync();
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Review deletion" }).ClickAsync();
        var result = await session.ConfirmAsync(1, video.MezzanineBytes);
        await Expect(result.Locator($"li[data-id='{video.VideoId}']")).ToContainTextAsync("Source file deleted");
        await session.CloseDialogAsync();

        (await session.App.ListBlobsAsync()).Should().BeEquivalentTo(before.Except([video.Mezzanine]));
        (await session.App.CallAsync("GetMezzanineInfo", new { video.VideoId }))["Mezzanine"].GetProperty("Status").GetString().Should().Be("Deleted");
        (await session.App.CallAsync("GetPlayInfo", new { video.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(0);
        await Expect(session.Row(video.VideoId)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task DeletesAFastTranscodeSourceWithoutForceFromTheDetails()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Match highlights", definitions: ["HD"]);
        var before = await session.App.ListBlobsAsync();
        await session.OpenAsync(TestApp.AdminKey, $"#/video/{video.VideoId}");

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Delete source file…" }).ClickAsync();
        await Expect(session.Dialog.GetByLabel("The source file (mezzanine) only")).ToBeCheckedAsync();
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Review deletion" }).ClickAsync();
        var result = await session.ConfirmAsync(1, video.MezzanineBytes);
        await Expect(result).ToContainTextAsync("Source file deleted");
        await session.CloseDialogAsync();

        var mezzanine = session.Page.Locator("section[aria-labelledby='mezzanine-heading']");
        await Expect(mezzanine.Locator(".status")).ToHaveTextAsync("Deleted");
        await Expect(session.Page.GetByRole(AriaRole.Button, new() { Name = "Delete source file…" })).ToBeDisabledAsync();
        (await session.App.ListBlobsAsync()).Should().BeEquivalentTo(before.Except([video.Mezzanine]));
        (await session.App.CallAsync("GetPlayInfo", new { video.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task DeletesImagesByType()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Harbour at dawn", definitions: ["HD"],
            snapshots: new() { ["CoverSnapshot"] = 1, ["NormalSnapshot"] = 3, ["SpriteSnapshot"] = 1 });
        // A leftover file in a type's folder that no record owns: deleting the type takes it too.
        var leftover = $"videos/{video.VideoId}/snapshots/NormalSnapshot/leftover.jpg";
        await session.App.UploadAsync(leftover, 321);
        var before = await session.App.ListBlobsAsync();
        var gone = video.Snapshots["NormalSnapshot"].Concat(video.Snapshots["SpriteSnapshot"]).Append(leftover).ToList();
        await session.OpenAsync(TestApp.AdminKey, $"#/video/{video.VideoId}");

        await session.Page.GetByRole(AriaRole.Checkbox, new() { Name = "NormalSnapshot" }).CheckAsync();
        await session.Page.GetByRole(AriaRole.Checkbox, new() { Name = "SpriteSnapshot" }).CheckAsync();
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Delete images of selected types…" }).ClickAsync();
        var result = await session.ConfirmAsync(gone.Count, 500 + 501 + 502 + 500 + 321);
        await Expect(result.Locator("li[data-id='NormalSnapshot']")).ToContainTextAsync("Deleted");
        await Expect(result.Locator("li[data-id='SpriteSnapshot']")).ToContainTextAsync("Deleted");
        await session.CloseDialogAsync();

        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Snapshots (1)" })).ToBeVisibleAsync();
        var snapshots = await session.App.CallAsync("ListSnapshots", new { video.VideoId });
        snapshots["Images"].EnumerateArray().Select(i => i.GetProperty("ImageType").GetString()).Should().Equal("CoverSnapshot");
        (await session.App.ListBlobsAsync()).Should().BeEquivalentTo(before.Except(gone));
    }

    [Fact]
    public async Task DeletesABatchAndReportsEachVideo()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var videos = new List<TestVideo>();
        for (var i = 0; i < 4; i++)
            videos.Add(await session.Media.VideoAsync($"Episode {i + 1}", definitions: ["HD"], snapshots: new() { ["CoverSnapshot"] = 1 }, seed: i));
        var kept = videos[3];
        var before = await session.App.ListBlobsAsync();
        await session.OpenAsync(TestApp.FullKey);

        foreach (var video in videos.Take(3))
            await session.Row(video.VideoId).GetByRole(AriaRole.Checkbox).CheckAsync();
        await Expect(session.Page.Locator(".selection-count")).ToHaveTextAsync("3 selected");
        foreach (var video in videos) await Expect(session.Row(video.VideoId).GetByRole(AriaRole.Img)).ToHaveJSPropertyAsync("naturalWidth", 160);
        await session.ScreenshotAsync("media-list-selection");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Delete selected…" }).ClickAsync();
        await Expect(session.Dialog.GetByRole(AriaRole.Heading, new() { Name = "Delete 3 videos" })).ToBeVisibleAsync();
        await Expect(session.Dialog.GetByLabel("Everything")).ToBeCheckedAsync();
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Review deletion" }).ClickAsync();
        var files = before.Count(b => videos.Take(3).Any(v => b.StartsWith(v.Folder)));
        await Expect(session.Dialog.Locator(".plan-files")).ToHaveTextAsync(files.ToString());
        await session.ScreenshotAsync("delete-batch-plan");

        // Meanwhile someone else deletes one of them: the result says so for that one.
        (await session.App.CallAsync("DeleteVideo", new { VideoIds = new[] { videos[1].VideoId } })).Status.Should().Be(200);
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete permanently" }).ClickAsync();
        var result = session.Dialog.GetByRole(AriaRole.List, new() { Name = "Result" });
        await Expect(result.Locator($"li[data-id='{videos[0].VideoId}']")).ToContainTextAsync("Deleted");
        await Expect(result.Locator($"li[data-id='{videos[1].VideoId}']")).ToContainTextAsync("Not found");
        await Expect(result.Locator($"li[data-id='{videos[2].VideoId}']")).ToContainTextAsync("Deleted");
        await session.CloseDialogAsync();

        await Expect(session.Page.Locator(".media-table tbody tr")).ToHaveCountAsync(1);
        await Expect(session.Row(kept.VideoId)).ToBeVisibleAsync();
        (await session.App.ListBlobsAsync()).Should().BeEquivalentTo(before.Where(b => b.StartsWith(kept.Folder)));
        foreach (var video in videos.Take(3))
            (await session.App.CallAsync("GetVideoInfo", new { video.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
    }

    [Fact]
    public async Task DeletesUploadedImagesAndShortVideoMaterialFromTheirRows()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var image = await session.Media.ImageAsync("Festival poster");
        var keptImage = await session.Media.ImageAsync("Season banner", seed: 1);
        var material = await session.Media.AttachedAsync("Station logo");
        var before = await session.App.ListBlobsAsync();
        await session.OpenAsync(TestApp.FullKey, "#/media/image");

        await session.OpenRowDeleteAsync(image.MediaId);
        var result = await session.ConfirmAsync(1, TestImages.Cover(3).Length);
        await Expect(result.Locator($"li[data-id='{image.MediaId}']")).ToContainTextAsync("Deleted");
        await session.CloseDialogAsync();
        await Expect(session.Row(image.MediaId)).ToHaveCountAsync(0);
        await Expect(session.Row(keptImage.MediaId)).ToBeVisibleAsync();
        (await session.App.CallAsync("GetImageInfo", new { ImageId = image.MediaId })).Code.Should().Be("NoSuchResource");

        await session.Page.GetByRole(AriaRole.Tab, new() { Name = "Short Video Material" }).ClickAsync();
        await session.OpenRowDeleteAsync(material.MediaId);
        result = await session.ConfirmAsync(1, 777);
        await Expect(result.Locator($"li[data-id='{material.MediaId}']")).ToContainTextAsync("Deleted");
        await session.CloseDialogAsync();
        await Expect(session.Page.GetByText("No items found.")).ToBeVisibleAsync();

        (await session.App.ListBlobsAsync()).Should().BeEquivalentTo(before.Except([image.Blob, material.Blob]));
        var info = await session.App.CallAsync("GetAttachedMediaInfo", new { MediaIds = new[] { material.MediaId } });
        info["NonExistMediaIds"].EnumerateArray().Select(i => i.GetString()).Should().Equal(material.MediaId);
    }

    [Fact]
    public async Task ReadOnlyKeyIsToldItMayNotDeleteAndNothingIsDeleted()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Harbour at dawn", definitions: ["HD"]);
        var before = await session.App.ListBlobsAsync();
        await session.OpenAsync(TestApp.ReadOnlyKey);

        await session.OpenRowDeleteAsync(video.VideoId);
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Review deletion" }).ClickAsync();
        var alert = session.Dialog.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("a read-only key can only look");
        await Expect(alert.Locator(".error-code")).ToHaveTextAsync("Forbidden");
        await Expect(alert.Locator(".error-message")).ToHaveTextAsync("A ReadOnly key may not call DeleteVideo.");
        await Expect(session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete permanently" })).ToHaveCountAsync(0);
        await session.ScreenshotAsync("forbidden");

        (await session.App.ListBlobsAsync()).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task TheDialogIsUsedByKeyboardKeepsFocusAndGivesItBack()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Harbour at dawn", definitions: ["HD"]);
        await session.OpenAsync();
        var page = session.Page;

        var more = session.Row(video.VideoId).GetByRole(AriaRole.Button, new() { Name = "More actions for Harbour at dawn" });
        await more.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(session.Row(video.VideoId).GetByRole(AriaRole.Menuitem, new() { Name = "Details" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(session.Row(video.VideoId).GetByRole(AriaRole.Menuitem, new() { Name = "Delete…" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(session.Dialog.GetByLabel("Everything")).ToBeFocusedAsync();

        // Tab and Shift+Tab go round inside the dialog.
        for (var i = 0; i < 14; i++)
        {
            await page.Keyboard.PressAsync(i < 10 ? "Tab" : "Shift+Tab");
            (await page.EvaluateAsync<bool>("document.querySelector('dialog').contains(document.activeElement)")).Should().BeTrue();
        }
        await page.Keyboard.PressAsync("Escape");
        await Expect(session.Dialog).ToHaveCountAsync(0);
        await Expect(more).ToBeFocusedAsync();
        (await session.App.CallAsync("GetVideoInfo", new { video.VideoId })).Status.Should().Be(200);
    }
}
