using Azure.Storage.Blobs.Models;

namespace VodFunctions.Core.Reconcile;

/// <summary>Settings of the reconcile sweep (<c>Vod__Reconcile__...</c>).</summary>
public sealed class ReconcileOptions
{
    public const string Section = "Vod:Reconcile";

    /// <summary>An orphan blob is deleted only once seen orphaned by two runs this far apart, and only if it is at least this old.</summary>
    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one run may walk; the next run continues where it stopped.</summary>
    public TimeSpan RunBudget { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>Records or blobs read per page of the walk (the continuation point moves page by page).</summary>
    public int PageSize { get; set; } = 1000;
}

/// <summary>A run of <c>ReconcileStorage</c>.</summary>
public sealed class ReconcileRunEntity : RunEntity
{
    public int FinishedDeletes { get; set; }
    public int FailedDeletes { get; set; }
    public int CleanedJournalEntries { get; set; }
    public int ScannedRecords { get; set; }
    public int ScannedBlobs { get; set; }
    /// <summary>Orphan blobs seen for the first time in this run.</summary>
    public int OrphanBlobs { get; set; }
    public int DeletedOrphans { get; set; }
    /// <summary>Missing files seen in this run.</summary>
    public int MissingFiles { get; set; }
    public bool PassCompleted { get; set; }
}

/// <summary>
/// ReconcileStorage: finishes journalled deletes that were interrupted; then walks the catalog (records
/// whose files are gone) and the media containers (blobs under <c>videos/</c>, <c>images/</c>,
/// <c>attached/</c> that no record owns) page by page, saving where it is so that a walk spans runs and
/// restarts. An orphan blob is reported first and deleted only when a later run, at least
/// <see cref="ReconcileOptions.OrphanGrace"/> after the first sighting, still finds it unchanged, unowned
/// and older than the grace.
/// </summary>
public sealed class StorageReconciler(
    CatalogStore catalog, JournalStore journals, MediaStorage storage, DeletionEngine engine, ReconcileStore store, RunStore runs,
    TimeProvider time, IOptions<ReconcileOptions> options, ILogger<StorageReconciler> logger)
{
    public const string FunctionName = "ReconcileStorage";
    /// <summary>A journal this old belongs to a delete that was interrupted, not to one in flight.</summary>
    public static readonly TimeSpan InterruptedAfter = TimeSpan.FromMinutes(5);
    private const int RecordsInFlight = 16;
    private static readonly string[] Prefixes = ["videos/", "images/", "attached/"];

    /// <summary>The walk's position: a step (<c>records|{kind}</c> or <c>blobs|{location}|{prefix}</c>) and its page token.</summary>
    public sealed record WalkCursor(string Step, string? Token, DateTimeOffset PassStart);

    public async Task<ReconcileRunEntity> RunAsync(string runId, string trigger, bool isPastDue, CancellationToken cancellationToken = default)
    {
        var start = time.GetUtcNow();
        var run = new ReconcileRunEntity();
        run.Begin(FunctionName, runId, trigger, isPastDue, start);
        await runs.SaveAsync(run, cancellationToken);
        try
        {
            await FinishInterruptedDeletesAsync(run, start, cancellationToken);
            await WalkAsync(run, start, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Status = RunStatus.Cancelled;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Reconcile run {RunId} failed", runId);
            run.Status = RunStatus.Failed;
            run.Error = e.Message;
        }
        finally
        {
            run.EndTime = time.GetUtcNow();
            await runs.SaveAsync(run, CancellationToken.None);
            logger.LogInformation(
                "Reconcile run {RunId} {Status}: {FinishedDeletes} deletes finished ({FailedDeletes} failed), {ScannedRecords} records and {ScannedBlobs} blobs scanned, " +
                "{OrphanBlobs} new orphan blobs, {DeletedOrphans} orphans deleted, {MissingFiles} missing files",
                runId, run.Status, run.FinishedDeletes, run.FailedDeletes, run.ScannedRecords, run.ScannedBlobs, run.OrphanBlobs, run.DeletedOrphans, run.MissingFiles);
        }
        return run;
    }

    /// <summary>
    /// Finishes every journalled delete older than <see cref="InterruptedAfter"/>, and sends the events of finished deletes
    /// that were never sent; drops journal index entries whose journal row and event are gone.
    /// </summary>
    private async Task FinishInterruptedDeletesAsync(ReconcileRunEntity run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var gate = engine.NewGate();
        var attempted = 0;
        await foreach (var entry in journals.EntriesAsync(cancellationToken))
        {
            if (attempted > 0 && time.GetUtcNow() - now >= options.Value.RunBudget)
            {
                logger.LogInformation("Reconcile run {RunId} reached its budget while finishing deletes; the next run finishes the rest", run.RunId);
                return;
            }
            if (now - entry.CreationTime < InterruptedAfter) continue;
            var journal = await journals.JournalOfAsync(entry, cancellationToken);
            if (journal is null && await journals.PendingEventOfAsync(entry, cancellationToken) is { } pending)
            {
                // A finished delete whose event was never sent: that is its last step.
                if (await engine.PublishAsync(pending, cancellationToken)) run.FinishedDeletes++;
                else run.FailedDeletes++;
                continue;
            }
            if (journal is null)
            {
                await journals.DropAsync(entry, cancellationToken);
                run.CleanedJournalEntries++;
                continue;
            }
            var target = journal.ToTarget();
            attempted++;
            logger.LogInformation("Finishing interrupted {DeleteType} delete {OperationId} of {MediaId}, begun {Started}",
                target.Event.DeleteType, journal.OperationId, target.Event.MediaId, journal.Started);
            try
            {
                if ((await engine.FinishAsync(journal, gate, cancellationToken)).Ok) run.FinishedDeletes++;
                else run.FailedDeletes++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One journal that cannot be finished (its storage location is no longer configured, say) stops only itself.
                logger.LogError(e, "Interrupted delete {OperationId} of {MediaId} could not be finished", journal.OperationId, target.Event.MediaId);
                run.FailedDeletes++;
            }
        }
    }

    /// <summary>The steps of one pass: the catalog's records by kind, then each location's media folders.</summary>
    private List<string> Steps() =>
    [
        .. MediaKinds.All.Select(kind => $"records|{kind}"),
        .. storage.DistinctLocations.SelectMany(location => Prefixes.Select(prefix => $"blobs|{location}|{prefix}")),
    ];

    private async Task WalkAsync(ReconcileRunEntity run, DateTimeOffset start, CancellationToken cancellationToken)
    {
        var steps = Steps();
        var cursor = await runs.GetCursorAsync<WalkCursor>(FunctionName, cancellationToken) is { } saved && steps.Contains(saved.Step)
            ? saved
            : new WalkCursor(steps[0], null, start);
        for (var pages = 0; ; pages++)
        {
            if (pages > 0 && time.GetUtcNow() - start >= options.Value.RunBudget)
            {
                run.Status = RunStatus.Interrupted;
                logger.LogInformation("Reconcile run {RunId} reached its budget of {Budget}; the next run continues at {Step}",
                    run.RunId, options.Value.RunBudget, cursor.Step);
                return;
            }
            var parts = cursor.Step.Split('|');
            var next = parts[0] == "records"
                ? await RecordsPageAsync(parts[1], cursor.Token, run, cancellationToken)
                : await BlobsPageAsync(parts[1], parts[2], cursor.Token, run, cancellationToken);
            var index = steps.IndexOf(cursor.Step);
            if (next is null && index == steps.Count - 1)
            {
                var forgotten = await store.ForgetStaleAsync(cursor.PassStart, cancellationToken);
                await runs.SetCursorAsync<WalkCursor>(FunctionName, null, cancellationToken);
                run.PassCompleted = true;
                run.Status = RunStatus.Completed;
                logger.LogInformation("Reconcile pass begun {PassStart} completed; {Forgotten} findings no longer seen were dropped", cursor.PassStart, forgotten);
                return;
            }
            cursor = next is null ? cursor with { Step = steps[index + 1], Token = null } : cursor with { Token = next };
            await runs.SetCursorAsync(FunctionName, cursor, cancellationToken);
            await runs.SaveAsync(run, cancellationToken);
            logger.LogInformation("Reconcile run {RunId}: {ScannedRecords} records and {ScannedBlobs} blobs scanned, {OrphanBlobs} new orphans, {MissingFiles} missing files; next {Step}",
                run.RunId, run.ScannedRecords, run.ScannedBlobs, run.OrphanBlobs, run.MissingFiles, cursor.Step);
        }
    }

    // ---- records whose files are gone ----

    /// <summary>One page of the creation-time index of a kind (every application); answers the next page's token.</summary>
    private async Task<string?> RecordsPageAsync(string kind, string? token, ReconcileRunEntity run, CancellationToken cancellationToken)
    {
        var (entries, next) = await catalog.TimeIndexPageAsync(kind, token, options.Value.PageSize, cancellationToken);
        var now = time.GetUtcNow();
        var missing = new List<MissingEntity>();
        foreach (var chunk in entries.Chunk(RecordsInFlight))
            foreach (var found in await Task.WhenAll(chunk.Select(entry => MissingFilesOfAsync(entry, cancellationToken))))
                missing.AddRange(found);
        foreach (var file in missing)
        {
            file.FirstSeen = file.LastSeen = now;
            await store.ReportMissingAsync(file, cancellationToken);
        }
        run.ScannedRecords += entries.Count;
        run.MissingFiles += missing.Count;
        return next;
    }

    private async Task<List<MissingEntity>> MissingFilesOfAsync(IndexEntity entry, CancellationToken cancellationToken)
    {
        var expected = new List<MissingEntity>();
        string location;
        string folder;
        if (entry.Kind == MediaKinds.Video)
        {
            var video = await catalog.GetVideoAsync(entry.MediaId, cancellationToken);
            if (video is null || video.Deleting) return [];
            (location, folder) = (video.StorageLocation, MediaStorage.VideoFolder(video.VideoId));
            MissingEntity File(string mediaId, string type, string path) =>
                new() { MediaId = mediaId, MediaType = type, Path = path, AppId = video.AppId, VideoId = type == MediaKinds.Video ? "" : video.VideoId };
            if (video.MezzanineStatus == MezzanineStatus.Normal && !video.MezzanineDeleting)
                expected.Add(File(video.VideoId, MediaKinds.Video, MediaStorage.MezzanineFolder(video.VideoId) + video.MezzanineFileName));
            await foreach (var stream in catalog.StreamsAsync(video.VideoId, cancellationToken))
                if (!stream.Deleting) expected.Add(File(stream.JobId, "stream", stream.BlobName));
            await foreach (var image in catalog.ImagesAsync(video.VideoId, cancellationToken))
                if (!image.Deleting) expected.Add(File(image.ImageId, MediaKinds.Image, image.BlobName));
        }
        else
        {
            CatalogEntity? record = entry.Kind == MediaKinds.Image
                ? await catalog.GetAsync<ImageEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken)
                : await catalog.GetAsync<AttachedEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken);
            var (blob, recordLocation) = record switch
            {
                ImageEntity i => (i.BlobName, i.StorageLocation),
                AttachedEntity a => (a.BlobName, a.StorageLocation),
                _ => ("", ""),
            };
            // Only a completed upload names a file that must exist.
            if (record is null || record.Deleting || record.Status != VideoStatus.Normal) return [];
            (location, folder) = (recordLocation, blob[..(blob.LastIndexOf('/') + 1)]);
            expected.Add(new MissingEntity { MediaId = entry.MediaId, MediaType = entry.Kind, Path = blob, AppId = record.AppId });
        }
        if (expected.Count == 0 || !storage.IsKnownLocation(location)) return [];
        var present = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var blob in storage.Container(location).GetBlobsAsync(new GetBlobsOptions { Prefix = folder }, cancellationToken))
            present.Add(blob.Name);
        return expected.Where(file => !present.Contains(file.Path)).ToList();
    }

    // ---- blobs no record owns ----

    /// <summary>One page of blobs under a media folder of a location; answers the next page's token.</summary>
    private async Task<string?> BlobsPageAsync(string location, string prefix, string? token, ReconcileRunEntity run, CancellationToken cancellationToken)
    {
        if (!storage.IsKnownLocation(location)) return null;
        var container = storage.Container(location);
        var page = await container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken)
            .AsPages(token, options.Value.PageSize).FirstOrDefaultAsync(cancellationToken);
        if (page is null) return null;
        var ids = page.Values.Select(b => OwnerIdOf(b.Name, prefix)).OfType<string>().Distinct().ToList();
        var owned = new Dictionary<string, bool>();
        foreach (var chunk in ids.Chunk(RecordsInFlight))
        {
            var answers = await Task.WhenAll(chunk.Select(id => IsOwnedAsync(location, prefix, id, cancellationToken)));
            for (var i = 0; i < chunk.Length; i++) owned[chunk[i]] = answers[i];
        }
        foreach (var blob in page.Values)
        {
            if (OwnerIdOf(blob.Name, prefix) is { } id && owned[id]) continue;
            await OrphanSeenAsync(location, blob, run, cancellationToken);
        }
        run.ScannedBlobs += page.Values.Count;
        return page.ContinuationToken is { Length: > 0 } next ? next : null;
    }

    /// <summary>The media ID a blob's folder names (<c>videos/{id}/...</c>); null when the path has no such folder.</summary>
    private static string? OwnerIdOf(string name, string prefix)
    {
        var rest = name[prefix.Length..];
        var slash = rest.IndexOf('/');
        return slash > 0 ? rest[..slash] : null;
    }

    private async Task<bool> IsOwnedAsync(string location, string prefix, string id, CancellationToken cancellationToken)
    {
        if (!MediaIds.IsValid(id)) return false;
        return prefix switch
        {
            "videos/" => await catalog.GetVideoAsync(id, cancellationToken) is { } video && storage.SameContainer(video.StorageLocation, location),
            "images/" => await catalog.GetAsync<ImageEntity>(id, ImageEntity.RowOf(id), cancellationToken) is { } image && storage.SameContainer(image.StorageLocation, location),
            _ => await catalog.GetAsync<AttachedEntity>(id, AttachedEntity.RowOf(id), cancellationToken) is { } media && storage.SameContainer(media.StorageLocation, location),
        };
    }

    /// <summary>Reports an unowned blob; deletes it only on a later run, a grace apart, unchanged and older than the grace.</summary>
    private async Task OrphanSeenAsync(string location, BlobItem blob, ReconcileRunEntity run, CancellationToken cancellationToken)
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
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Gone already, or written again meanwhile (then the next pass sees it afresh).
        }
        await store.DeleteAsync(orphan, cancellationToken);
    }

    // ---- the report ----

    /// <summary>What the walk found, within the caller's applications (orphan blobs belong to none: only for callers of every application).</summary>
    public async Task<ReconcileReport> ReportAsync(AppScope scope, int maxItems, CancellationToken cancellationToken = default)
    {
        var orphans = new List<OrphanBlob>();
        var orphanCount = 0;
        if (scope.IsAll)
        {
            await foreach (var orphan in store.OrphansAsync(cancellationToken))
            {
                if (orphanCount++ < maxItems)
                    orphans.Add(new OrphanBlob(orphan.Path, orphan.Size, Times.Format(orphan.FirstSeen), orphan.Location, Times.Format(orphan.LastSeen)));
            }
        }
        var missing = new List<MissingFile>();
        var missingCount = 0;
        await foreach (var file in store.MissingAsync(cancellationToken))
        {
            if (!scope.CanAccess(file.AppId)) continue;
            if (missingCount++ < maxItems)
                missing.Add(new MissingFile(file.MediaId, file.MediaType, file.Path, file.VideoId is { Length: > 0 } v ? v : null, file.AppId, Times.Format(file.FirstSeen)));
        }
        var last = (await runs.LatestAsync<ReconcileRunEntity>(FunctionName, 1, cancellationToken)).FirstOrDefault();
        return new ReconcileReport(orphans, orphanCount, missing, missingCount, last?.FinishedDeletes ?? 0, last);
    }
}

public sealed record OrphanBlob(string Path, long Size, string FirstSeen, string Location, string LastSeen);

public sealed record MissingFile(string MediaId, string MediaType, string Path, string? VideoId, string AppId, string FirstSeen);

public sealed record ReconcileReport(
    IReadOnlyList<OrphanBlob> OrphanBlobs, int TotalOrphanBlobs, IReadOnlyList<MissingFile> MissingFiles, int TotalMissingFiles,
    int FinishedDeletes, ReconcileRunEntity? LastRun);
