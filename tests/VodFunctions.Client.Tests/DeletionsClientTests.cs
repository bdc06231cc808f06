namespace VodFunctions.Client.Tests;

/// <summary>The audit log through the client, against the real app and Azurite.</summary>
public sealed class DeletionsClientTests
{
    [Fact]
    public async Task ListDeletionsAnswersTheRecordsOfAMediaNewestFirst()
    {
        await using var app = await TestApp.StartAsync();
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var files = (await app.ListBlobsAsync(video.Folder)).Count;
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);

        await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId], DryRun = true });
        var deleted = await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId] });

        var records = (await client.ListDeletionsAsync(new ListDeletionsRequest { MediaId = video.VideoId, StartTime = started })).Deletions;
        records.Select(r => (r.Operation, r.DryRun, r.Outcome, r.Files, r.KeyName)).Should().Equal(
            ("DeleteVideo", false, "Deleted", files, "Admin key"), ("DeleteVideo", true, "Deleted", files, "Admin key"));
        records[0].RequestId.Should().Be(deleted.RequestId);
        records[0].Time.Should().BeAfter(started);
        (records[0].DurationMs >= 0, records[1].DurationMs).Should().Be((true, (long?)null), "the delete took its time; a dry run journals nothing");
        (await client.ListDeletionsAsync(new ListDeletionsRequest { MediaId = video.VideoId, EndTime = started })).Deletions.Should().BeEmpty();
    }
}
