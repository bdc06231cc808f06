using Azure.Storage.Blobs.Specialized;
using VodFunctions.Client;

namespace VodFunctions.Cli.Tests;

/// <summary>The delete verbs against the real app: what they delete, checked in storage and through the API.</summary>
public sealed class DeleteVerbTests
{
    [Fact]
    public async Task DeleteVideoSendsMoreThan20IdsInCallsOf20AndMergesTheAnswers()
    {
        await using var app = await TestApp.StartAsync();
        var videos = new List<SeededVideo>();
        for (var i = 0; i < 23; i++) videos.Add(await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 0));
        var missing = new[] { Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N") };
        var ids = videos.Select(v => v.VideoId).Concat(missing).ToList();
        var blobs = (await app.ListBlobsAsync("videos/")).Count;

        // 25 IDs, two of them from standard input and one given twice: two calls (20 + 5).
        var args = new[] { "--json", "delete-video", "--dry-run", string.Join(',', ids.Take(20)), ids[0], "-" };
        var dryRun = await Vod.RunWithAsync(Vod.Environment(app), args, input: string.Join('\n', ids.Skip(20)));
        dryRun.ExitCode.Should().Be(4, dryRun.ToString());
        var plan = dryRun.Json;
        plan.GetProperty("NonExistVideoIds").Strings().Should().Equal(missing);
        plan.GetProperty("ForbiddenVideoIds").Strings().Should().BeEmpty();
        plan.GetProperty("RequestIds").GetArrayLength().Should().Be(2);
        plan.GetProperty("Plan").GetProperty("Files").GetInt32().Should().Be(blobs);
        (await app.ListBlobsAsync("videos/")).Should().HaveCount(blobs, "a dry run deletes nothing");

        var deleted = await Vod.RunAsync(app, ["delete-video", "--yes", .. ids]);
        deleted.ExitCode.Should().Be(4, deleted.ToString());
        deleted.Out.Should().Contain($"Deleted 23 videos: {blobs} files, ").And.Contain($"Not found (2): {missing[0]} {missing[1]}");
        deleted.Error.Should().Contain("Deleting 25 videos: 25 of 25");
        (await app.ListBlobsAsync("videos/")).Should().BeEmpty();

        // A call whose IDs are all missing answers 404; merged with others it is their NonExistVideoIds, alone it is the error.
        var again = await Vod.RunAsync(app, ["--json", "delete-video", "-y", .. ids]);
        again.ExitCode.Should().Be(1, again.ToString());
        again.Error.Should().Contain("InvalidVideo.NotFound");
        var survivor = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        var mixed = await Vod.RunAsync(app, ["--json", "delete-video", "--yes", .. ids, survivor.VideoId]);
        mixed.ExitCode.Should().Be(4, mixed.ToString());
        mixed.Json.GetProperty("NonExistVideoIds").Strings().Should().Equal(ids);
        (await app.CallAsync("GetVideoInfo", new { survivor.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
    }

    [Fact]
    public async Task ImagesNamedPast20AreAllCheckedBeforeAnyIsDeleted()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 22, snapshotTypes: ["NormalSnapshot"]);
        var imageIds = video.ImageIds["NormalSnapshot"];

        var refused = await Vod.RunAsync(app, ["delete-image", "--yes", "--id", .. imageIds, Guid.NewGuid().ToString("N")]);
        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.Error.Should().Contain("NoSuchResource");
        (await app.ListBlobsAsync($"{video.Folder}snapshots/")).Should().HaveCount(22, "the missing image is in the second call, checked before the first deletes");

        var deleted = await Vod.RunAsync(app, ["delete-image", "--yes", "--id", .. imageIds]);
        deleted.ExitCode.Should().Be(0, deleted.ToString());
        deleted.Out.Should().Contain("Deleted 22 images: 22 files, ");
        (await app.ListBlobsAsync($"{video.Folder}snapshots/")).Should().BeEmpty();
    }

    [Fact]
    public async Task EveryOtherDeleteVerbDeletesWhatItNames()
    {
        await using var app = await TestApp.StartAsync();
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        var video = await app.SeedVideoAsync(transcodeMode: "NoTranscode", streams: 2, snapshots: 2);

        (await Vod.RunAsync(app, "delete-stream", video.VideoId, video.JobIds[0], "--yes")).ExitCode.Should().Be(0);
        (await client.GetPlayInfoAsync(video.VideoId)).PlayInfoList.Select(s => s.JobId).Should().NotContain(video.JobIds[0]).And.Contain(video.JobIds[1]);
        var unknownStream = await Vod.RunAsync(app, "delete-stream", video.VideoId, Guid.NewGuid().ToString("N"), "--yes");
        unknownStream.ExitCode.Should().Be(1);
        unknownStream.Error.Should().Contain("InvalidStream.NotFound");

        var kept = await Vod.RunAsync(app, "delete-mezzanines", video.VideoId, "--yes");
        kept.ExitCode.Should().Be(4, kept.ToString());
        kept.Out.Should().Contain($"Kept (playback source without --force, or another application's) (1): {video.VideoId}");
        (await client.GetMezzanineInfoAsync(video.VideoId)).Mezzanine.Status.Should().Be("Normal");
        (await Vod.RunAsync(app, "delete-mezzanines", video.VideoId, "--force", "--yes")).ExitCode.Should().Be(0);
        (await client.GetMezzanineInfoAsync(video.VideoId)).Mezzanine.Status.Should().Be("Deleted");

        (await Vod.RunAsync(app, "delete-image", "--id", video.ImageIds["CoverSnapshot"][0], "--yes")).ExitCode.Should().Be(0);
        (await client.ListSnapshotsAsync(video.VideoId, "CoverSnapshot")).Images.Should().ContainSingle();
        var urls = (await client.ListSnapshotsAsync(video.VideoId, "NormalSnapshot")).Images.Select(i => i.URL).ToArray();
        var planned = await Vod.RunAsync(app, ["--json", "delete-image", "--dry-run", "--image-url", .. urls]);
        planned.Json.GetProperty("Plan").GetProperty("Files").GetInt32().Should().Be(2);
        (await client.ListSnapshotsAsync(video.VideoId, "NormalSnapshot")).Images.Should().HaveCount(2);
        var byUrl = await Vod.RunAsync(app, ["delete-image", "--yes", "--image-url", .. urls]);
        byUrl.Out.Should().Contain("Deleted 2 images: 2 files, ");
        (await client.ListSnapshotsAsync(video.VideoId, "NormalSnapshot")).Images.Should().BeEmpty();
        (await Vod.RunAsync(app, "delete-image", "--video", video.VideoId, "--type", "SpriteSnapshot", "CoverSnapshot", "--yes")).ExitCode.Should().Be(0);
        (await client.ListSnapshotsAsync(video.VideoId)).Images.Select(i => i.ImageType).Should().OnlyContain(t => t == "SpriteOriginSnapshot").And.HaveCount(2);
        (await Vod.RunAsync(app, "delete-image", "--video", video.VideoId, "--type", "All", "--yes")).ExitCode.Should().Be(0);
        (await app.ListBlobsAsync($"{video.Folder}snapshots/")).Should().BeEmpty();

        var (mediaId, _) = await app.SeedFileAsync("attached");
        var missing = Guid.NewGuid().ToString("N");
        var attached = await Vod.RunAsync(app, "--json", "delete-attached-media", mediaId, missing, "--yes");
        attached.ExitCode.Should().Be(4);
        attached.Json.GetProperty("NonExistMediaIds").Strings().Should().Equal(missing);
        (await client.GetAttachedMediaInfoAsync([mediaId])).NonExistMediaIds.Should().Equal(mediaId);

        var created = await client.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "Half uploaded", FileName = "big.mp4" });
        await app.Container.GetBlockBlobClient($"videos/{created.VideoId}/mezzanine/big.mp4")
            .StageBlockAsync(Convert.ToBase64String(new byte[16]), new MemoryStream(new byte[4096]));
        var blocks = await Vod.RunAsync(app, "delete-multipart-upload", created.VideoId, "--dry-run");
        blocks.Out.Should().Contain("Dry run, nothing was deleted. Would delete its uncommitted upload blocks: 1 file, 4,096 bytes (4 KiB)");
        (await Vod.RunAsync(app, "delete-multipart-upload", created.VideoId, "--yes")).ExitCode.Should().Be(0);
        (await app.ListBlobsAsync($"videos/{created.VideoId}/")).Should().BeEmpty();
    }

    [Fact]
    public async Task DeleteImageRefusesAmbiguousTargetsAndSendsNothing()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 1);
        var before = await app.ListBlobsAsync(video.Folder);
        var id = video.ImageIds["CoverSnapshot"][0];
        foreach (var args in new[]
        {
            new[] { "delete-image", "--yes", "--id", id, "--video", video.VideoId, "--type", "All" },
            ["delete-image", "--yes", "--video", video.VideoId],
            ["delete-image", "--yes", "--id", id, "--type", "All"],
            ["delete-image", "--yes"],
        })
        {
            var run = await Vod.RunAsync(app, args);
            run.ExitCode.Should().Be(2, run.ToString());
            run.Error.Should().StartWith("vod delete-image: ");
        }
        (await app.ListBlobsAsync(video.Folder)).Should().Equal(before);
    }
}
