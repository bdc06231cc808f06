using Azure.Storage.Blobs.Specialized;

namespace VodFunctions.Functions.Tests.Deletion;

/// <summary>Every successful delete answers what it removed (<c>Deleted</c>: files and their bytes), a dry run what it would.</summary>
public sealed class DeletedAnswerTests
{
    private static (int Files, long Bytes) Deleted(ApiResponse response)
    {
        response.Status.Should().Be(200, response.ToString());
        response.Json.TryGetProperty("Plan", out _).Should().BeFalse("only a dry run answers a plan");
        response.Json.TryGetProperty("Deleted", out var deleted).Should().BeTrue(response.ToString());
        return (deleted.GetProperty("Files").GetInt32(), deleted.GetProperty("Bytes").GetInt64());
    }

    [Fact]
    public async Task EveryDeleteAnswersTheFilesAndBytesItRemoved()
    {
        await using var app = await TestApp.StartAsync();
        // Each seeded video: a 1000-byte mezzanine; per stream a 100-byte playlist and 200-byte segments; 50-byte snapshots.
        var whole = await app.SeedVideoAsync(streams: 2, segments: 3, snapshots: 1);
        var parts = await app.SeedVideoAsync(streams: 2, segments: 3, snapshots: 2);
        var (media, _) = await app.SeedFileAsync("attached");

        var dryRun = await app.CallAsync("DeleteVideo", new { VideoIds = new[] { whole.VideoId }, DryRun = true });
        var video = await app.CallAsync("DeleteVideo", new { VideoIds = new[] { whole.VideoId } });
        var stream = await app.CallAsync("DeleteStream", new { parts.VideoId, JobIds = new[] { parts.JobIds[0] } });
        var mezzanine = await app.CallAsync("DeleteMezzanines", new { VideoIds = new[] { parts.VideoId } });
        var covers = await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", parts.VideoId, ImageType = "CoverSnapshot" });
        var coversAgain = await app.CallAsync("DeleteImage", new { DeleteImageType = "VideoId", parts.VideoId, ImageType = "CoverSnapshot" });
        var attached = await app.CallAsync("DeleteAttachedMedia", new { MediaIds = new[] { media } });

        dryRun.Json.TryGetProperty("Deleted", out _).Should().BeFalse("a dry run deletes nothing: {0}", dryRun);
        dryRun["Plan"].GetProperty("Files").GetInt32().Should().Be(1 + 2 * 4 + 4);
        Deleted(video).Should().Be((1 + 2 * 4 + 4, 1000 + 2 * (100 + 3 * 200) + 4 * 50L));
        Deleted(stream).Should().Be((4, 100 + 3 * 200L));
        Deleted(mezzanine).Should().Be((1, 1000L));
        Deleted(covers).Should().Be((2, 2 * 50L));
        Deleted(coversAgain).Should().Be((0, 0L), "nothing was left to delete");
        Deleted(attached).Should().Be((1, 300L));
        var events = (await app.EventsAsync()).Where(e => e.GetProperty("Status").GetString() == "success").ToList();
        events.Select(e => (e.GetProperty("DeletedFiles").GetInt32(), e.GetProperty("DeletedBytes").GetInt64()))
            .Should().BeEquivalentTo(new[] { video, stream, mezzanine, covers, attached }.Select(Deleted), "the answers and the events agree");
    }

    [Fact]
    public async Task DeleteMultipartUploadAnswersTheUploadItDiscarded()
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "Interrupted", FileName = "big.mp4" });
        var blob = app.Container.GetBlockBlobClient($"videos/{created.Str("VideoId")}/mezzanine/big.mp4");
        await blob.StageBlockAsync(Convert.ToBase64String(new byte[16]), new MemoryStream(new byte[4096]));

        var response = await app.CallAsync("DeleteMultipartUpload", new { MediaId = created.Str("VideoId"), MediaType = "video" });

        Deleted(response).Should().Be((1, 4096L));
    }
}
