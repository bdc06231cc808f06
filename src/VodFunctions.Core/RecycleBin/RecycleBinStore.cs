namespace VodFunctions.Core.RecycleBin;

/// <summary>One entry of <c>ListRecycleBin</c>.</summary>
public sealed record RecycleBinEntry(
    string EntryId, string MediaType, string MediaId, string DeleteType, IReadOnlyList<string>? JobIds, IReadOnlyList<string>? ImageIds,
    string AppId, string DeletedBy, string DeleteTime, string PurgeTime, int Files, long Bytes);

public sealed record RestoreResult(IReadOnlyList<string> RestoredEntryIds);

public sealed record PurgeResult(IReadOnlyList<string> PurgedEntryIds, IReadOnlyList<string> NonExistEntryIds, DeletedFiles Purged);

/// <summary>
/// ListRecycleBin, RestoreMedia and PurgeRecycleBin. A restore and a purge are jobs of the one delete path: journalled in the
/// entry's partition (the entry marked with the journal, so a restore and a purge of one entry never both happen), finished by
/// whoever finds the journal.
/// </summary>
public sealed class RecycleBinStore(CatalogStore catalog, JournalStore journals, TableServiceClient tables, DeletionEngine engine, IOptions<VodOptions> options)
{
    public const string RestoreFailedCode = "RestoreMediaFailed";
    public const string PurgeFailedCode = "PurgeRecycleBinFailed";

    private readonly TableClient _index = CatalogStore.IndexTable(tables, options.Value);

    public static VodError EntryNotFound(string entryId) => new("InvalidEntry.NotFound", $"Recycle bin entry {entryId} does not exist; nothing was restored or purged.");

    /// <summary>One page of entries, newest first; the page token is the storage's continuation.</summary>
    public async Task<Result<(IReadOnlyList<RecycleBinEntry> Entries, string? NextToken)>> ListAsync(
        AppScope scope, string? appId, string? mediaType, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        if (appId is not null && !scope.CanAccess(appId)) return VodError.Forbidden();
        if (appId is null && !scope.IsAll && scope.AppIds.Count == 0) return ((IReadOnlyList<RecycleBinEntry>)[], null);
        var app = appId ?? (scope.AppIds.Count == 1 ? scope.AppIds.First() : CatalogStore.Everyone);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {BinIndex.ListKey(app)}");
        if (mediaType is not null) filter += " and " + TableClient.CreateQueryFilter($"Kind eq {mediaType}");
        if (app == CatalogStore.Everyone && !scope.IsAll)
            filter += " and (" + string.Join(" or ", scope.AppIds.Select(a => TableClient.CreateQueryFilter($"AppId eq {a}"))) + ")";
        Page<IndexEntity>? page;
        try
        {
            page = await _index.QueryAsync<IndexEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(pageToken, pageSize).FirstOrDefaultAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 400 && pageToken is not null)
        {
            return VodError.InvalidParameter("PageToken does not belong to this listing.");
        }
        if (page is null) return ((IReadOnlyList<RecycleBinEntry>)[], null);
        var entries = await Task.WhenAll(page.Values.Select(row => catalog.GetAsync<BinEntryEntity>(row.OwnerPartition, row.OwnerRow, cancellationToken)));
        var listed = entries.Where(e => e is { Deleting: false }).Select(e => ToEntry(e!)).ToList();
        return (listed, page.ContinuationToken is { Length: > 0 } next ? next : null);
    }

    public static RecycleBinEntry ToEntry(BinEntryEntity e) => new(
        e.EntryId, e.MediaType, e.MediaId, e.DeleteType, e.JobIds is null ? null : e.JobIdList(), e.ImageIds is null ? null : e.ImageIdList(),
        e.AppId, e.DeletedBy, Times.Format(e.CreationTime), Times.Format(e.PurgeTime), e.Files, e.Size);

    public async Task<BinEntryEntity?> FindAsync(string entryId, CancellationToken cancellationToken = default)
    {
        if (!MediaIds.IsValid(entryId)) return null;
        var row = await _index.GetEntityIfExistsAsync<IndexEntity>(BinIndex.IdKey(entryId), BinIndex.IdKey(entryId), cancellationToken: cancellationToken);
        return row.HasValue ? await catalog.GetAsync<BinEntryEntity>(row.Value!.OwnerPartition, row.Value.OwnerRow, cancellationToken) : null;
    }

    /// <summary>
    /// Restores the entries: all or none are begun (an entry missing, of another application, or in conflict refuses the call);
    /// an entry that a concurrent purge or delete took meanwhile is named in the error.
    /// </summary>
    public async Task<Result<RestoreResult>> RestoreAsync(IReadOnlyList<string> entryIds, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var entries = new List<BinEntryEntity>();
        var resumed = new List<BinEntryEntity>();
        foreach (var id in entryIds.Distinct())
        {
            if (await FindAsync(id, cancellationToken) is not { } entry) return EntryNotFound(id);
            if (!scope.CanAccess(entry.AppId)) return VodError.Forbidden();
            if (entry.Deleting)
            {
                // A restore of it that stopped part way (a retry after a fault) is finished; one being purged is gone.
                if (await PendingOpAsync(entry, cancellationToken) != BinOp.Restore) return EntryNotFound(id);
                resumed.Add(entry);
                continue;
            }
            if (await ConflictAsync(entry, cancellationToken) is { } conflict) return conflict;
            entries.Add(entry);
        }
        foreach (var partition in resumed.Select(e => e.PartitionKey).Distinct())
            if (!await engine.FinishPendingAsync(partition, cancellationToken))
                return new VodError(RestoreFailedCode, "Storage failed while restoring; the restore is journalled and is finished by a retry or the reconcile sweep.");
        var refused = new System.Collections.Concurrent.ConcurrentDictionary<string, VodError>();
        var outcome = await engine.RunAsync(entries.Select(e => RestoreJob(e, request, refused)), request, cancellationToken);
        if (!outcome.Ok) return outcome.Error!;
        if (!refused.IsEmpty) return refused.Values.First();
        return new RestoreResult(entryIds.Distinct().ToList());
    }

    /// <summary>What the journal that marked <paramref name="entry"/> does: <see cref="BinOp.Restore"/>, <see cref="PurgeEvent"/>, or null when none is pending.</summary>
    private async Task<string?> PendingOpAsync(BinEntryEntity entry, CancellationToken cancellationToken)
    {
        await foreach (var journal in journals.PendingAsync(entry.PartitionKey, cancellationToken))
        {
            var target = journal.ToTarget();
            if (target.Bin is { Op: BinOp.Restore } restore && restore.EntryId == entry.EntryId) return BinOp.Restore;
            if (target.Bin is null && target.Rows.Contains(entry.RowKey)) return PurgeEvent;
        }
        return null;
    }

    private const string PurgeEvent = BinMoves.PurgeEvent;

    /// <summary>What stops a restore of <paramref name="entry"/> now: a clear code, or null.</summary>
    private async Task<VodError?> ConflictAsync(BinEntryEntity entry, CancellationToken cancellationToken)
    {
        VodError Conflict(string why) => new("InvalidEntry.Conflict", $"Recycle bin entry {entry.EntryId} cannot be restored: {why}; nothing was restored.", 409);
        if (entry.Whole)
            return await catalog.GetAsync<TableEntity>(entry.PartitionKey, OwnerRowOf(entry), cancellationToken) is null ? null
                : Conflict($"{entry.MediaType} {entry.MediaId} exists");
        var video = await catalog.GetVideoAsync(entry.PartitionKey, cancellationToken);
        if (video is null || video.Deleting)
            return Conflict($"its video {entry.PartitionKey} was deleted after it (restore the video's own entry first)");
        if (entry.DeleteType == "mezzanine" && video.MezzanineStatus != MezzanineStatus.Deleted)
            return Conflict($"video {video.VideoId} has a mezzanine again");
        return null;
    }

    private static string OwnerRowOf(BinEntryEntity entry) => entry.MediaType switch
    {
        MediaKinds.Video => VideoEntity.RowOf(entry.PartitionKey),
        MediaKinds.Image => ImageEntity.RowOf(entry.PartitionKey),
        _ => AttachedEntity.RowOf(entry.PartitionKey),
    };

    private DeleteJob RestoreJob(BinEntryEntity found, DeleteRequest request, System.Collections.Concurrent.ConcurrentDictionary<string, VodError> refused) =>
        new(found.PartitionKey, RestoreFailedCode, async cancellationToken =>
        {
            var entry = await catalog.GetAsync<BinEntryEntity>(found.PartitionKey, found.RowKey, cancellationToken);
            if (entry is null)
            {
                refused[found.EntryId] = EntryNotFound(found.EntryId);
                return DeleteWork.Nothing;
            }
            if (entry.Deleting) return DeleteWork.Busy;
            if (await ConflictAsync(entry, cancellationToken) is { } conflict)
            {
                refused[found.EntryId] = conflict;
                return DeleteWork.Nothing;
            }
            entry.Deleting = true;
            List<ITableEntity> marks = [entry];
            // A part's video is marked too (its ETag moves), so a delete of it that began reading before waits for the restore.
            if (!entry.Whole && await catalog.GetVideoAsync(entry.PartitionKey, cancellationToken) is { } video) marks.Add(video);
            var restoreEvent = entry.EventOf(BinMoves.RestoreEvent, request);
            var target = new DeleteTarget(entry.PartitionKey, entry.Location, [], [], [], restoreEvent, RestoreFailedCode)
            {
                Bin = new BinOp(BinOp.Restore, request.DeletedBy, entry.PurgeTime) { EntryId = entry.EntryId }, Audit = Audit.AuditContext.Of(request),
            };
            return new DeleteWork(DeleteState.Ready, target, marks);
        });

    /// <summary>Purges the entries now (or every entry of <paramref name="appId"/>, or all): their files, through the journalled delete.</summary>
    public async Task<Result<PurgeResult>> PurgeAsync(IReadOnlyList<string>? entryIds, string? appId, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var found = new List<BinEntryEntity>();
        var missing = new List<string>();
        if (entryIds is not null)
        {
            foreach (var id in entryIds.Distinct())
                if (await FindAsync(id, cancellationToken) is { } entry) found.Add(entry);
                else missing.Add(id);
            if (found.Count == 0) return EntryNotFound(missing[0]);
        }
        else
        {
            await foreach (var row in _index.QueryAsync<IndexEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {BinIndex.ListKey(appId ?? CatalogStore.Everyone)}"), cancellationToken: cancellationToken))
                if (await catalog.GetAsync<BinEntryEntity>(row.OwnerPartition, row.OwnerRow, cancellationToken) is { } entry) found.Add(entry);
        }
        return await PurgeEntriesAsync(found, missing, request, cancellationToken);
    }

    public async Task<Result<PurgeResult>> PurgeEntriesAsync(IReadOnlyList<BinEntryEntity> entries, IReadOnlyList<string> missing, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var purged = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        // A purge of an entry that stopped part way (a retry after a fault) is finished by its job, and counts.
        foreach (var entry in entries.Where(e => e.Deleting))
            if (await PendingOpAsync(entry, cancellationToken) == PurgeEvent) purged[entry.EntryId] = true;
        var outcome = await engine.RunAsync(entries.Select(e => PurgeJob(e, request, purged)), request, cancellationToken);
        if (!outcome.Ok) return outcome.Error!;
        return new PurgeResult(purged.Keys.Order(StringComparer.Ordinal).ToList(), missing, outcome.Value!.Deleted ?? new DeletedFiles(0, 0));
    }

    /// <summary>The entries whose purge time has come, oldest delete first.</summary>
    public async Task<List<BinEntryEntity>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var due = new List<BinEntryEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {BinIndex.ListKey(CatalogStore.Everyone)} and PurgeTime le {now}");
        await foreach (var row in _index.QueryAsync<IndexEntity>(filter, cancellationToken: cancellationToken))
        {
            if (await catalog.GetAsync<BinEntryEntity>(row.OwnerPartition, row.OwnerRow, cancellationToken) is { } entry) due.Add(entry);
            else await _index.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken); // its entry was restored or purged
        }
        due.Reverse();
        return due;
    }

    private DeleteJob PurgeJob(BinEntryEntity found, DeleteRequest request, System.Collections.Concurrent.ConcurrentDictionary<string, bool> purged)
    {
        // Prepared again only when its mark did not become a journal (a restore or another purge marked the entry first): then
        // the entry is not this purge's to report.
        var marked = false;
        return new(found.PartitionKey, PurgeFailedCode, async cancellationToken =>
        {
            if (marked) purged.TryRemove(found.EntryId, out _);
            marked = false;
            var entry = await catalog.GetAsync<BinEntryEntity>(found.PartitionKey, found.RowKey, cancellationToken);
            if (entry is null) return DeleteWork.Nothing;
            if (entry.Deleting) return DeleteWork.Busy;
            entry.Deleting = true;
            purged[entry.EntryId] = marked = true;
            var purgeEvent = entry.EventOf(BinMoves.PurgeEvent, request) with { DeletedFiles = 0, DeletedBytes = 0 };
            var target = new DeleteTarget(entry.PartitionKey, entry.Location, JsonSerializer.Deserialize<List<string>>(entry.Prefixes)!,
                JsonSerializer.Deserialize<List<string>>(entry.Blobs)!, [entry.RowKey], purgeEvent, PurgeFailedCode) { Audit = Audit.AuditContext.Of(request) };
            return new DeleteWork(DeleteState.Ready, target, [entry]);
        });
    }
}
