using System.Net.Http.Json;
using Azure.Data.Tables;

namespace VodFunctions.Functions.Tests.Deletion;

/// <summary>A storage fault at any point leaves a journalled delete that a second call finishes, nothing orphaned.</summary>
public sealed class DeleteFaultTests
{
    /// <summary>Batches of 2 blobs, so a fault after some delete requests strikes midway (the video below is 51 batches).</summary>
    private static Task<TestApp> StartWithFaultAsync(FaultPolicy fault, bool onTables = false) => TestApp.StartAsync(
        new Dictionary<string, string?> { ["Vod:DeleteBatchSize"] = "2" }, fault.On(o => onTables ? o.TablePolicies : o.BlobPolicies));

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(40)]
    public async Task DeleteVideoFailingAfterSomeBlobsIsFinishedByASecondCall(int passing)
    {
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing);
        await using var app = await StartWithFaultAsync(fault);
        var video = await app.SeedVideoAsync(streams: 3, segments: 30, snapshots: 2);
        var kept = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var keptBlobs = await app.ListBlobsAsync(kept.Folder);

        var failed = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        failed.Status.Should().Be(503, failed.ToString());
        failed.Code.Should().Be("DeleteVideoFailed");
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Status.Should().Be(404, "a video being deleted is never shown as Normal");
        (await app.EventsAsync()).Should().ContainSingle().Which.GetProperty("Status").GetString().Should().Be("fail");

        fault.Armed = false;
        var retried = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        retried.Status.Should().Be(200, retried.ToString());
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(keptBlobs);
        (await RowsAsync(app, video.VideoId)).Should().BeEmpty();
        (await IndexRowsAsync(app, video.VideoId)).Should().BeEmpty();
        (await app.EventsAsync()).Select(e => e.GetProperty("Status").GetString()).Should().Equal("fail", "success");
    }

    [Fact]
    public async Task ANetworkFailureOutlastingTheRetriesAnswersDeleteVideoFailedAndASecondCallFinishes()
    {
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0) { Armed = false, Status = 0 };
        await using var app = await StartWithFaultAsync(fault);
        var video = await app.SeedVideoAsync(streams: 1, segments: 3, snapshots: 1);
        fault.Arm(passing: 0);

        var failed = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        failed.Status.Should().Be(503, failed.ToString());
        failed.Code.Should().Be("DeleteVideoFailed");
        fault.Armed = false;
        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Status.Should().Be(200);
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
        (await RowsAsync(app, video.VideoId)).Should().BeEmpty();
    }

    [Fact]
    public async Task ARetryRefusedBecausePartOfItIsGoneFinishesWhatItsFirstAttemptBegan()
    {
        string? failing = null; // storage fails the listing of this video's blobs only
        var fault = new FaultPolicy(m => failing is not null && m.Request.Method == Azure.Core.RequestMethod.Get && m.Request.Uri.Query.Contains(failing), passing: 0);
        await using var app = await StartWithFaultAsync(fault);
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 1);
        var uploaded = await app.SeedFileAsync("image");
        var snapshot = $"{video.Folder}snapshots/CoverSnapshot/000.jpg";
        var urls = new[] { app.UrlOf(snapshot), uploaded.Url };
        failing = video.VideoId;

        var failed = await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = urls });

        failed.Status.Should().Be(503, failed.ToString());
        (await app.ListBlobsAsync($"images/{uploaded.Id}/")).Should().BeEmpty("the uploaded image's delete went through");
        (await app.ListBlobsAsync(video.Folder)).Should().Contain(snapshot, "the snapshot's delete stopped");
        fault.Armed = false;

        var retried = await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = urls });

        retried.Status.Should().Be(404, retried.ToString());
        retried.Code.Should().Be("NoSuchResource", "the uploaded image is gone; the contract refuses a request naming a missing image");
        (await app.ListBlobsAsync(video.Folder)).Should().NotContain(snapshot, "the delete the first attempt began is finished all the same");
        (await app.CallAsync("GetImageInfo", new { ImageId = video.ImageIds["CoverSnapshot"][0] })).Code.Should().Be("NoSuchResource");
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Status.Should().Be(200, "only the snapshot was named");
    }

    [Fact]
    public async Task DeleteVideoFailingAtTheRecordTransactionIsFinishedByASecondCall()
    {
        var fault = new FaultPolicy(FaultPolicy.IsTableTransaction, passing: 0) { Armed = false };
        await using var app = await StartWithFaultAsync(fault, onTables: true);
        var video = await app.SeedVideoAsync(streams: 1, segments: 3, snapshots: 1);
        fault.Arm(passing: 1); // the journal transaction goes through; the record transaction fails

        var failed = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        failed.Status.Should().Be(503, failed.ToString());
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty("the blobs go before the records");
        (await RowsAsync(app, video.VideoId)).Should().NotBeEmpty("the journal stays to be finished");
        fault.Armed = false;
        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Status.Should().Be(200);
        (await RowsAsync(app, video.VideoId)).Should().BeEmpty();
        (await IndexRowsAsync(app, video.VideoId)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("DeleteVideo", "DeleteVideoFailed")]
    [InlineData("DeleteMezzanines", "DeleteMezzaninesFailed")]
    public async Task AStorageFaultBeforeTheJournalAnswersTheOperationsFailedCodeAndDeletesNothing(string operation, string code)
    {
        var fault = new FaultPolicy(_ => true, passing: 0) { Armed = false };
        await using var app = await StartWithFaultAsync(fault, onTables: true);
        var video = await app.SeedVideoAsync(streams: 1, segments: 3, snapshots: 1);
        var blobs = await app.ListBlobsAsync();
        fault.Arm(passing: 0); // the first catalog read fails

        var failed = await app.CallAsync(operation, operation == "DeleteMezzanines" ? new { VideoIds = video.VideoId, Force = true } : new { VideoIds = video.VideoId });

        failed.Status.Should().Be(503, failed.ToString());
        failed.Code.Should().Be(code);
        fault.Armed = false;
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(blobs);
        (await app.CallAsync("GetVideoInfo", new { VideoId = video.VideoId })).Status.Should().Be(200);
    }

    [Theory]
    [InlineData("image", "ImageId", "DeleteImageFailed")]
    [InlineData("image", "ImageURL", "DeleteImageFailed")]
    [InlineData("attached", "MediaIds", "DeleteAttachedMediaFailed")]
    public async Task AFailedDeleteOfAnUploadedFileIsFoundAndFinishedByTheSameCallAgain(string kind, string by, string code)
    {
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0) { Armed = false };
        await using var app = await StartWithFaultAsync(fault);
        var (id, url) = await app.SeedFileAsync(kind);
        var (operation, body) = by switch
        {
            "ImageId" => ("DeleteImage", (object)new { DeleteImageType = "ImageId", ImageIds = id }),
            "ImageURL" => ("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = url }),
            _ => ("DeleteAttachedMedia", new { MediaIds = id }),
        };
        fault.Arm(passing: 0);

        var failed = await app.CallAsync(operation, body);
        failed.Status.Should().Be(503, failed.ToString());
        failed.Code.Should().Be(code);
        (await app.ListBlobsAsync()).Should().ContainSingle("the file is still there");

        fault.Armed = false;
        var retried = await app.CallAsync(operation, body);
        retried.Status.Should().Be(200, retried.ToString());
        if (kind == "attached") retried["NonExistMediaIds"].EnumerateArray().Should().BeEmpty("the retry found the media and finished its delete");
        (await app.ListBlobsAsync()).Should().BeEmpty();
        (await IndexRowsAsync(app, id)).Should().BeEmpty();
    }

    [Fact]
    public async Task DeleteStreamFailingMidwayIsFinishedByTheSameCall()
    {
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 3);
        await using var app = await StartWithFaultAsync(fault);
        var video = await app.SeedVideoAsync(streams: 2, segments: 10, snapshots: 0);
        var streamFolder = $"{video.Folder}streams/{video.JobIds[0]}/";

        var failed = await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0] });
        failed.Status.Should().Be(503, failed.ToString());
        failed.Code.Should().Be("DeleteStreamFailed");
        var play = await app.CallAsync("GetPlayInfo", new { VideoId = video.VideoId });
        play["PlayInfoList"].EnumerateArray().Select(p => p.GetProperty("JobId").GetString()).Should().Equal(video.JobIds[1]);

        fault.Armed = false;
        (await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[0] })).Status.Should().Be(200);
        (await app.ListBlobsAsync(streamFolder)).Should().BeEmpty();
        (await app.ListBlobsAsync(video.Folder)).Should().HaveCount(1 + 11);
        (await RowsAsync(app, video.VideoId)).Select(r => r.RowKey).Should().BeEquivalentTo($"video|{video.VideoId}", $"stream|{video.JobIds[1]}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task WhileAVideosDeleteIsUnfinishedNoReadShowsItsSnapshots(int passing)
    {
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing) { Armed = false };
        await using var app = await StartWithFaultAsync(fault);
        var video = await app.SeedVideoAsync(streams: 1, segments: 10, snapshots: 2);
        var snapshots = video.ImageIds.Values.SelectMany(ids => ids).ToList();
        fault.Arm(passing);

        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Status.Should().Be(503);

        foreach (var id in snapshots)
        {
            (await app.CallAsync("GetImageInfo", new { ImageId = id })).Code.Should().Be("NoSuchResource", "a snapshot goes with its video");
            (await ThumbnailStatusAsync(app, id)).Should().Be(404);
        }
        (await ThumbnailStatusAsync(app, video.VideoId)).Should().Be(404);
        (await app.CallAsync("ListSnapshots", new { VideoId = video.VideoId })).Code.Should().Be("InvalidVideo.NotFound");
        (await app.CallAsync("SearchMedia", new { SearchType = "video" }))["MediaList"].GetArrayLength().Should().Be(0);

        fault.Armed = false;
        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Status.Should().Be(200);
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }

    /// <summary>GetThumbnail answers image bytes, not JSON: only its status is read.</summary>
    private static async Task<int> ThumbnailStatusAsync(TestApp app, string mediaId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/GetThumbnail") { Content = JsonContent.Create(new { MediaId = mediaId }) };
        request.Headers.Add("x-functions-key", TestApp.AdminKey);
        using var response = await app.Client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static async Task<List<TableEntity>> RowsAsync(TestApp app, string partition) =>
        await TestStorage.Tables.GetTableClient(app.TablePrefix + "Media").QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync();

    /// <summary>Index rows that still lead to the media: its ID entry and journal entries of its deletes.</summary>
    private static async Task<List<TableEntity>> IndexRowsAsync(TestApp app, string mediaId) =>
        await TestStorage.Tables.GetTableClient(app.TablePrefix + "Index")
            .QueryAsync<TableEntity>(e => e.PartitionKey == "id|" + mediaId || (e.PartitionKey == "journal" && e.RowKey.CompareTo(mediaId) > 0 && e.RowKey.CompareTo(mediaId + "~") < 0))
            .ToListAsync();
}
