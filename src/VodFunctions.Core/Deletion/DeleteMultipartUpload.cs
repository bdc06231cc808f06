using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace VodFunctions.Core.Deletion;

/// <summary>
/// DeleteMultipartUpload: discards the uploaded, never committed blocks of a video's mezzanine. A
/// committed mezzanine is never touched: the blocks are dropped by committing an empty, marked block
/// list only if no blob exists (If-None-Match: *), then deleting exactly that empty blob (If-Match).
/// A discard stopped between the two steps leaves the marked empty blob, which a retry deletes. Not journalled: its audit record is
/// written once the blocks are gone.
/// </summary>
public sealed class DeleteMultipartUpload(CatalogStore catalog, MediaStorage storage, Audit.AuditStore audit, TimeProvider time, ILogger<DeleteMultipartUpload> logger)
{
    public async Task<Result<DeleteResult>> RunAsync(string mediaId, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var dryRun = request.DryRun;
        var video = await catalog.GetVideoAsync(mediaId, cancellationToken);
        if (video is null || video.Deleting) return new VodError("InvalidVideo.NotFound", "The video does not exist.", 400);
        if (!scope.CanAccess(video.AppId)) return VodError.Forbidden();
        var nothing = new VodError("InvalidMultipartUpload.NotFound", "The video has no uncommitted upload.");
        var blob = storage.Container(video.StorageLocation).GetBlockBlobClient(MediaStorage.MezzanineFolder(mediaId) + video.MezzanineFileName);
        if (await MediaStorage.PropertiesAsync(blob, cancellationToken) is { } committed)
        {
            if (!MediaStorage.IsDiscardResidue(committed)) return nothing;
            if (dryRun) return await RecordAsync(video, request, DeleteResult.Of(new DeletePlan(1, 0, 0, [blob.Name])), cancellationToken);
            await DeleteEmptyAsync(blob, committed.ETag, cancellationToken);
            logger.LogInformation("Finished an interrupted discard of the upload of {VideoId}", mediaId);
            return await RecordAsync(video, request, DeleteResult.Of(new DeletedFiles(1, 0)), cancellationToken);
        }
        BlockList blocks;
        try
        {
            blocks = (await blob.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return nothing;
        }
        var uncommitted = blocks.UncommittedBlocks.ToList();
        if (uncommitted.Count == 0) return nothing;
        var plan = new DeletePlan(1, uncommitted.Sum(b => b.SizeLong), 0, [blob.Name]);
        if (dryRun) return await RecordAsync(video, request, DeleteResult.Of(plan), cancellationToken);
        // Null: the upload was committed meanwhile; it is the mezzanine now, and stays.
        if (await MediaStorage.CommitEmptyAsync(blob, cancellationToken) is not { } empty) return nothing;
        await DeleteEmptyAsync(blob, empty, cancellationToken);
        logger.LogInformation("Discarded {Blocks} uncommitted blocks ({Bytes} bytes) of {VideoId}", uncommitted.Count, plan.Bytes, mediaId);
        return await RecordAsync(video, request, DeleteResult.Of(new DeletedFiles(1, plan.Bytes)), cancellationToken);
    }

    private async Task<Result<DeleteResult>> RecordAsync(VideoEntity video, DeleteRequest request, DeleteResult result, CancellationToken cancellationToken)
    {
        var record = new Audit.AuditRecord
        {
            RecordId = Audit.AuditRecord.IdOf(request.RequestId, "multipart", video.VideoId), Time = Audit.AuditRecord.TimeOf(time.GetUtcNow()), Operation = "DeleteMultipartUpload",
            Trigger = Audit.AuditTriggers.Api, KeyName = request.By, AppId = video.AppId, MediaType = MediaKinds.Video, MediaId = video.VideoId,
            DeleteType = "multipart", DryRun = request.DryRun, Outcome = Audit.AuditOutcomes.Deleted,
            Files = result.Plan?.Files ?? result.Deleted!.Files, Bytes = result.Plan?.Bytes ?? result.Deleted!.Bytes, RequestId = request.RequestId,
        };
        try
        {
            await audit.AppendAsync(record, cancellationToken);
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            // The blocks are gone: the answer says so, as the logs do.
            logger.LogError(e, "Could not write the audit record of the discard of the upload of {VideoId} ({RequestId})", video.VideoId, request.RequestId);
        }
        return result;
    }

    /// <summary>Deletes the empty blob only if it is still the one committed (an upload committed since replaces it, and stays).</summary>
    private static async Task DeleteEmptyAsync(BlockBlobClient blob, ETag empty, CancellationToken cancellationToken)
    {
        try
        {
            await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = empty }, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
        }
    }
}
