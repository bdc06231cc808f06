namespace VodFunctions.Cli.Tests;

/// <summary>set-media-hold, release-media-hold and list-media-holds against the real app, checked in storage.</summary>
public sealed class HoldVerbTests
{
    [Fact]
    public async Task AHeldVideoIsListedKeptByEveryDeleteVerbAndDeletableOnceReleased()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var missing = Guid.NewGuid().ToString("N");
        var files = await app.ListBlobsAsync(video.Folder);

        var held = await Vod.RunAsync(app, "set-media-hold", "--reason", "Case 9", video.VideoId, missing);

        held.ExitCode.Should().Be(4, held.ToString());
        held.Out.Should().Contain("Held 1 media.").And.Contain($"Not found (1): {missing}");
        var listed = await Vod.RunAsync(app, "--json", "list-media-holds", "--media-type", "video");
        var hold = listed.Json.GetProperty("Holds").EnumerateArray().Should().ContainSingle().Subject;
        (hold.GetProperty("MediaId").GetString(), hold.GetProperty("Reason").GetString()).Should().Be((video.VideoId, "Case 9"));
        var deleteVideo = await Vod.RunAsync(app, "delete-video", "--yes", video.VideoId);
        deleteVideo.Out.Should().Contain($"Forbidden (another application's, held, or older than the key may delete) (1): {video.VideoId}", deleteVideo.ToString());
        var deleteStream = await Vod.RunAsync(app, "delete-stream", "--yes", video.VideoId, video.JobIds[0]);
        deleteStream.ExitCode.Should().Be(1, deleteStream.ToString());
        deleteStream.Error.Should().Contain("Forbidden.MediaHold");
        (await app.ListBlobsAsync(video.Folder)).Should().BeEquivalentTo(files);

        var released = await Vod.RunAsync(app, "release-media-hold", video.VideoId);
        released.ExitCode.Should().Be(0, released.ToString());
        (await Vod.RunAsync(app, "--json", "list-media-holds")).Json.GetProperty("Holds").GetArrayLength().Should().Be(0);
        (await Vod.RunAsync(app, "delete-video", "--yes", video.VideoId)).ExitCode.Should().Be(0);
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
    }

    [Fact]
    public async Task AMistypedOptionAnIdOfTheWrongShapeOrNoReasonHoldsNothing()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);

        var runs = new[]
        {
            (await Vod.RunAsync(app, "set-media-hold", video.VideoId, "--reasn", "x"), "unknown option '--reasn' (did you mean '--reason'?)"),
            (await Vod.RunAsync(app, "set-media-hold", "--reason", "x", video.VideoId, "notanid"), "'notanid' is not a MediaId"),
            (await Vod.RunAsync(app, "set-media-hold", video.VideoId), "--reason"),
            (await Vod.RunAsync(app, "set-media-hold", "--reason", "x", "--media-type", "stream", video.VideoId), "stream"),
            (await Vod.RunAsync(app, "release-media-hold", video.VideoId, "--dry-run"), "unknown option '--dry-run'"),
        };

        runs.Should().AllSatisfy(r => (r.Item1.ExitCode, r.Item1.Error.Contains(r.Item2)).Should().Be((2, true), r.Item1.ToString()));
        (await app.CallAsync("ListMediaHolds"))["Holds"].GetArrayLength().Should().Be(0);
    }
}
