using Microsoft.Extensions.Time.Testing;
using VodFunctions.Client;

namespace VodFunctions.Cli.Tests;

/// <summary>No typo deletes: what <c>vod</c> does not understand, or a real delete nobody confirmed, is refused before anything is sent.</summary>
public sealed class SafetyTests
{
    [Fact]
    public async Task AMistypedOptionBeforeOrAfterTheIdDeletesNothingAndSuggestsTheOption()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var blobs = await app.ListBlobsAsync(video.Folder);

        foreach (var args in new[]
        {
            new[] { "delete-video", video.VideoId, "--dryrun" },
            ["delete-video", "--dryrun", video.VideoId],
            ["delete-video", "--yes", video.VideoId, "--dryrun"],
            ["--json", "delete-video", "-y", "--dryrun=true", video.VideoId],
            ["delete-mezzanines", video.VideoId, "--forse", "--yes"],
        })
        {
            var run = await Vod.RunAsync(app, args);
            run.ExitCode.Should().Be(ExitCodes.Usage, run.ToString());
            run.Error.Should().Contain("unknown option").And.Contain("did you mean", run.ToString());
            run.Out.Should().BeEmpty();
        }
        (await Vod.RunAsync(app, "delete-video", video.VideoId, "--dryrun")).Error.Should().Contain("unknown option '--dryrun' (did you mean '--dry-run'?)");
        // As a shell runs it, too.
        var process = await Vod.ProcessAsync(Vod.Environment(app), "delete-video", "--yes", video.VideoId, "--dryrun");
        process.ExitCode.Should().Be(ExitCodes.Usage, process.ToString());

        var verb = await Vod.RunAsync(app, "serch-media", "--title", "Seeded");
        verb.ExitCode.Should().Be(ExitCodes.Usage, verb.ToString());
        verb.Error.Should().Contain("unknown verb 'serch-media' (did you mean 'search-media'?)");
        (await Vod.RunAsync(app, "policies", "lst")).Error.Should().Contain("did you mean 'list'?");

        (await app.ListBlobsAsync(video.Folder)).Should().Equal(blobs, "nothing the command did not understand deletes");
        (await app.CallAsync("GetVideoInfo", new { video.VideoId })).Status.Should().Be(200);
    }

    [Fact]
    public async Task AnArgumentThatIsNotWhatItStandsForIsRefusedByName()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 1);
        var blobs = await app.ListBlobsAsync(video.Folder);
        var upper = video.VideoId.ToUpperInvariant();

        foreach (var (args, input, message) in new (string[], string, string)[]
        {
            (["delete-video", "--yes", video.VideoId, "dryrun"], "", "'dryrun' is not a VideoId"),
            (["delete-video", "--yes", $"{video.VideoId},{upper}"], "", $"'{upper}' is not a VideoId"),
            (["delete-video", "--yes", video.VideoId, "-"], "not-an-id\n", "'not-an-id' is not a VideoId"),
            (["delete-stream", "--yes", video.VideoId, "LD"], "", "'LD' is not a JobId"),
            (["delete-stream", "--yes", "my-video", video.JobIds[0]], "", "'my-video' is not a VideoId"),
            (["delete-image", "--yes", "--id", "cover.jpg"], "", "'cover.jpg' is not an ImageId"),
            (["delete-image", "--yes", "--video", "abc", "--type", "All"], "", "'abc' is not a VideoId"),
            (["delete-image", "--yes", "--video", video.VideoId, "--type", "Al"], "", "'Al'"),
            (["get-attached-media-info", "-"], "watermark\n", "'watermark' is not a MediaId"),
            (["delete-image", "--yes", "--image-url", "cover.jpg"], "", "'cover.jpg' is not an image URL"),
            (["delete-attached-media", "--yes", "watermark"], "", "'watermark' is not a MediaId"),
            (["get-video-info", "12345"], "", "'12345' is not a VideoId"),
        })
        {
            var run = await Vod.RunWithAsync(Vod.Environment(app), args, input);
            run.ExitCode.Should().Be(ExitCodes.Usage, run.ToString());
            run.Error.Should().Contain(message, run.ToString());
        }
        // --url stays the app's URL in delete-image: images by URL are --image-url.
        var misplaced = await Vod.RunAsync(app, "delete-image", "--yes", "--url", app.UrlOf(video.Folder + "snapshots/CoverSnapshot/000.jpg"));
        misplaced.ExitCode.Should().Be(ExitCodes.Usage, misplaced.ToString());
        (await app.ListBlobsAsync(video.Folder)).Should().Equal(blobs);
    }

    [Fact]
    public async Task ARealDeleteNeedsYesOrAPersonsConfirmation()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var blobs = await app.ListBlobsAsync(video.Folder);

        // No terminal, no --yes: refused before anything is sent, in process and as a process with a redirected standard input.
        var refused = await Vod.RunAsync(app, "delete-video", video.VideoId);
        refused.ExitCode.Should().Be(ExitCodes.Usage, refused.ToString());
        refused.Error.Should().Contain("add --yes");
        (await Vod.ProcessAsync(Vod.Environment(app), "delete-video", video.VideoId)).ExitCode.Should().Be(ExitCodes.Usage);
        (await Vod.RunAsync(app, "delete-stream", video.VideoId, video.JobIds[0])).ExitCode.Should().Be(ExitCodes.Usage);
        (await app.ListBlobsAsync(video.Folder)).Should().Equal(blobs);

        // A dry run never asks.
        var dryRun = await Vod.RunAsync(app, "delete-video", video.VideoId, "--dry-run");
        dryRun.ExitCode.Should().Be(ExitCodes.Success, dryRun.ToString());
        dryRun.Out.Should().Contain($"Would delete 1 video: {blobs.Count} files");

        // At a terminal: the plan, then the question; anything but yes deletes nothing.
        var declined = await Vod.RunWithAsync(Vod.Environment(app), ["delete-video", video.VideoId], "n\n", terminal: true);
        declined.ExitCode.Should().Be(ExitCodes.Declined, declined.ToString());
        declined.Error.Should().Contain($"Would delete 1 video: {blobs.Count} files").And.Contain("[y/N]").And.Contain("nothing was deleted");
        declined.Out.Should().BeEmpty();
        (await app.ListBlobsAsync(video.Folder)).Should().Equal(blobs);

        var confirmed = await Vod.RunWithAsync(Vod.Environment(app), ["--json", "delete-video", video.VideoId], "yes\n", terminal: true);
        confirmed.ExitCode.Should().Be(ExitCodes.Success, confirmed.ToString());
        confirmed.Json.GetProperty("Deleted").GetProperty("Files").GetInt32().Should().Be(blobs.Count, "standard output holds the real delete's answer only");
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();

        // --yes deletes without asking.
        var other = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 0);
        var yes = await Vod.RunAsync(app, "delete-video", other.VideoId, "-y");
        yes.ExitCode.Should().Be(ExitCodes.Success, yes.ToString());
        yes.Error.Should().NotContain("[y/N]");
        (await app.ListBlobsAsync(other.Folder)).Should().BeEmpty();
    }

    [Fact]
    public async Task RunningApplyMediaPoliciesNeedsYesOrAPersonsConfirmation()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 3, 1, 10, 0, 0, TimeSpan.Zero));
        await using var app = await TimerKit.StartAsync(clock);
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        var old = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 0);
        clock.Advance(TimeSpan.FromDays(100));
        await client.SetMediaPolicyAsync(new MediaPolicy { Name = "Old videos", Action = "DeleteVideo", MinAge = "P90D", AppId = TestApp.DefaultApp });

        var refused = await Vod.RunAsync(app, "run-function", "ApplyMediaPolicies");
        refused.ExitCode.Should().Be(ExitCodes.Usage, refused.ToString());
        refused.Error.Should().Contain("add --yes");
        var declined = await Vod.RunWithAsync(Vod.Environment(app), ["run-function", "ApplyMediaPolicies"], "no\n", terminal: true);
        declined.ExitCode.Should().Be(ExitCodes.Declined, declined.ToString());
        declined.Error.Should().Contain("Old videos").And.Contain("[y/N]");
        (await client.ListFunctionRunsAsync("ApplyMediaPolicies")).Runs.Should().BeEmpty("nothing was started");
        (await client.GetVideoInfoAsync(old.VideoId)).Video.Status.Should().Be("Normal");

        var confirmed = await Vod.RunWithAsync(Vod.Environment(app), ["run-function", "ApplyMediaPolicies"], "y\n", terminal: true);
        confirmed.ExitCode.Should().Be(ExitCodes.Success, confirmed.ToString());
        (await app.ListBlobsAsync(old.Folder)).Should().BeEmpty();
        // ReconcileStorage finishes deletes already asked for: it runs without a question.
        (await Vod.RunAsync(app, "run-function", "ReconcileStorage")).ExitCode.Should().Be(ExitCodes.Success);
    }

    [Fact]
    public async Task ABatchOf21IdsWithMissingOnesGivesOneMergedAnswerInTheTableTheJsonAndTheExitCode()
    {
        await using var app = await TestApp.StartAsync();
        var missing = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        var videos = new[] { await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 0), await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 0) };
        var blobs = (await app.ListBlobsAsync(videos[0].Folder)).Count;

        // The first call's 20 IDs are all missing (it answers 404); the second deletes one video.
        var table = await Vod.RunAsync(app, ["delete-video", "--yes", .. missing, videos[0].VideoId]);
        table.ExitCode.Should().Be(ExitCodes.Partial, table.ToString());
        table.Out.Should().Contain($"Deleted 1 video: {blobs} files").And.Contain($"Not found (20): {string.Join(' ', missing)}");
        (await app.ListBlobsAsync(videos[0].Folder)).Should().BeEmpty();

        var json = await Vod.RunAsync(app, ["--json", "delete-video", "--yes", .. missing, videos[1].VideoId]);
        json.ExitCode.Should().Be(ExitCodes.Partial, json.ToString());
        json.Json.GetProperty("NonExistVideoIds").Strings().Should().Equal(missing);
        json.Json.GetProperty("ForbiddenVideoIds").Strings().Should().BeEmpty();
        json.Json.GetProperty("Deleted").GetProperty("Files").GetInt32().Should().Be(blobs);
        json.Json.GetProperty("RequestIds").GetArrayLength().Should().Be(2);
        (await app.ListBlobsAsync(videos[1].Folder)).Should().BeEmpty();

        // Another application's video, with a Full key: forbidden, listed in the same merged answer.
        var foreign = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 0, appId: TestApp.OtherApp);
        var mixed = await Vod.RunWithAsync(Vod.Environment(app, TestApp.FullKey), ["--json", "delete-video", "--yes", .. missing, foreign.VideoId]);
        mixed.ExitCode.Should().Be(ExitCodes.Partial, mixed.ToString());
        mixed.Json.GetProperty("NonExistVideoIds").Strings().Should().Equal(missing);
        mixed.Json.GetProperty("ForbiddenVideoIds").Strings().Should().Equal(foreign.VideoId);
        (await app.ListBlobsAsync(foreign.Folder)).Should().NotBeEmpty();
    }
}
