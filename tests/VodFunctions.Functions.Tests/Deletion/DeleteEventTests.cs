namespace VodFunctions.Functions.Tests.Deletion;

/// <summary>A success event stands for a delete that removed something: consumers count deletions by them.</summary>
public sealed class DeleteEventTests
{
    [Fact]
    public async Task ADeleteThatFindsNothingLeftToDeleteSendsNoEvent()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, snapshots: 1, snapshotTypes: ["CoverSnapshot", "NormalSnapshot"]);
        var all = new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All" };

        (await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "SpriteSnapshot" })).Status.Should().Be(200);
        (await app.EventsAsync()).Should().BeEmpty("the video has no sprites: nothing was deleted");

        (await app.CallAsync("DeleteImage", all)).Status.Should().Be(200);
        (await app.CallAsync("DeleteImage", all)).Status.Should().Be(200, "a retry after a lost answer");

        var sent = (await app.EventsAsync()).Should().ContainSingle("the first, real delete's event is the one that counts").Subject;
        sent.GetProperty("ImageIds").GetArrayLength().Should().Be(2);
        sent.GetProperty("DeletedFiles").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task ADeleteThatRemovesOnlyRecordsOrOnlyFilesSendsItsEvent()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, segments: 2, snapshots: 1, snapshotTypes: ["CoverSnapshot"]);
        foreach (var blob in await app.ListBlobsAsync($"{video.Folder}streams/{video.JobIds[0]}/")) await app.Container.DeleteBlobAsync(blob);
        await app.UploadAsync($"{video.Folder}snapshots/SpriteSnapshot/unregistered.jpg");

        (await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0] })).Status.Should().Be(200);
        (await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "SpriteSnapshot" })).Status.Should().Be(200);

        var events = await app.EventsAsync();
        events.Select(e => (e.Prop("DeleteType"), e.Int("DeletedFiles"))).Should().Equal(("stream", 0), ("image", 1));
        events[0].GetProperty("JobIds").EnumerateArray().Select(j => j.GetString()).Should().Equal(video.JobIds[0]);
        events[1].GetProperty("ImageIds").GetArrayLength().Should().Be(0, "the file had no record");
    }
}
