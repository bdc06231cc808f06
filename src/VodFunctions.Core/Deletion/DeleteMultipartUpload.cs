using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Files;

namespace VodFunctions.Core.Deletion;

/// <summary>
/// DeleteMultipartUpload: discards the uploaded, never committed blocks of a video's mezzanine. A
/// committed mezzanine is never touched: the blocks are dropped by committing an empty block list
/// only if no blob exists (If-None-Match: *), then deleting exactly that empty blob (If-Match).
/// </summary>
public sealed class DeleteMultipartUpload(CatalogStore catalog, MediaStorage storage, ILogger<DeleteMultipartUpload> logger)
{
    public async Task<Result<DeletePlan?>> RunAsync(string mediaId, AppScope scope, bool dryRun, CancellationToken cancellationToken = default)
    {
        var video = await catalog.GetVideoAsync(mediaId, cancellationToken);
        if (video is null || video.Deleting) return new VodError("InvalidVideo.NotFound", "The video does not exist.", 400);
        if (!scope.CanAccess(video.AppId)) return VodError.Forbidden();
        var nothing = new VodError("InvalidMultipartUpload.NotFound", "The video has no uncommitted upload.");
        var blob = storage.Container(video.StorageLocation).GetBlockBlobClient(MediaStorage.MezzanineFolder(mediaId) + video.MezzanineFileName);
        if ((await blob.ExistsAsync(cancellationToken)).Value) return nothing;
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
        if (dryRun) return plan;
        try
        {
            var empty = await blob.CommitBlockListAsync([], new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = empty.Value.ETag }, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return nothing; // The upload was committed meanwhile: it is the mezzanine now, and stays.
        }
        logger.LogInformation("Discarded {Blocks} uncommitted blocks ({Bytes} bytes) of {VideoId}", uncommitted.Count, plan.Bytes, mediaId);
        return (DeletePlan?)null;
    }
}
