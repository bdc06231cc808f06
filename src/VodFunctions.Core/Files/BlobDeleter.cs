using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

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
/// number of blobs) and deleting them in Blob Batch requests of up to <see cref="VodOptions.DeleteBatchSize"/>
/// blobs, at most <see cref="BatchesInFlight"/> at a time. The gate shared by the whole request bounds its storage
/// requests in flight: a slot per batch, or per single delete. A blob already gone counts as deleted; the SDK
/// retries transient faults.
/// Blobs a batch did not plainly delete (an upload never finished, a failed sub-request) are deleted singly;
/// where batches are refused (not supported, or no credential to sign sub-requests) every blob is.
/// </summary>
public sealed class BlobDeleter(IOptions<VodOptions> options, ILogger<BlobDeleter> logger)
{
    /// <summary>
    /// Batches one delete keeps in flight: up to 1,024 blob deletes, which the service runs side by side. More
    /// adds memory (each batch holds its request and response) and load, not speed: a batch is already the
    /// unit the service parallelizes.
    /// </summary>
    public const int BatchesInFlight = 4;

    /// <summary>
    /// Blobs listed per page: one round of full batches in flight. (A delete begins its listing while it journals, so its
    /// first page comes about when its first batch may go; a smaller first page would cost a listing request more.)
    /// </summary>
    private const int PageSize = BatchesInFlight * BlobBatch.MaxSize;

    private readonly ConcurrentDictionary<Uri, BlobBatch?> _batches = new();

    /// <summary>Blobs under <paramref name="prefixes"/> plus the exact <paramref name="blobs"/>, uncommitted uploads included.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<BlobItem>> ListAsync(
        BlobContainerClient container, IEnumerable<string> prefixes, IEnumerable<string> blobs,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var prefix in prefixes)
            await foreach (var page in PagesAsync(container, prefix, cancellationToken)) yield return page;
        foreach (var blob in blobs)
            await foreach (var page in PagesAsync(container, blob, cancellationToken)) yield return page.Where(b => b.Name == blob).ToList();
    }

    private static async IAsyncEnumerable<IReadOnlyList<BlobItem>> PagesAsync(
        BlobContainerClient container, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, States = BlobStates.Uncommitted }, cancellationToken)
                .AsPages(token, PageSize).FirstAsync(cancellationToken);
            yield return page.Values;
            token = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(token));
    }

    /// <summary>
    /// Begins listing the blobs under <paramref name="prefixes"/> plus the exact <paramref name="blobs"/>: the first page is
    /// asked for at once, so that it can come while the caller does something else (a delete: while its journal is written).
    /// </summary>
    public BlobListing BeginListing(BlobContainerClient container, IEnumerable<string> prefixes, IEnumerable<string> blobs, CancellationToken cancellationToken = default) =>
        new(container, ListAsync(container, prefixes, blobs, cancellationToken).GetAsyncEnumerator(cancellationToken));

    public async Task DeleteAsync(
        BlobContainerClient container, IEnumerable<string> prefixes, IEnumerable<string> blobs, SemaphoreSlim gate, DeleteTally tally,
        CancellationToken cancellationToken = default)
    {
        await using var listing = BeginListing(container, prefixes, blobs, cancellationToken);
        await DeleteAsync(listing, gate, tally, cancellationToken);
    }

    /// <summary>Deletes every blob <paramref name="listing"/> lists, in batches sent as their blobs are listed.</summary>
    public async Task DeleteAsync(BlobListing listing, SemaphoreSlim gate, DeleteTally tally, CancellationToken cancellationToken = default)
    {
        var container = listing.Container;
        var batch = _batches.GetOrAdd(container.Uri, _ => BlobBatch.For(container));
        // Without batches, chunks only pace the listing's single deletes (the gate bounds them).
        var size = batch is { RefusedWith: null } ? Math.Clamp(options.Value.DeleteBatchSize, 1, BlobBatch.MaxSize) : BlobBatch.MaxSize;
        // Batches go as soon as their blobs are listed, not a page at a time: the next page is listed while batches are in flight.
        await Parallel.ForEachAsync(ChunksAsync(listing, size), new ParallelOptions { MaxDegreeOfParallelism = BatchesInFlight, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                // A span per page of deletes (a Blob Batch request, and the single deletes it leaves), when something listens.
                using var span = Telemetry.VodTelemetry.Start("vod.delete.blobs");
                span?.SetTag(Telemetry.VodTelemetry.Files, chunk.Length).SetTag("vod.blob_batch", batch is { RefusedWith: null });
                var single = batch is { RefusedWith: null } ? await DeleteBatchAsync(container, batch, chunk, gate, tally, ct) : chunk;
                await Task.WhenAll(single.Select(async blob =>
                {
                    await gate.WaitAsync(ct);
                    try
                    {
                        await DeleteOneAsync(container.GetBlockBlobClient(blob.Name), MayBeUncommitted(blob), ct);
                    }
                    finally
                    {
                        gate.Release();
                    }
                    tally.Add(blob.Name, blob.Properties.ContentLength ?? 0);
                }));
            });
    }

    private async IAsyncEnumerable<BlobItem[]> ChunksAsync(BlobListing listing, int size)
    {
        await foreach (var page in listing.PagesAsync())
        {
            logger.LogDebug("Listed {Count} blobs to delete from {Container}", page.Count, listing.Container.Name);
            foreach (var chunk in page.Chunk(size)) yield return chunk;
        }
    }

    /// <summary>Deletes <paramref name="chunk"/> in one batch; answers the blobs left to delete singly.</summary>
    private async Task<IReadOnlyList<BlobItem>> DeleteBatchAsync(
        BlobContainerClient container, BlobBatch batch, BlobItem[] chunk, SemaphoreSlim gate, DeleteTally tally, CancellationToken cancellationToken)
    {
        int[]? statuses;
        await gate.WaitAsync(cancellationToken);
        try
        {
            statuses = await batch.DeleteAsync(chunk.Select(b => b.Name).ToList(), cancellationToken);
        }
        finally
        {
            gate.Release();
        }
        if (statuses is null)
        {
            if (batch.RefusedWith is { } refused)
                logger.LogWarning("Blob batches refused by {Container} ({Refusal}); deleting blobs singly from now on", container.Uri, refused);
            return chunk;
        }
        var single = new List<BlobItem>();
        for (var i = 0; i < chunk.Length; i++)
        {
            // 404: already gone, unless the blob may hold only uncommitted blocks, which the single path discards.
            if (statuses[i] == 202 || (statuses[i] == 404 && !MayBeUncommitted(chunk[i]))) tally.Add(chunk[i].Name, chunk[i].Properties.ContentLength ?? 0);
            else single.Add(chunk[i]);
        }
        if (single.Count > 0)
            logger.LogDebug("Batch delete left {Count} of {Total} blobs in {Container} to delete singly", single.Count, chunk.Length, container.Name);
        return single;
    }

    /// <summary>Blobs holding only uncommitted blocks (an upload never finished) are listed with no length.</summary>
    private static bool MayBeUncommitted(BlobItem blob) => blob.Properties.ContentLength is null or 0;

    /// <summary>
    /// Deletes a blob. A blob that holds only uncommitted blocks (an upload never finished) is first
    /// committed empty, only if no committed blob exists meanwhile, which discards its blocks; then deleted.
    /// (Such blobs are listed with no length.)
    /// </summary>
    private static async Task DeleteOneAsync(BlockBlobClient blob, bool mayBeUncommitted, CancellationToken cancellationToken)
    {
        var deleted = await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        if (deleted.Value || !mayBeUncommitted) return;
        // A committed blob may appear meanwhile: it is deleted below all the same.
        await MediaStorage.CommitEmptyAsync(blob, cancellationToken);
        await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
    }
}

/// <summary>
/// A listing of blobs begun ahead of its use (<see cref="BlobDeleter.BeginListing"/>): its first page is already asked for,
/// each next one when the reader asks for it. Read once, in order. Disposing it waits for the request in flight, if any, so a
/// listing dropped unused, or left by a reader that failed, leaves nothing running.
/// </summary>
public sealed class BlobListing : IAsyncDisposable
{
    private readonly IAsyncEnumerator<IReadOnlyList<BlobItem>> _pages;
    private Task<bool> _next;

    internal BlobListing(BlobContainerClient container, IAsyncEnumerator<IReadOnlyList<BlobItem>> pages)
    {
        Container = container;
        _pages = pages;
        _next = pages.MoveNextAsync().AsTask();
    }

    public BlobContainerClient Container { get; }

    public async IAsyncEnumerable<IReadOnlyList<BlobItem>> PagesAsync()
    {
        while (await _next)
        {
            yield return _pages.Current;
            _next = _pages.MoveNextAsync().AsTask();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _next;
        }
        catch (Exception e) when (StorageFaults.Is(e) || e is OperationCanceledException)
        {
            // A listing dropped unused, or a page nobody waits for any more: its fault concerns nobody. A reader that
            // waited for it got the fault already.
        }
        await _pages.DisposeAsync();
    }
}
