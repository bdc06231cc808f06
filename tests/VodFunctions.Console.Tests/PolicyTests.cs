using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VodFunctions.Console.Tests;

/// <summary>Media policies through the console: create, preview, edit, disable, run now; the storage report.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PolicyTests(BrowserFixture browser)
{
    [Fact]
    public async Task CreatesPreviewsEditsAndRunsAPolicy()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var session = await ConsoleSession.StartAsync(browser, clock: clock);
        var old = await session.Media.VideoAsync("Archive match", definitions: ["HD", "SD"], snapshots: new() { ["CoverSnapshot"] = 1 });
        var oldElsewhere = await session.Media.VideoAsync("Archive, other app", definitions: ["HD"], appId: TestApp.OtherApp);
        clock.Advance(TimeSpan.FromDays(100));
        var recent = await session.Media.VideoAsync("Yesterday's match", definitions: ["HD"]);
        var (hd, sd) = (old.Streams[0], old.Streams[1]);
        var before = await session.App.ListBlobsAsync();
        await session.OpenAsync(TestApp.AdminKey, "#/policies");
        var page = session.Page;
        await Expect(page.GetByText("No policies yet.")).ToBeVisibleAsync();

        // Create: delete whole videos of app-1000000 older than 90 days.
        await page.GetByRole(AriaRole.Button, new() { Name = "New policy" }).ClickAsync();
        await session.Dialog.GetByLabel("Name").FillAsync("Archive retention");
        await session.Dialog.GetByLabel("Minimum age").FillAsync("P90D");
        await session.Dialog.GetByLabel("Application").FillAsync(TestApp.DefaultApp);
        await session.Dialog.GetByLabel("Priority").FillAsync("5");
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Create policy" }).ClickAsync();
        await Expect(session.Dialog).ToHaveCountAsync(0);
        var listed = await session.App.CallAsync("ListMediaPolicies");
        var policy = listed["Policies"][0];
        var policyId = policy.GetProperty("PolicyId").GetString()!;
        (policy.GetProperty("Action").GetString(), policy.GetProperty("MinAge").GetString(), policy.GetProperty("AppId").GetString(), policy.GetProperty("Priority").GetInt32())
            .Should().Be(("DeleteVideo", "P90D", TestApp.DefaultApp, 5));
        var row = session.Row(policyId);
        await Expect(row).ToContainTextAsync("Archive retention");
        await session.ScreenshotAsync("policies");
        await session.AssertAccessibleAsync("policy list");

        // Preview: the old video of this application, with everything under its folder.
        await row.GetByRole(AriaRole.Button, new() { Name = "Preview policy Archive retention" }).ClickAsync();
        await Expect(session.Dialog.Locator(".preview-total")).ToContainTextAsync($"1 video: {before.Count(b => b.StartsWith(old.Folder))} files");
        await Expect(session.Dialog.Locator($"tr[data-id='{old.VideoId}']")).ToContainTextAsync("DeleteVideo");
        await session.ScreenshotAsync("policy-preview");
        await session.AssertAccessibleAsync("policy preview");
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // Edit: only the HD streams.
        await row.GetByRole(AriaRole.Button, new() { Name = "Edit policy Archive retention" }).ClickAsync();
        await session.Dialog.GetByLabel("Action").SelectOptionAsync("DeleteStreams");
        await session.AssertAccessibleAsync("policy form");
        await session.Dialog.GetByRole(AriaRole.Checkbox, new() { Name = "HD", Exact = true }).CheckAsync();
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Expect(row).ToContainTextAsync("DeleteStreams (HD)");
        await row.GetByRole(AriaRole.Button, new() { Name = "Preview policy Archive retention" }).ClickAsync();
        await Expect(session.Dialog.Locator(".preview-total")).ToContainTextAsync($"1 video: {hd.Blobs.Count} files");
        await session.Dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // Disable and enable again.
        var enabled = row.GetByRole(AriaRole.Switch, new() { Name = "Enabled: Archive retention" });
        await enabled.UncheckAsync();
        await Expect(page.Locator("#toast")).ToHaveTextAsync("Policy Archive retention disabled.");
        (await session.App.CallAsync("ListMediaPolicies"))["Policies"][0].GetProperty("Enabled").GetBoolean().Should().BeFalse();
        await enabled.CheckAsync();
        await Expect(page.Locator("#toast")).ToHaveTextAsync("Policy Archive retention enabled.");
        (await session.App.CallAsync("ListMediaPolicies"))["Policies"][0].GetProperty("Enabled").GetBoolean().Should().BeTrue();

        // Run now: the run is followed until it is over, then listed with its counts.
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Expect(page.Locator(".run-status")).ToContainTextAsync("ApplyMediaPolicies completed: 1 matched, 1 deleted, 0 skipped, 0 failed", new() { Timeout = 60_000 });
        var runRow = page.Locator(".runs-table tbody tr").First;
        await Expect(runRow.Locator("td[data-label='Deleted']")).ToHaveTextAsync("1");
        await Expect(runRow.Locator("td[data-label='Trigger']")).ToHaveTextAsync("Admin");
        await session.ScreenshotAsync("policy-run", fullPage: true);

        var play = await session.App.CallAsync("GetPlayInfo", new { old.VideoId });
        play["PlayInfoList"].EnumerateArray().Select(s => s.GetProperty("JobId").GetString()).Should().Equal(sd.JobId);
        (await session.App.ListBlobsAsync()).Should().BeEquivalentTo(before.Except(hd.Blobs));
        (await session.App.CallAsync("GetPlayInfo", new { recent.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(1);
        (await session.App.CallAsync("GetPlayInfo", new { oldElsewhere.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task OnlyAnAdminKeyMayRunPoliciesNow()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        await session.OpenAsync(TestApp.FullKey, "#/policies");

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        var alert = session.Page.GetByRole(AriaRole.Alert);
        await Expect(alert.Locator(".error-code")).ToHaveTextAsync("Forbidden");
        await Expect(alert.Locator(".error-message")).ToHaveTextAsync("Only an admin key may run timer functions.");
        (await session.App.CallAsync("ListMediaPolicyRuns"))["Runs"].GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task ShowsTheStorageReportAfterARun()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var video = await session.Media.VideoAsync("Harbour at dawn", definitions: ["HD"]);
        var orphan = "videos/0123456789abcdef0123456789abcdef/mezzanine/lost.mp4";
        await session.App.UploadAsync(orphan, 4321);
        await session.App.Container.GetBlobClient(video.Streams[0].Blobs[0]).DeleteAsync();
        await session.OpenAsync(TestApp.AdminKey, "#/reconcile");
        await Expect(session.Page.GetByText("ReconcileStorage has not run yet.")).ToBeVisibleAsync();

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Expect(session.Page.Locator(".run-status")).ToContainTextAsync("ReconcileStorage completed", new() { Timeout = 60_000 });

        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Blobs no record owns (1)" })).ToBeVisibleAsync();
        await Expect(session.Page.Locator(".report-table").First).ToContainTextAsync(orphan);
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Records whose files are gone (1)" })).ToBeVisibleAsync();
        var missing = session.Page.Locator(".report-table").Last;
        await Expect(missing).ToContainTextAsync(video.Streams[0].Blobs[0]);
        await Expect(missing.GetByRole(AriaRole.Link, new() { Name = video.VideoId })).ToHaveAttributeAsync("href", $"#/video/{video.VideoId}");
        await session.ScreenshotAsync("storage-report", fullPage: true);
        await session.AssertAccessibleAsync("storage report");
        var report = await session.App.CallAsync("GetReconcileReport");
        (report["TotalOrphanBlobs"].GetInt32(), report["TotalMissingFiles"].GetInt32()).Should().Be((1, 1));
        (await session.App.ListBlobsAsync()).Should().Contain(orphan, "orphans are reported, never deleted on first sight");
    }
}
