namespace VodFunctions.Functions.Tests.Deletion;

public sealed class DeleteStreamTests
{
    [Fact]
    public async Task DeletesTheNamedStreamFoldersAndRecordsOnly()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 3, segments: 4, snapshots: 1);
        await app.UploadAsync($"videos/{video.VideoId}/streams/{video.JobIds[0]}/keys/key.bin", 10);
        var before = await app.ListBlobsAsync();

        var response = await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = new[] { video.JobIds[0], video.JobIds[2] } });

        response.Status.Should().Be(200, response.ToString());
        var gone = new[] { video.JobIds[0], video.JobIds[2] }.Select(j => $"videos/{video.VideoId}/streams/{j}/").ToArray();
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before.Where(b => !gone.Any(b.StartsWith)));
        var play = await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId });
        play["PlayInfoList"].EnumerateArray().Select(p => p.GetProperty("JobId").GetString()).Should().Equal(video.JobIds[1]);
        var info = await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId });
        info["Video"].GetProperty("Size").GetInt64().Should().Be(1000 + (100 + 4 * 200) + 4 * 50);

        var e = (await app.EventsAsync()).Should().ContainSingle().Subject;
        e.GetProperty("DeleteType").GetString().Should().Be("stream");
        e.GetProperty("JobIds").EnumerateArray().Select(j => j.GetString()).Should().BeEquivalentTo(video.JobIds[0], video.JobIds[2]);
        e.GetProperty("DeletedFiles").GetInt32().Should().Be(2 * 5 + 1);
    }

    [Fact]
    public async Task AnUnknownJobIdDeletesNothing()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2);
        var other = await app.SeedVideoAsync(streams: 1);
        var before = await app.ListBlobsAsync();

        foreach (var stranger in new[] { Guid.NewGuid().ToString("N"), other.JobIds[0], "../" + video.JobIds[0], video.JobIds[0].ToUpperInvariant() })
        {
            var response = await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = new[] { video.JobIds[0], stranger } });
            response.Status.Should().Be(404, stranger);
            response.Code.Should().Be("InvalidStream.NotFound");
        }
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task AMissingVideoAnswersVideoNotFound()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.CallAsync("DeleteStream", new { VideoId = Guid.NewGuid().ToString("N"), JobIds = Guid.NewGuid().ToString("N") });
        response.Status.Should().Be(404);
        response.Code.Should().Be("InvalidVideo.NotFound");
    }

    [Fact]
    public async Task TheMezzanineOriginalStreamCannotBeDeletedHere()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(transcodeMode: "NoTranscode", streams: 1);
        var play = await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId });
        var original = play["PlayInfoList"].EnumerateArray().Single(p => p.GetProperty("Definition").GetString() == "OD").GetProperty("JobId").GetString();
        var before = await app.ListBlobsAsync();

        var response = await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = new[] { video.JobIds[0], original } });

        response.Status.Should().Be(400);
        response.Code.Should().Be("InvalidParameter");
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task MoreThanTwentyJobIdsAreRefused()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1);
        var response = await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = Enumerable.Range(0, 21).Select(_ => Guid.NewGuid().ToString("N")) });
        response.Status.Should().Be(400);
        response.Code.Should().Be("JobIdsExceededMax");
    }

    [Fact]
    public async Task AnotherApplicationsVideoIsForbidden()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, appId: TestApp.OtherApp);
        var before = await app.ListBlobsAsync();
        var response = await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds }, TestApp.FullKey);
        response.Status.Should().Be(403);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before);
    }
}
