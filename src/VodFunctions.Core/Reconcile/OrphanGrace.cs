using Azure.Storage.Blobs.Models;

namespace VodFunctions.Core.Reconcile;

/// <summary>
/// The grace of blobs no record owns: one is reported when first seen, and deleted only when a later run, at least
/// <see cref="ReconcileOptions.OrphanGrace"/> after the first sighting, still finds it unchanged, unowned and older than the grace.
/// </summary>
public sealed class OrphanGrace(
    MediaStorage storage, ReconcileStore store, Audit.AuditStore audit, TimeProvider time, IOptions<ReconcileOptions> options, ILogger<OrphanGrace> logger)
{
    /// <summary>Reports an unowned blob; deletes it only on a later run, a grace apart, unchanged and older than the grace.</summary>
    public async Task SeenAsync(string location, BlobItem blob, ReconcileRunEntity run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var grace = options.Value.OrphanGrace;
        var etag = blob.Properties.ETag?.ToString() ?? "";
        var lastModified = blob.Properties.LastModified ?? now;
        var orphan = await store.GetOrphanAsync(location, blob.Name, cancellationToken);
        if (orphan is null || orphan.BlobETag != etag)
        {
            await store.SaveAsync(new OrphanEntity
            {
                RowKey = ReconcileStore.OrphanRow(location, blob.Name), Location = location, Path = blob.Name,
                Size = blob.Properties.ContentLength ?? 0, BlobETag = etag, BlobLastModified = lastModified,
                FirstSeen = now, FirstRunId = run.RunId, LastSeen = now,
            }, cancellationToken);
            run.OrphanBlobs++;
            logger.LogInformation("Orphan blob {Path} in {Location} ({Size} bytes): no record owns it", blob.Name, location, blob.Properties.ContentLength);
            return;
        }
        orphan.LastSeen = now;
        if (orphan.FirstRunId == run.RunId || now - orphan.FirstSeen < grace || now - lastModified < grace)
        {
            await store.SaveAsync(orphan, cancellationToken);
            return;
        }
        try
        {
            await storage.Container(location).GetBlobClient(blob.Name)
                .DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = new ETag(etag) }, cancellationToken);
            run.DeletedOrphans++;
            logger.LogInformation("Deleted orphan blob {Path} in {Location}, first seen {FirstSeen}", blob.Name, location, orphan.FirstSeen);
            await audit.AppendAsync(OrphanRecord(location, blob.Name, orphan.Size, etag, run.RunId, now), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Gone already, or written again meanwhile (then the next pass sees it afresh).
        }
        await store.DeleteAsync(orphan, cancellationToken);
    }

    /// <summary>The audit record of an orphan blob deleted: its folder's media ID (no record owns it, so no application).</summary>
    private static Audit.AuditRecord OrphanRecord(string location, string path, long size, string etag, string runId, DateTimeOffset now)
    {
        var segments = path.Split('/');
        return new Audit.AuditRecord
        {
            RecordId = Audit.AuditRecord.IdOf("orphan", location, path, etag), Time = Audit.AuditRecord.TimeOf(now), Operation = "DeleteOrphanBlob", Trigger = Audit.AuditTriggers.Reconcile,
            MediaType = segments[0] switch { "videos" => MediaKinds.Video, "images" => MediaKinds.Image, _ => MediaKinds.Attached },
            MediaId = segments.Length > 1 ? segments[1] : "", Outcome = Audit.AuditOutcomes.Deleted, Files = 1, Bytes = size, RequestId = runId,
        };
    }
}
