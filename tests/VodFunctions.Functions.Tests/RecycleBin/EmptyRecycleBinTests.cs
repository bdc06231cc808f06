using Microsoft.Extensions.Time.Testing;

namespace VodFunctions.Functions.Tests.RecycleBin;

public sealed class EmptyRecycleBinTests
{
    [Fact]
    public async Task TheTimerPurgesWhatOutlivedTheRetentionAndRecordsItsRun()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TimerKit.StartAsync(clock, BinState.Bin);
        var old = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var young = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var oldEntry = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = old.VideoId }));
        clock.Advance(TimeSpan.FromDays(3));
        var youngEntry = BinState.EntryOf(await app.CallAsync("DeleteStream", new { VideoId = young.VideoId, JobIds = young.JobIds[0] }));
        clock.Advance(TimeSpan.FromDays(4).Add(TimeSpan.FromMinutes(1)));
        await app.DrainEventsAsync();

        var invoked = await app.RunTimerAsync("EmptyRecycleBin");

        invoked.Status.Should().Be("Completed", invoked.ToString());
        (await app.ListBlobsAsync(old.Folder)).Should().BeEmpty();
        (await app.ListBlobsAsync(young.Folder)).Should().HaveCount(1 + 3, "its stream's entry has days left");
        (await app.EntriesAsync()).Select(e => e.Prop("EntryId")).Should().Equal(youngEntry);
        var purged = (await app.DrainEventsAsync()).Should().ContainSingle().Subject;
        (purged.Prop("EventType"), purged.Prop("RecycleBinEntryId"), purged.Prop("Trigger"), purged.Int("DeletedFiles"))
            .Should().Be(("PurgeMediaComplete", oldEntry, "EmptyRecycleBin", 4));
        var runs = await app.CallAsync("ListFunctionRuns", new { FunctionName = "EmptyRecycleBin" });
        var run = runs["Runs"].EnumerateArray().Should().ContainSingle().Subject;
        (run.Prop("Status"), run.Int("PurgedEntries"), run.Int("PurgedFiles"), run.Long("PurgedBytes")).Should().Be(("Completed", 1, 4, 1000L + 100 + 2 * 200));

        clock.Advance(TimeSpan.FromDays(3));
        (await app.RunTimerAsync("EmptyRecycleBin")).Status.Should().Be("Completed");
        (await app.EntriesAsync()).Should().BeEmpty();
        (await app.ListBlobsAsync(young.Folder)).Should().Equal(young.MezzanineBlob);
        (await app.CallAsync("GetPlayInfo", new { VideoId = young.VideoId }))["PlayInfoList"].GetArrayLength().Should().Be(0);
    }
}
