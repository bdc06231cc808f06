namespace VodFunctions.Client.Tests;

/// <summary>Holds through the client, against the real app and Azurite.</summary>
public sealed class HoldClientTests
{
    [Fact]
    public async Task AHeldVideoIsShownHeldRefusedItsDeletesAndDeletableOnceReleased()
    {
        await using var app = await TestApp.StartAsync();
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var missing = Guid.NewGuid().ToString("N");

        var set = await client.SetMediaHoldAsync(new SetMediaHoldRequest { MediaType = "video", MediaIds = [video.VideoId, missing], Reason = "Audit 12" });

        set.NonExistMediaIds.Should().Equal(missing);
        var hold = (await client.GetVideoInfoAsync(video.VideoId)).Video.Hold!;
        (hold.Reason, hold.SetBy).Should().Be(("Audit 12", "Admin key"));
        hold.SetTime.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        var listed = (await client.ListMediaHoldsAsync(new ListMediaHoldsRequest { MediaType = "video" })).Holds.Should().ContainSingle().Subject;
        (listed.MediaId, listed.Reason).Should().Be((video.VideoId, "Audit 12"));
        (await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId] })).ForbiddenVideoIds.Should().Equal(video.VideoId);
        (await client.Invoking(c => c.DeleteStreamAsync(new DeleteStreamRequest { VideoId = video.VideoId, JobIds = video.JobIds })).Should().ThrowAsync<VodException>())
            .Which.Should().BeEquivalentTo(new { Status = 403, Code = "Forbidden.MediaHold" }, o => o.ExcludingMissingMembers());
        (await app.ListBlobsAsync(video.Folder)).Should().HaveCount(4);

        (await client.ReleaseMediaHoldAsync("video", [video.VideoId])).NonExistMediaIds.Should().BeEmpty();
        (await client.GetVideoInfoAsync(video.VideoId)).Video.Hold.Should().BeNull();
        (await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId] })).ForbiddenVideoIds.Should().BeEmpty();
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
    }
}
