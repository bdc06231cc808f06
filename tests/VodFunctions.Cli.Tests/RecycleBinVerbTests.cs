namespace VodFunctions.Cli.Tests;

/// <summary>list-recycle-bin, restore-media and purge-recycle-bin against the real app, checked in storage.</summary>
public sealed class RecycleBinVerbTests
{
    [Fact]
    public async Task ListRestoreAndPurgeWhichNeedsYes()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Vod:RecycleBin:Retention"] = "P7D" });
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var files = await app.ListBlobsAsync(video.Folder);
        (await Vod.RunAsync(app, "delete-video", "--yes", video.VideoId)).ExitCode.Should().Be(0);

        var listed = await Vod.RunAsync(app, "--json", "list-recycle-bin", "--media-type", "video");
        listed.ExitCode.Should().Be(0, listed.ToString());
        var entryId = listed.Json.GetProperty("Entries").EnumerateArray().Should().ContainSingle().Subject.GetProperty("EntryId").GetString()!;
        (await Vod.RunAsync(app, "restore-media", entryId)).Out.Should().Contain("Restored 1 entry.");
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Status.Should().Be(200);

        (await Vod.RunAsync(app, "delete-video", "--yes", video.VideoId)).ExitCode.Should().Be(0);
        var again = (await Vod.RunAsync(app, "--json", "list-recycle-bin")).Json.GetProperty("Entries")[0].GetProperty("EntryId").GetString()!;
        var refused = await Vod.RunAsync(app, "purge-recycle-bin", again);
        refused.ExitCode.Should().Be(2, refused.ToString());
        (await app.ListBlobsAsync(video.Folder)).Should().BeEquivalentTo(files, "a purge without --yes sends nothing");
        (await Vod.RunAsync(app, "purge-recycle-bin", "--yes")).ExitCode.Should().Be(2, "it needs entries or --all");

        var purged = await Vod.RunAsync(app, "purge-recycle-bin", "--yes", again);
        purged.ExitCode.Should().Be(0, purged.ToString());
        purged.Out.Should().Contain($"Purged 1 entry: {files.Count} files");
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
        (await Vod.RunAsync(app, "restore-media", again)).ExitCode.Should().Be(1);
    }

    [Fact]
    public async Task PermanentDeletesForGoodWithTheBinOn()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Vod:RecycleBin:Retention"] = "P7D" });
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);

        var plan = await Vod.RunAsync(app, "--json", "delete-stream", video.VideoId, video.JobIds[0], "--permanent", "--dry-run");
        plan.Json.GetProperty("Plan").GetProperty("ToRecycleBin").GetBoolean().Should().BeFalse(plan.ToString());
        (await Vod.RunAsync(app, "delete-stream", video.VideoId, video.JobIds[0], "--permanent", "--yes")).ExitCode.Should().Be(0);
        (await app.ListBlobsAsync($"{video.Folder}streams/")).Should().BeEmpty();
        (await Vod.RunAsync(app, "delete-video", video.VideoId, "--permanent", "--yes")).ExitCode.Should().Be(0);
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty("a permanent delete leaves nothing in the bin");
        (await Vod.RunAsync(app, "--json", "list-recycle-bin")).Json.GetProperty("Entries").GetArrayLength().Should().Be(0);
    }
}
