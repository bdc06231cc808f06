namespace VodFunctions.Cli.Tests;

/// <summary>The built <c>vod</c> run as a process, as a shell or script runs it: its exit codes and where it prints.</summary>
public sealed class ExitCodeTests
{
    [Fact]
    public async Task EachOutcomeHasItsExitCodeAndTheKeyIsNeverPrinted()
    {
        await using var app = await TestApp.StartAsync();
        var env = Vod.Environment(app);
        var video = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 0);
        var missing = Guid.NewGuid().ToString("N");

        var healthy = await Vod.ProcessAsync(new Dictionary<string, string> { ["VOD_URL"] = env["VOD_URL"] }, "health");
        healthy.ExitCode.Should().Be(0, healthy.ToString());
        healthy.Out.Should().Contain("Healthy");

        var notFound = await Vod.ProcessAsync(env, "get-video-info", missing);
        notFound.ExitCode.Should().Be(1, notFound.ToString());
        notFound.Out.Should().BeEmpty();
        notFound.Error.Should().Contain("InvalidVideo.NotFound").And.Contain("RequestId");

        var usage = await Vod.ProcessAsync(env, "delete-video");
        usage.ExitCode.Should().Be(2, usage.ToString());
        usage.Error.Should().Contain("VIDEO_ID").And.Contain("--help");
        (await Vod.ProcessAsync(env, "no-such-verb")).ExitCode.Should().Be(2);

        var noKey = await Vod.ProcessAsync(new Dictionary<string, string> { ["VOD_URL"] = env["VOD_URL"] }, "get-video-info", video.VideoId);
        noKey.ExitCode.Should().Be(2, noKey.ToString());
        noKey.Error.Should().Contain("VOD_KEY");

        var unreachable = await Vod.ProcessAsync(env, "--url", "http://127.0.0.1:1", "get-video-info", video.VideoId);
        unreachable.ExitCode.Should().Be(3, unreachable.ToString());
        unreachable.Error.Should().Contain("cannot reach http://127.0.0.1:1/");

        var partly = await Vod.ProcessAsync(env, "--json", "delete-video", video.VideoId, missing, "--yes");
        partly.ExitCode.Should().Be(4, partly.ToString());
        partly.Json.GetProperty("NonExistVideoIds").Strings().Should().Equal(missing);
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();

        const string wrongKey = "wrong-key-5f2a9c";
        foreach (var run in new[]
        {
            await Vod.ProcessAsync(env, "--key", wrongKey, "get-video-info", video.VideoId),
            await Vod.ProcessAsync(env, "--key", wrongKey, "--json", "get-video-info", video.VideoId),
            await Vod.ProcessAsync(env, "--key", wrongKey, "get-video-info", wrongKey, "extra"),
        })
        {
            run.ExitCode.Should().BeOneOf(1, 2);
            (run.Out + run.Error).Should().NotContain(wrongKey).And.NotContain(TestApp.AdminKey);
        }
        var unauthorized = await Vod.ProcessAsync(env, "--key", wrongKey, "--json", "get-video-info", video.VideoId);
        unauthorized.ExitCode.Should().Be(1);
        new VodRun(1, unauthorized.Error, "").Json.GetProperty("Code").GetString().Should().Be("Unauthorized");
    }
}
