namespace VodFunctions.Client.Tests;

/// <summary>GetDeletionStatisticsAsync against the real app and Azurite.</summary>
public sealed class StatisticsClientTests
{
    [Fact]
    public async Task ReadsWhatRealDeletesFreedAndWhatIsWaiting()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Vod:RecycleBin:Retention"] = "P7D" });
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        var gone = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var binned = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var deleted = (await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [gone.VideoId], Permanent = true })).Deleted!;
        await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [binned.VideoId] });
        var inBin = await app.ListBlobsAsync(binned.Folder);

        var day = await client.GetDeletionStatisticsAsync();

        (day.Deletes.Api.Deletes, day.Deletes.Api.DeletedFiles, day.Deletes.Api.DeletedBytes, day.Deletes.Api.Failures).Should().Be((1, deleted.Files, deleted.Bytes, 0));
        day.Deletes.All.Should().Be(day.Deletes.Api, "only a key deleted");
        (day.Interval, day.Series.Count).Should().Be(("PT1H", 24));
        day.Series[^1].Deletes.Api.Deletes.Should().Be(1);
        day.EndTime.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        (day.RecycleBin!.Entries, day.RecycleBin.Files).Should().Be((1, inBin.Count));
        (day.Backlog.InterruptedDeletes, day.Backlog.EventsPending, day.CallbackQueue, day.WorkQueue).Should().Be((0, 0, null, null));
        day.Notes.Should().BeEmpty();
        day.Slowest.Select(s => (s.Operation, s.MediaId)).Should().BeEquivalentTo(new[] { ("DeleteVideo", gone.VideoId), ("DeleteVideo", binned.VideoId) },
            "a delete and a move into the bin, each with its duration");
        day.Slowest.Should().OnlyContain(s => s.DurationMs >= 0).And.BeInDescendingOrder(s => s.DurationMs);

        var window = await client.GetDeletionStatisticsAsync(new GetDeletionStatisticsRequest
        {
            StartTime = day.EndTime.AddDays(-3), EndTime = day.EndTime.AddMinutes(1), AppId = TestApp.DefaultApp,
        });
        (window.Interval, window.Deletes.All.Deletes).Should().Be(("P1D", 1));
        (await client.Invoking(c => c.GetDeletionStatisticsAsync(new GetDeletionStatisticsRequest { Period = "P7D" })).Should().ThrowAsync<VodException>())
            .Which.Code.Should().Be("InvalidParameter");
    }
}
