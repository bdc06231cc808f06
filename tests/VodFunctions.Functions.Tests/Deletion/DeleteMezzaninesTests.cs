namespace VodFunctions.Functions.Tests.Deletion;

public sealed class DeleteMezzaninesTests
{
    [Fact]
    public async Task DeletesTheSourceFileAndKeepsTheVideo()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, snapshots: 1);
        var before = await app.ListBlobsAsync();

        var response = await app.CallAsync("DeleteMezzanines", new { VideoIds = new[] { video.VideoId } });

        response.Status.Should().Be(200, response.ToString());
        response["UnRemoveableVideoIds"].GetArrayLength().Should().Be(0);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before.Where(b => b != video.MezzanineBlob));
        var mezzanine = await app.CallAsync("GetMezzanineInfo", new { VideoId = video.VideoId });
        mezzanine["Mezzanine"].GetProperty("Status").GetString().Should().Be("Deleted");
        var info = await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId });
        info["Video"].GetProperty("Size").GetInt64().Should().Be(100 + 3 * 200 + 4 * 50);
        (await app.EventsAsync()).Should().ContainSingle().Which.GetProperty("DeleteType").GetString().Should().Be("mezzanine");
    }

    [Theory]
    [InlineData("NoTranscode")]
    [InlineData("AsyncTranscode")]
    public async Task PlaybackSourcesNeedForce(string mode)
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(transcodeMode: mode, streams: 1, snapshots: 0);

        var refused = await app.CallAsync("DeleteMezzanines", new { VideoIds = video.VideoId });
        refused.Status.Should().Be(200);
        refused["UnRemoveableVideoIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(video.VideoId);
        (await app.ListBlobsAsync()).Should().Contain(video.MezzanineBlob);

        var forced = await app.CallAsync("DeleteMezzanines", new { VideoIds = video.VideoId, Force = true });
        forced["UnRemoveableVideoIds"].GetArrayLength().Should().Be(0);
        (await app.ListBlobsAsync()).Should().NotContain(video.MezzanineBlob);
        var play = await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId });
        play["PlayInfoList"].EnumerateArray().Select(p => p.GetProperty("Definition").GetString()).Should().Equal("HD");
    }

    [Fact]
    public async Task ListsMissingAndOtherApplicationsVideos()
    {
        await using var app = await TestApp.StartAsync();
        var theirs = await app.SeedVideoAsync(streams: 0, snapshots: 0, appId: TestApp.OtherApp);
        var missing = Guid.NewGuid().ToString("N");

        var response = await app.CallAsync("DeleteMezzanines", new { VideoIds = new[] { theirs.VideoId, missing }, Force = true }, TestApp.FullKey);

        response["NonExistVideoIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(missing);
        response["UnRemoveableVideoIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(theirs.VideoId);
        (await app.ListBlobsAsync()).Should().Equal(theirs.MezzanineBlob);
    }

    [Fact]
    public async Task ForceMustBeABoolean()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        var response = await app.CallAsync("DeleteMezzanines", new { VideoIds = video.VideoId, Force = "yes" });
        response.Status.Should().Be(400);
        response.Code.Should().Be("InvalidParameter");
        (await app.ListBlobsAsync()).Should().Equal(video.MezzanineBlob);
    }
}
