using System.Text.Json;

namespace VodFunctions.Client.Tests;

/// <summary>Timer function runs, the reconcile report, health, thumbnails and the answers' own JSON, against the real app.</summary>
public sealed class FunctionsClientTests
{
    private static VodClient ClientOf(TestApp app, string? key = TestApp.AdminKey) => new(app.Client, app.Client.BaseAddress!, key);

    [Fact]
    public async Task ARunStartedNowIsWaitedForAndListedWithItsCounts()
    {
        await using var app = await TestApp.StartAsync();
        using var client = ClientOf(app);
        var orphan = $"videos/{Guid.NewGuid():N}/streams/left-behind.ts";
        await app.UploadAsync(orphan, 321);

        var started = await client.RunFunctionAsync("reconcilestorage");
        started.FunctionName.Should().Be("ReconcileStorage");
        started.RunId.Should().NotBeNullOrEmpty();
        started.StartedAfter.Should().BeBefore(DateTimeOffset.UtcNow);
        var run = await client.WaitForFunctionRunAsync(started, TimeSpan.FromMilliseconds(100));
        run.Should().BeEquivalentTo(new { started.RunId, FunctionName = "ReconcileStorage", Trigger = "Admin", Status = "Completed" }, o => o.ExcludingMissingMembers());
        run.EndTime.Should().NotBeNull().And.BeOnOrAfter(run.StartTime);
        run.Counts["ScannedBlobs"].GetInt32().Should().BeGreaterThanOrEqualTo(1);

        var report = await client.GetReconcileReportAsync();
        report.OrphanBlobs.Should().ContainSingle(o => o.Path == orphan).Which.Size.Should().Be(321);
        report.TotalOrphanBlobs.Should().Be(report.OrphanBlobs.Count);
        report.LastRun!.RunId.Should().Be(run.RunId);

        var runs = await client.ListFunctionRunsAsync("ReconcileStorage");
        var listed = runs.Runs.Should().ContainSingle().Subject;
        listed.Should().BeEquivalentTo(run, o => o.Excluding(r => r.Counts));
        listed.Counts["OrphanBlobs"].GetInt32().Should().Be(1);
        runs.Body.GetProperty("Runs")[0].GetProperty("RunId").GetString().Should().Be(run.RunId);

        var policies = await client.WaitForFunctionRunAsync(await client.RunFunctionAsync("ApplyMediaPolicies"), TimeSpan.FromMilliseconds(100));
        policies.Should().BeEquivalentTo(new { FunctionName = "ApplyMediaPolicies", Status = "Completed" }, o => o.ExcludingMissingMembers());
        policies.Counts["Matched"].GetInt32().Should().Be(0);
        (await client.ListFunctionRunsAsync("ApplyMediaPolicies", 5)).Runs.Select(r => r.RunId).Should().Equal(policies.RunId);

        using var readOnly = ClientOf(app, TestApp.ReadOnlyKey);
        (await readOnly.Invoking(c => c.RunFunctionAsync("ApplyMediaPolicies")).Should().ThrowAsync<VodException>()).Which.Code.Should().Be("Forbidden");
    }

    [Fact]
    public async Task HealthNeedsNoKeyAndThumbnailsAreTheImagesBytes()
    {
        await using var app = await TestApp.StartAsync();
        using var anonymous = ClientOf(app, key: null);
        (await anonymous.GetHealthAsync()).Should().BeEquivalentTo(new { Status = "Healthy", IsHealthy = true }, o => o.ExcludingMissingMembers());
        (await anonymous.Invoking(c => c.ListMediaPoliciesAsync()).Should().ThrowAsync<VodException>()).Which.Code.Should().Be("Unauthorized");

        using var client = ClientOf(app);
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 1, snapshotTypes: ["CoverSnapshot"]);
        var cover = await app.Container.GetBlobClient($"{video.Folder}snapshots/CoverSnapshot/000.jpg").DownloadContentAsync();
        var thumbnail = await client.GetThumbnailAsync(video.VideoId);
        thumbnail.ContentType.Should().Be("image/jpeg");
        thumbnail.Content.Should().Equal(cover.Value.Content.ToArray());
        (await client.Invoking(c => c.GetThumbnailAsync(Guid.NewGuid().ToString("N"))).Should().ThrowAsync<VodException>()).Which.Status.Should().Be(404);
    }

    [Fact]
    public async Task UploadsReportProgressAndAnswersKeepTheirJson()
    {
        await using var app = await TestApp.StartAsync();
        using var client = ClientOf(app);
        var created = await client.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "Progress", FileName = "p.mp4" });
        var reported = new List<long>();
        await client.UploadAsync(created.UploadURL, new MemoryStream(new byte[300_000]), "video/mp4", new SynchronousProgress(reported.Add));
        reported.Should().NotBeEmpty().And.BeInAscendingOrder();
        reported[^1].Should().Be(300_000);

        await client.CompleteUploadAsync(created.VideoId);
        var info = await client.GetVideoInfoAsync(created.VideoId);
        info.Body.GetProperty("RequestId").GetString().Should().Be(info.RequestId);
        var sent = info.Body.GetProperty("Video");
        sent.GetProperty("Size").GetInt64().Should().Be(300_000);
        JsonSerializer.SerializeToElement(info.Video, VodClient.JsonOptions).GetProperty("CreationTime").GetString()
            .Should().Be(sent.GetProperty("CreationTime").GetString(), "times are written back as the service writes them");
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
