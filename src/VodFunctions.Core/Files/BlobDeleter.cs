using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace VodFunctions.Core.Files;

/// <summary>Files and bytes a delete removed (or, in a dry run, would remove), with sample paths.</summary>
public sealed class DeleteTally
{
    public const int MaxSamplePaths = 100;
    private int _files;
    private long _bytes;
    private readonly List<string> _paths = [];

    public int Files => _files;
    public long Bytes => _bytes;
    public IReadOnlyList<string> Paths => _paths;

    public void Add(string path, long bytes)
    {
        Interlocked.Increment(ref _files);
        Interlocked.Add(ref _bytes, bytes);
        lock (_paths)
            if (_paths.Count < MaxSamplePaths) _paths.Add(path);
    }
}

/// <summary>
/// Deletes every blob under folders, listing them page by page (memory does not grow with the
/// number of blobs) and deleting with bounded parallelism shared by the whole request through
/// <paramref name="gate"/>. A blob already gone counts as deleted; the SDK retries transient faults.
/// </summary>
public sealed class BlobDeleter(ILogger<BlobDeleter> logger)
{
    private const int PageSize = 5000;

    /// <summary>Blobs under <paramref name="prefixes"/> plus the exact <paramref name="blobs"/>, uncommitted uploads included.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<BlobItem>> ListAsync(
        BlobContainerClient container, IEnumerable<string> prefixes, IEnumerable<string> blobs,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var prefix in prefixes)
        {
            var pages = container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, States = BlobStates.Uncommitted }, cancellationToken).AsPages(pageSizeHint: PageSize);
            await foreach (var page in pages) yield return page.Values;
        }
        foreach (var blob in blobs)
        {
            var pages = container.GetBlobsAsync(new GetBlobsOptions { Prefix = blob, States = BlobStates.Uncommitted }, cancellationToken).AsPages(pageSizeHint: PageSize);
            await foreach (var page in pages) yield return page.Values.Where(b => b.Name == blob).ToList();
        }
    }

    public async Task DeleteAsync(
        BlobContainerClient container, IEnumerable<string> prefixes, IEnumerable<string> blobs, SemaphoreSlim gate, DeleteTally tally,
        CancellationToken cancellationToken = default)
    {
        await foreach (var page in ListAsync(container, prefixes, blobs, cancellationToken))
        {
            await Parallel.ForEachAsync(page, new ParallelOptions { MaxDegreeOfParallelism = gate.CurrentCount + 1, CancellationToken = cancellationToken },
                async (blob, ct) =>
                {
                    await gate.WaitAsync(ct);
                    try
                    {
                        await DeleteOneAsync(container.GetBlockBlobClient(blob.Name), mayBeUncommitted: blob.Properties.ContentLength is null or 0, ct);
                        tally.Add(blob.Name, blob.Properties.ContentLength ?? 0);
                    }
                    finally
                    {
                        gate.Release();
                    }
                });
            logger.LogDebug("Deleted {Count} blobs from {Container} ({Total} so far)", page.Count, container.Name, tally.Files);
        }
    }

    /// <summary>
    /// Deletes a blob. A blob that holds only uncommitted blocks (an upload never finished) is first
    /// committed empty, only if no committed blob exists meanwhile, which discards its blocks; then deleted.
    /// (Such blobs are listed with no length.)
    /// </summary>
    private static async Task DeleteOneAsync(BlockBlobClient blob, bool mayBeUncommitted, CancellationToken cancellationToken)
    {
        var deleted = await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        if (deleted.Value || !mayBeUncommitted) return;
        try
        {
            await blob.CommitBlockListAsync([], new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // A committed blob appeared meanwhile (it is deleted below) or the blocks are gone already.
        }
        await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
    }
}
