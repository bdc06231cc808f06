using System.Net;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.DependencyInjection;
using VodFunctions.Core;

namespace VodFunctions.Client.Tests;

/// <summary>The delete operations of section 6 through the client, against the real app and Azurite.</summary>
public sealed class DeleteClientTests
{
    private static VodClient ClientOf(TestApp app, VodClientOptions? options = null) =>
        new(app.Client, app.Client.BaseAddress!, TestApp.AdminKey, options);

    [Fact]
    public async Task DeleteVideoPlansOnADryRunAndDeletesOnARealOne()
    {
        await using var app = await TestApp.StartAsync();
        using var client = ClientOf(app);
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var files = await app.ListBlobsAsync(video.Folder);
        var missing = Guid.NewGuid().ToString("N");

        var dryRun = await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId, missing], DryRun = true });
        dryRun.Plan.Should().NotBeNull();
        dryRun.Plan!.Files.Should().Be(files.Count);
        dryRun.Plan.Records.Should().BePositive();
        dryRun.Plan.Paths.Should().BeSubsetOf(files).And.NotBeEmpty();
        dryRun.NonExistVideoIds.Should().Equal(missing);
        (await app.ListBlobsAsync(video.Folder)).Should().HaveCount(files.Count);

        var deleted = await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId, missing] });
        deleted.Plan.Should().BeNull();
        deleted.NonExistVideoIds.Should().Equal(missing);
        deleted.ForbiddenVideoIds.Should().BeEmpty();
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
        (await client.Invoking(c => c.GetVideoInfoAsync(video.VideoId)).Should().ThrowAsync<VodException>()).Which.Code.Should().Be("InvalidVideo.NotFound");
        (await client.Invoking(c => c.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [missing] })).Should().ThrowAsync<VodException>())
            .Which.Should().BeEquivalentTo(new { Status = 404, Code = "InvalidVideo.NotFound" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task DeleteStreamAndDeleteMezzaninesWithAndWithoutForce()
    {
        await using var app = await TestApp.StartAsync();
        using var client = ClientOf(app);
        var video = await app.SeedVideoAsync(transcodeMode: "NoTranscode", streams: 2, snapshots: 0);

        await client.DeleteStreamAsync(new DeleteStreamRequest { VideoId = video.VideoId, JobIds = [video.JobIds[0]] });
        (await client.GetPlayInfoAsync(video.VideoId)).PlayInfoList.Select(s => s.JobId).Should().NotContain(video.JobIds[0]).And.Contain(video.JobIds[1]);
        (await client.Invoking(c => c.DeleteStreamAsync(new DeleteStreamRequest { VideoId = video.VideoId, JobIds = [Guid.NewGuid().ToString("N")] }))
            .Should().ThrowAsync<VodException>()).Which.Code.Should().Be("InvalidStream.NotFound");

        var kept = await client.DeleteMezzaninesAsync(new DeleteMezzaninesRequest { VideoIds = [video.VideoId] });
        kept.UnRemoveableVideoIds.Should().Equal(video.VideoId);
        (await client.GetMezzanineInfoAsync(video.VideoId)).Mezzanine.Status.Should().Be("Normal");
        (await client.GetPlayInfoAsync(video.VideoId)).PlayInfoList.Should().Contain(s => s.Definition == "OD");

        var forced = await client.DeleteMezzaninesAsync(new DeleteMezzaninesRequest { VideoIds = [video.VideoId], Force = true });
        forced.UnRemoveableVideoIds.Should().BeEmpty();
        forced.NonExistVideoIds.Should().BeEmpty();
        (await client.GetMezzanineInfoAsync(video.VideoId)).Mezzanine.Status.Should().Be("Deleted");
        (await client.GetPlayInfoAsync(video.VideoId)).PlayInfoList.Should().NotContain(s => s.Definition == "OD");
        (await app.ListBlobsAsync(video.MezzanineBlob)).Should().BeEmpty();
    }

    [Fact]
    public async Task DeleteImageByIdByUrlAndByVideo()
    {
        await using var app = await TestApp.StartAsync();
        using var client = ClientOf(app);
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 2);
        async Task<IReadOnlyList<ImageInfo>> SnapshotsAsync(string? type = null) => (await client.ListSnapshotsAsync(video.VideoId, type)).Images;

        await client.DeleteImageAsync(DeleteImageRequest.ByIds(video.ImageIds["CoverSnapshot"]));
        (await SnapshotsAsync("CoverSnapshot")).Should().BeEmpty();

        var normalUrls = (await SnapshotsAsync("NormalSnapshot")).Select(i => i.URL + "?sv=2024-01-01&sig=ignored").ToList();
        var dryRun = await client.DeleteImageAsync(DeleteImageRequest.ByUrls(normalUrls, dryRun: true));
        dryRun.Plan!.Files.Should().Be(2);
        (await SnapshotsAsync("NormalSnapshot")).Should().HaveCount(2);
        await client.DeleteImageAsync(DeleteImageRequest.ByUrls(normalUrls));
        (await SnapshotsAsync("NormalSnapshot")).Should().BeEmpty();

        await client.DeleteImageAsync(DeleteImageRequest.ByVideo(video.VideoId, ["All"]));
        (await SnapshotsAsync()).Should().BeEmpty();
        (await app.ListBlobsAsync($"{video.Folder}snapshots/")).Should().BeEmpty();

        (await client.Invoking(c => c.DeleteImageAsync(DeleteImageRequest.ByIds([Guid.NewGuid().ToString("N")]))).Should().ThrowAsync<VodException>())
            .Which.Should().BeEquivalentTo(new { Status = 404, Code = "NoSuchResource" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task DeleteAttachedMediaAndMultipartUpload()
    {
        await using var app = await TestApp.StartAsync();
        using var client = ClientOf(app);
        var (mediaId, _) = await app.SeedFileAsync("attached");
        var missing = Guid.NewGuid().ToString("N");

        (await client.DeleteAttachedMediaAsync(new DeleteAttachedMediaRequest { MediaIds = [mediaId, missing] })).NonExistMediaIds.Should().Equal(missing);
        (await client.GetAttachedMediaInfoAsync([mediaId])).NonExistMediaIds.Should().Equal(mediaId);

        var created = await client.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "Half uploaded", FileName = "big.mp4" });
        await app.Container.GetBlockBlobClient($"videos/{created.VideoId}/mezzanine/big.mp4")
            .StageBlockAsync(Convert.ToBase64String(new byte[16]), new MemoryStream(new byte[4096]));
        (await client.DeleteMultipartUploadAsync(new DeleteMultipartUploadRequest { MediaId = created.VideoId, DryRun = true })).Plan!.Bytes.Should().Be(4096);
        (await app.ListBlobsAsync($"videos/{created.VideoId}/")).Should().NotBeEmpty("a dry run deletes nothing");
        (await client.DeleteMultipartUploadAsync(new DeleteMultipartUploadRequest { MediaId = created.VideoId })).Plan.Should().BeNull();
        (await client.Invoking(c => c.DeleteMultipartUploadAsync(new DeleteMultipartUploadRequest { MediaId = created.VideoId }))
            .Should().ThrowAsync<VodException>()).Which.Should().BeEquivalentTo(new { Status = 400, Code = "InvalidMultipartUpload.NotFound" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task DeleteFailedOnAStorageFaultIsRetriedUntilItSucceeds()
    {
        // Every blob delete fails as in a storage outage, until the test ends the fault.
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0);
        await using var app = await TestApp.StartAsync(configure: builder => builder.Services.Configure<StorageClientsOptions>(o =>
        {
            o.BlobPolicies.Add(fault);
            o.MaxRetries = 0;
        }));
        var first = await app.SeedVideoAsync(streams: 1, snapshots: 0);
        var second = await app.SeedVideoAsync(streams: 1, snapshots: 0);
        var wire = new Wire(app.Client.BaseAddress!, HttpStatusCode.ServiceUnavailable, () => fault.Armed = false);
        using var http = new HttpClient(wire);
        using var noRetries = new VodClient(http, app.Client.BaseAddress!, TestApp.AdminKey, new VodClientOptions { MaxRetries = 0 });
        using var client = new VodClient(http, app.Client.BaseAddress!, TestApp.AdminKey, new VodClientOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

        wire.Reset(react: false);
        (await noRetries.Invoking(c => c.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [first.VideoId] })).Should().ThrowAsync<VodException>())
            .Which.Should().BeEquivalentTo(new { Status = 503, Code = "DeleteVideoFailed", IsRetriable = true }, o => o.ExcludingMissingMembers());
        wire.Statuses.Should().Equal(HttpStatusCode.ServiceUnavailable);

        wire.Reset();
        (await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [second.VideoId] })).NonExistVideoIds.Should().BeEmpty();
        wire.Statuses.Should().Equal(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        fault.Failed.Should().BePositive();

        await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [first.VideoId] });
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }
}
