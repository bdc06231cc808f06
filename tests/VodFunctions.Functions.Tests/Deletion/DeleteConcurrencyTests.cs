namespace VodFunctions.Functions.Tests.Deletion;

public sealed class DeleteConcurrencyTests
{
    [Fact]
    public async Task TwentyParallelDeletesOfOneVideoAnswerOkOrNotFoundAndDeleteItOnce()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, segments: 20, snapshots: 2);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })));

        responses.Should().OnlyContain(r => r.Status == 200 || (r.Status == 404 && r.Code == "InvalidVideo.NotFound"), string.Join("\n", responses.Select(r => r.ToString())));
        responses.Should().Contain(r => r.Status == 200);
        (await app.ListBlobsAsync()).Should().BeEmpty();
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Status.Should().Be(404);
        (await app.EventsAsync()).Should().ContainSingle().Which.GetProperty("Status").GetString().Should().Be("success");
    }

    [Fact]
    public async Task ParallelStreamAndImageDeletesOfOneVideoAllLand()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 4, segments: 5, snapshots: 2);

        var responses = await Task.WhenAll(
            video.JobIds.Select(j => app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = j }))
                .Append(app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All" }))
                .Append(app.CallAsync("DeleteMezzanines", new { VideoIds = video.VideoId })));

        responses.Should().OnlyContain(r => r.Status == 200, string.Join("\n", responses.Select(r => r.ToString())));
        (await app.ListBlobsAsync()).Should().BeEmpty();
        var info = await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId });
        info["Video"].GetProperty("Size").GetInt64().Should().Be(0);
        (await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(0);
    }
}
