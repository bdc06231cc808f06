using Azure.Storage.Blobs.Specialized;

namespace VodFunctions.Functions.Tests.Deletion;

public sealed class DeleteAttachedAndUploadTests
{
    [Fact]
    public async Task DeleteAttachedMediaRemovesItsFolderAndListsMissingIds()
    {
        await using var app = await TestApp.StartAsync();
        var doomed = await app.SeedFileAsync("attached");
        var kept = await app.SeedFileAsync("attached");
        var missing = Guid.NewGuid().ToString("N");

        var response = await app.CallAsync("DeleteAttachedMedia", new { MediaIds = new[] { doomed.Id, missing } });

        response.Status.Should().Be(200, response.ToString());
        response["NonExistMediaIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(missing);
        (await app.ListBlobsAsync()).Should().OnlyContain(b => b.StartsWith($"attached/{kept.Id}/"));
        var info = await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = doomed.Id });
        info["NonExistMediaIds"].EnumerateArray().Select(e => e.GetString()).Should().Equal(doomed.Id);
        (await app.EventsAsync()).Should().ContainSingle().Which.GetProperty("MediaType").GetString().Should().Be("attached");
    }

    [Fact]
    public async Task DeleteAttachedMediaOfAnotherApplicationIsForbidden()
    {
        await using var app = await TestApp.StartAsync();
        var theirs = await app.SeedFileAsync("attached", TestApp.OtherApp);
        var response = await app.CallAsync("DeleteAttachedMedia", new { MediaIds = theirs.Id }, TestApp.FullKey);
        response.Status.Should().Be(403);
        (await app.ListBlobsAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task DeleteMultipartUploadDiscardsUncommittedBlocksOnly()
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "Interrupted", FileName = "big.mp4" });
        var videoId = created.Str("VideoId");
        var blob = app.Container.GetBlockBlobClient($"videos/{videoId}/mezzanine/big.mp4");
        await blob.StageBlockAsync(Convert.ToBase64String(new byte[16]), new MemoryStream(new byte[4096]));

        var dryRun = await app.CallAsync("DeleteMultipartUpload", new { MediaId = videoId, MediaType = "video", DryRun = true });
        dryRun["Plan"].GetProperty("Bytes").GetInt64().Should().Be(4096);
        (await app.ListBlobsAsync()).Should().ContainSingle();

        var response = await app.CallAsync("DeleteMultipartUpload", new { MediaId = videoId, MediaType = "video" });
        response.Status.Should().Be(200, response.ToString());
        (await app.ListBlobsAsync()).Should().BeEmpty();

        var again = await app.CallAsync("DeleteMultipartUpload", new { MediaId = videoId, MediaType = "video" });
        again.Status.Should().Be(400);
        again.Code.Should().Be("InvalidMultipartUpload.NotFound");
    }

    [Fact]
    public async Task DeleteMultipartUploadStoppedBetweenItsStepsIsFinishedByARetry()
    {
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0);
        await using var app = await TestApp.StartAsync(configure: fault.On(o => o.BlobPolicies));
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "Interrupted", FileName = "big.mp4" });
        var videoId = created.Str("VideoId");
        var blob = app.Container.GetBlockBlobClient($"videos/{videoId}/mezzanine/big.mp4");
        await blob.StageBlockAsync(Convert.ToBase64String(new byte[16]), new MemoryStream(new byte[4096]));

        // The blocks are dropped (an empty blob committed in their place), then deleting that blob fails.
        var failed = await app.CallAsync("DeleteMultipartUpload", new { MediaId = videoId, MediaType = "video" });
        failed.Status.Should().Be(503, failed.ToString());
        (await app.ListBlobsAsync()).Should().Equal($"videos/{videoId}/mezzanine/big.mp4");
        var complete = await app.CallAsync("CompleteUpload", new { MediaId = videoId });
        complete.Code.Should().Be("InvalidFile.NotFound", "the empty blob a discard leaves is no upload");

        fault.Armed = false;
        var dryRun = await app.CallAsync("DeleteMultipartUpload", new { MediaId = videoId, MediaType = "video", DryRun = true });
        dryRun["Plan"].GetProperty("Files").GetInt32().Should().Be(1);
        var retried = await app.CallAsync("DeleteMultipartUpload", new { MediaId = videoId, MediaType = "video" });
        retried.Status.Should().Be(200, retried.ToString());
        (await app.ListBlobsAsync()).Should().BeEmpty();
        (await app.CallAsync("DeleteMultipartUpload", new { MediaId = videoId, MediaType = "video" })).Code.Should().Be("InvalidMultipartUpload.NotFound");
    }

    [Fact]
    public async Task DeleteMultipartUploadLeavesACommittedMezzanine()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        var response = await app.CallAsync("DeleteMultipartUpload", new { MediaId = video.VideoId, MediaType = "video" });
        response.Status.Should().Be(400);
        response.Code.Should().Be("InvalidMultipartUpload.NotFound");
        (await app.ListBlobsAsync()).Should().Equal(video.MezzanineBlob);
    }

    [Fact]
    public async Task DeleteMultipartUploadOfUnknownMediaIsABadRequest()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.CallAsync("DeleteMultipartUpload", new { MediaId = Guid.NewGuid().ToString("N"), MediaType = "video" });
        response.Status.Should().Be(400);
        response.Code.Should().Be("InvalidVideo.NotFound");
        (await app.CallAsync("DeleteMultipartUpload", new { MediaId = Guid.NewGuid().ToString("N"), MediaType = "image" })).Code.Should().Be("InvalidParameter");
    }
}
