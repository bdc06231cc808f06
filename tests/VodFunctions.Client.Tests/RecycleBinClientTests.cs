namespace VodFunctions.Client.Tests;

/// <summary>The recycle bin through the client, against the real app and Azurite.</summary>
public sealed class RecycleBinClientTests
{
    [Fact]
    public async Task ADeleteGoesIntoTheBinAndComesBackOrIsPurgedForGood()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Vod:RecycleBin:Retention"] = "P7D" });
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var other = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var files = await app.ListBlobsAsync(video.Folder);

        (await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId], DryRun = true })).Plan!.ToRecycleBin.Should().BeTrue();
        var deleted = await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId] });

        var entryId = deleted.RecycleBin!.EntryIds.Should().ContainSingle().Subject;
        deleted.RecycleBin.PurgeTime.Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(7), TimeSpan.FromMinutes(1));
        var entry = (await client.ListRecycleBinAsync(new ListRecycleBinRequest { MediaType = "video" })).Entries.Should().ContainSingle().Subject;
        (entry.EntryId, entry.MediaId, entry.DeleteType, entry.Files).Should().Be((entryId, video.VideoId, "all", files.Count));
        (await client.RestoreMediaAsync([entryId])).RestoredEntryIds.Should().Equal(entryId);
        (await client.GetVideoInfoAsync(video.VideoId)).Video.VideoId.Should().Be(video.VideoId);
        (await client.Invoking(c => c.RestoreMediaAsync([entryId])).Should().ThrowAsync<VodException>()).Which.Code.Should().Be("InvalidEntry.NotFound");

        var binned = (await client.DeleteStreamAsync(new DeleteStreamRequest { VideoId = other.VideoId, JobIds = other.JobIds })).RecycleBin!.EntryIds[0];
        var purged = await client.PurgeRecycleBinAsync(new PurgeRecycleBinRequest { All = true });
        purged.PurgedEntryIds.Should().Equal(binned);
        purged.Purged.Files.Should().Be(3);
        (await app.ListBlobsAsync(other.Folder)).Should().Equal(other.MezzanineBlob);
        (await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId], Permanent = true })).RecycleBin.Should().BeNull();
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
        (await client.ListRecycleBinAsync()).Entries.Should().BeEmpty();
    }
}
