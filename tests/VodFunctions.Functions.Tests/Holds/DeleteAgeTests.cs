using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Functions.Tests.RecycleBin;

namespace VodFunctions.Functions.Tests.Holds;

/// <summary><c>Vod__Keys__{n}__MaxDeleteAge</c>: a key that deletes only media younger than that.</summary>
public sealed class DeleteAgeTests
{
    private const string EditorKey = "editor-key-0123456789";

    [Theory]
    [InlineData("7 days")]
    [InlineData("P0D")]
    [InlineData("P200Y")]
    public async Task AMaxDeleteAgeThatIsNotADurationStopsTheAppAtStartNamingTheSetting(string age)
    {
        var app = VodApp.Build(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
            ["Vod:TablePrefix"] = TestStorage.UniqueName("t"),
            ["Vod:Keys:2:Secret"] = EditorKey, ["Vod:Keys:2:Role"] = "Full", ["Vod:Keys:2:MaxDeleteAge"] = age,
        }));
        await using (app)
        {
            var start = () => app.StartAsync();

            (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("Vod__Keys__2__MaxDeleteAge is not an ISO-8601 duration");
        }
    }

    [Fact]
    public async Task AKeyWithAMaxDeleteAgeDeletesYoungMediaAndIsRefusedOlderMediaOnEveryDelete()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TimerKit.StartAsync(clock, new Dictionary<string, string?>(BinState.Bin)
        {
            ["Vod:Keys:4:Secret"] = EditorKey, ["Vod:Keys:4:Role"] = "Admin", ["Vod:Keys:4:MaxDeleteAge"] = "P7D", ["Vod:Keys:4:Name"] = "editor",
        });
        var old = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var (oldAttached, _) = await app.SeedFileAsync("attached");
        var binnedOld = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        clock.Advance(TimeSpan.FromDays(10));
        var young = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var binnedYoung = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        var oldEntry = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = binnedOld.VideoId }));
        var youngEntry = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = binnedYoung.VideoId }));
        var blobs = await app.BlobsAsync();
        var rows = await app.RowsAsync();

        var refused = new[]
        {
            await app.CallAsync("DeleteStream", new { VideoId = old.VideoId, JobIds = old.JobIds[0], DryRun = true }, EditorKey),
            await app.CallAsync("DeleteStream", new { VideoId = old.VideoId, JobIds = old.JobIds[0] }, EditorKey),
            await app.CallAsync("DeleteMezzanines", new { VideoIds = old.VideoId, Permanent = true }, EditorKey),
            await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", VideoId = old.VideoId, ImageType = "All" }, EditorKey),
            await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = new[] { young.ImageIds["CoverSnapshot"][0], old.ImageIds["CoverSnapshot"][0] } }, EditorKey),
            await app.CallAsync("DeleteAttachedMedia", new { MediaIds = oldAttached }, EditorKey),
            await app.CallAsync("PurgeRecycleBin", new { EntryIds = oldEntry }, EditorKey),
        };

        refused.Should().AllSatisfy(r => (r.Status, r.Code).Should().Be((403, "Forbidden.DeleteAge"), r.ToString()));
        (await app.BlobsAsync()).Should().Equal(blobs);
        (await app.RowsAsync()).Should().Equal(rows);

        var videos = await app.CallAsync("DeleteVideo", new { VideoIds = new[] { old.VideoId, young.VideoId } }, EditorKey);
        var purged = await app.CallAsync("PurgeRecycleBin", new { EntryIds = youngEntry }, EditorKey);

        videos.Status.Should().Be(200, videos.ToString());
        videos["ForbiddenVideoIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(old.VideoId);
        (await app.CallAsync("GetVideoInfo", new { VideoId = young.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
        (await app.EntriesAsync()).Single(e => e.Prop("MediaId") == young.VideoId).Prop("DeletedBy").Should().Be("editor");
        purged["PurgedEntryIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(youngEntry);
        (await app.ListBlobsAsync(binnedYoung.Folder)).Should().BeEmpty();
        (await app.CallAsync("DeleteStream", new { VideoId = old.VideoId, JobIds = old.JobIds[0], Permanent = true })).Status.Should().Be(200, "a key without a limit deletes old media");
    }
}
