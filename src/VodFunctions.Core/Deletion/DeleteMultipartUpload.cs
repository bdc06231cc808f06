using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace VodFunctions.Core.Deletion;

/// <summary>
/// DeleteMultipartUpload: discards the uploaded, never committed blocks of a video's mezzanine. A
/// committed mezzanine is never touched: the blocks are dropped by committing an empty, marked block
/// list only if no blob exists (If-None-Match: *), then deleting exactly that empty blob (If-Match).
/// A discard stopped between the two steps leaves the marked empty blob, which a retry deletes.
/// </summary>
public sealed class DeleteMultipartUpload(CatalogStore catalog, MediaStorage storage, ILogger<DeleteMultipartUpload> logger)
{
    public async Task<Result<DeleteResult>> RunAsync(string mediaId, AppScope scope, bool dryRun, CancellationToken cancellationToken = default)
    {
        var video = await catalog.GetVideoAsync(mediaId, cancellationToken);
        if (video is null || video.Deleting) return new VodError("InvalidVideo.NotFound", "The video does not exist.", 400);
        if (!scope.CanAccess(video.AppId)) return VodError.Forbidden();
        var nothing = new VodError("InvalidMultipartUpload.NotFound", "The video has no uncommitted upload.");
        var blob = storage.Container(video.StorageLocation).GetBlockBlobClient(MediaStorage.MezzanineFolder(mediaId) + video.MezzanineFileName);
        if (await MediaStorage.PropertiesAsync(blob, cancellationToken) is { } committed)
        {
            if (!MediaStorage.IsDiscardResidue(committed)) return nothing;
            if (dryRun) return DeleteResult.Of(new DeletePlan(1, 0, 0, [blob.Name]));
            await DeleteEmptyAsync(blob, committed.ETag, cancellationToken);
            logger.LogInformation("Finished an interrupted discard of the upload of {VideoId}", mediaId);
            return DeleteResult.Of(new DeletedFiles(1, 0));
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
        if (dryRun) return DeleteResult.Of(plan);
        // Null: the upload was committed meanwhile; it is the mezzanine now, and stays.
        if (await MediaStorage.CommitEmptyAsync(blob, cancellationToken) is not { } empty) return nothing;
        await DeleteEmptyAsync(blob, empty, cancellationToken);
        logger.LogInformation("Discarded {Blocks} uncommitted blocks ({Bytes} bytes) of {VideoId}", uncommitted.Count, plan.Bytes, mediaId);
        return DeleteResult.Of(new DeletedFiles(1, plan.Bytes));
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
