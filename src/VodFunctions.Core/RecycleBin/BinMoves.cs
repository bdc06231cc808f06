namespace VodFunctions.Core.RecycleBin;

/// <summary>
/// The recycle bin's side of the one delete path. With a retention set, a delete that is not <c>Permanent</c> is journalled as
/// ever, then finished by moving its records to copies under a bin entry in their own partition, instead of deleting its files:
/// the files stay where they are, so a restore copies no byte. Both a move and a restore run in transactions of their
/// partition (a record and its copy change in one), the journal row with the last; a retry, a concurrent call or the reconcile
/// sweep finishes them as they finish deletes.
/// </summary>
public sealed class BinMoves(
    CatalogStore catalog, MediaStorage storage, TableServiceClient tables, TimeProvider time, IOptions<VodOptions> options,
    IOptions<RecycleBinOptions> binOptions, ILogger<BinMoves> logger)
{
    public const string RestoreEvent = "RestoreMediaComplete";
    public const string PurgeEvent = "PurgeMediaComplete";

    private readonly TableClient _media = CatalogStore.MediaTable(tables, options.Value);

    /// <summary>Whether a delete asked this way goes into the bin.</summary>
    public bool Moves(DeleteRequest request) => !request.Permanent && binOptions.Value.Enabled;

    /// <summary>A dry run's plan, saying whether the real call would move it into the bin, and until when.</summary>
    public DeletePlan Plan(DeletePlan plan, DeleteRequest request) => Moves(request)
        ? plan with { ToRecycleBin = true, PurgeTime = Times.Format(binOptions.Value.PurgeTimeOf(time.GetUtcNow())) }
        : plan;

    /// <summary>The target as a move into the bin when <paramref name="request"/> goes there; else unchanged.</summary>
    public DeleteTarget Into(DeleteTarget target, CatalogEntity owner, DeleteRequest request)
    {
        if (!Moves(request)) return target;
        var purgeTime = binOptions.Value.PurgeTimeOf(time.GetUtcNow());
        IReadOnlyDictionary<string, object>? restore = owner is VideoEntity video && target.Event.DeleteType == DeleteKind.Mezzanine
            ? new Dictionary<string, object>
            {
                [nameof(VideoEntity.MezzanineStatus)] = video.MezzanineStatus, [nameof(VideoEntity.MezzanineSize)] = video.MezzanineSize,
                [nameof(VideoEntity.MezzanineDeleting)] = false,
            }
            : null;
        return target with
        {
            Bin = new BinOp(BinOp.Move, request.DeletedBy, purgeTime) { RestoreUpdate = restore },
            Event = target.Event with { PurgeTime = Times.Format(purgeTime) },
        };
    }

    /// <summary>
    /// The bin entries a delete or purge of <paramref name="target"/> takes with it: those it names, and those whose files it
    /// deletes (all of a partition deleted whole, or under a folder it deletes).
    /// </summary>
    public static List<BinEntryEntity> EntriesGoingWith(PartitionRows rows, DeleteTarget target)
    {
        var named = target.Rows.ToHashSet();
        return rows.Binned.Where(r => BinEntryEntity.IsEntryRow(r.RowKey)).Select(r => r.As<BinEntryEntity>())
            .Where(e => target.WholePartition || named.Contains(e.RowKey) || FilesOf(e).Any(f => target.Prefixes.Any(p => f.StartsWith(p, StringComparison.Ordinal))))
            .ToList();
    }

    /// <summary>The folders and files an entry's delete named.</summary>
    public static IEnumerable<string> FilesOf(BinEntryEntity entry) =>
        JsonSerializer.Deserialize<List<string>>(entry.Prefixes)!.Concat(JsonSerializer.Deserialize<List<string>>(entry.Blobs)!);

    /// <summary>
    /// Finishes a journalled move or restore. Answers its event (written with its last records), or null when another finisher
    /// ended it first; and the files it moved.
    /// </summary>
    public async Task<(PendingEventEntity? Done, DeleteTally Moved)> FinishAsync(JournalEntity journal, DeleteTarget target, string? finishedBy, CancellationToken cancellationToken)
    {
        var op = target.Bin!;
        var tally = new DeleteTally();
        if (op.Op == BinOp.Move) await TallyAsync(journal, target, tally, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var rows = await ReadAsync(journal.PartitionKey, cancellationToken);
            if (!rows.ContainsKey(journal.RowKey)) return (null, tally);
            try
            {
                var done = op.Op == BinOp.Move
                    ? await MoveAsync(journal, target, op, rows, tally, finishedBy, cancellationToken)
                    : await RestoreAsync(journal, target, op, rows, finishedBy, cancellationToken);
                logger.LogInformation("{Op} {OperationId} of {MediaId} ended", op.Op, journal.OperationId, target.Event.MediaId);
                return (done, tally);
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412 && attempt < 10)
            {
                // A concurrent finisher moved rows first, or the video changed: read again.
            }
        }
    }

    /// <summary>The files a move leaves in the bin: those its delete names, less those of entries already there.</summary>
    private async Task TallyAsync(JournalEntity journal, DeleteTarget target, DeleteTally tally, CancellationToken cancellationToken)
    {
        var others = new List<string>();
        await foreach (var entry in catalog.RowsAsync<BinEntryEntity>(journal.PartitionKey, BinEntryEntity.Prefix, cancellationToken))
            if (BinEntryEntity.IsEntryRow(entry.RowKey) && entry.EntryId != journal.OperationId) others.AddRange(FilesOf(entry));
        await foreach (var page in BlobDeleter.ListAsync(storage.Container(target.Location), target.Prefixes, target.Blobs, cancellationToken))
            foreach (var blob in page)
                if (!others.Any(o => blob.Name == o || (o.EndsWith('/') && blob.Name.StartsWith(o, StringComparison.Ordinal))))
                    tally.Add(blob.Name, blob.Properties.ContentLength ?? 0);
    }

    private async Task<PendingEventEntity> MoveAsync(
        JournalEntity journal, DeleteTarget target, BinOp op, Dictionary<string, TableEntity> rows, DeleteTally tally, string? finishedBy, CancellationToken cancellationToken)
    {
        var partition = journal.PartitionKey;
        var entryId = journal.OperationId;
        var whole = target.WholePartition;
        var named = target.Rows.ToHashSet();
        var live = rows.Values.Where(r => IsRecord(r.RowKey)).ToList();
        var moving = live.Where(r => whole || named.Contains(r.RowKey)).ToList();
        var typed = moving.Select(Typed).OfType<CatalogEntity>().ToList();
        await catalog.RemoveIndexEntriesAsync(typed, lookups: false, cancellationToken);
        await catalog.RemoveIndexEntriesAsync(typed, lookups: true, cancellationToken);

        var e = target.Event;
        var entry = new BinEntryEntity
        {
            PartitionKey = partition, RowKey = BinEntryEntity.RowOf(entryId), AppId = e.AppId, Status = "InRecycleBin", CreationTime = journal.Started,
            Size = tally.Bytes, Files = tally.Files, MediaType = e.MediaType, MediaId = e.MediaId, DeleteType = JsonSerializer.Serialize(e.DeleteType).Trim('"'),
            JobIds = e.JobIds is null ? null : JsonSerializer.Serialize(e.JobIds), ImageIds = e.ImageIds is null ? null : JsonSerializer.Serialize(e.ImageIds),
            DeletedBy = op.DeletedBy, PurgeTime = op.PurgeTime, Whole = whole, Location = target.Location,
            Prefixes = JsonSerializer.Serialize(target.Prefixes), Blobs = JsonSerializer.Serialize(target.Blobs),
            RestoreUpdate = op.RestoreUpdate is null ? null : JsonSerializer.Serialize(op.RestoreUpdate),
        };
        await catalog.AddIndexEntriesAsync(entry, cancellationToken);
        var done = PendingEventEntity.Of(journal, e with { RecycleBinEntryId = entryId, DeletedFiles = tally.Files, DeletedBytes = tally.Bytes }, time.GetUtcNow(), finishedBy);

        List<TableTransactionAction> last = [Delete(journal), Upsert(done), Upsert(entry)];
        if (!whole && rows.GetValueOrDefault(VideoEntity.RowOf(partition)) is { } videoRow)
        {
            var video = videoRow.As<VideoEntity>();
            if (target.OwnerUpdate is { } update) video.Set(update);
            video.Size = video.SizeWith(Of<StreamEntity>(live, StreamEntity.Prefix).Where(s => !named.Contains(s.RowKey)),
                Of<ImageEntity>(live, ImageEntity.Prefix).Where(i => !named.Contains(i.RowKey)));
            last.Add(new(TableTransactionActionType.UpdateReplace, video, video.ETag));
        }
        // The owner row of a whole partition moves last: until then readers see it being deleted.
        var owner = whole ? moving.FirstOrDefault(r => IsOwnerRow(partition, r.RowKey)) : null;
        var pairs = moving.Where(r => r != owner).Select(r => Pair(Clone(r, BinEntryEntity.CopyRow(entryId, r.RowKey)), r));
        if (owner is not null) last.AddRange(Pair(Clone(owner, BinEntryEntity.CopyRow(entryId, owner.RowKey)), owner));
        await SubmitAsync(pairs, last, cancellationToken);
        logger.LogInformation("Moved {Records} records of {MediaId} into the recycle bin as {EntryId}; their {Files} files stay", moving.Count, e.MediaId, entryId, tally.Files);
        return done;
    }

    private async Task<PendingEventEntity> RestoreAsync(
        JournalEntity journal, DeleteTarget target, BinOp op, Dictionary<string, TableEntity> rows, string? finishedBy, CancellationToken cancellationToken)
    {
        var partition = journal.PartitionKey;
        var entryRow = rows.GetValueOrDefault(BinEntryEntity.RowOf(op.EntryId!));
        var done = PendingEventEntity.Of(journal, target.Event, time.GetUtcNow(), finishedBy);
        List<TableTransactionAction> last = [Delete(journal), Upsert(done)];
        if (entryRow is null)
        {
            await SubmitAsync([], last, cancellationToken);
            return done;
        }
        var entry = entryRow.As<BinEntryEntity>();
        var copies = rows.Values.Where(r => BinEntryEntity.OriginalOf(r.RowKey)?.EntryId == entry.EntryId).ToList();
        var restored = copies.Select(c => (Copy: c, Row: Clone(c, BinEntryEntity.OriginalOf(c.RowKey)!.Value.Row))).ToList();
        foreach (var (_, row) in restored)
        {
            row[nameof(CatalogEntity.Deleting)] = false;
            row.Remove(nameof(CatalogEntity.RestoreOf));
        }
        // Index rows first, as for any record added: a record is never unreachable through the index.
        foreach (var chunk in restored.Select(r => Typed(r.Row)).OfType<CatalogEntity>().Chunk(16))
            await Task.WhenAll(chunk.Select(r => catalog.AddIndexEntriesAsync(r, cancellationToken)));

        last.Add(Delete(entryRow));
        if (!entry.Whole && rows.GetValueOrDefault(VideoEntity.RowOf(partition)) is { } videoRow)
        {
            var video = videoRow.As<VideoEntity>();
            // The rows that go back before the last step (a part of more records than it holds) are marked with the restore, which
            // the video names until that step clears it: readers see none of them before it, and all of them after.
            video.Restoring = null;
            foreach (var (_, row) in restored.Take(Early(restored.Count, last.Count + 1))) row[nameof(CatalogEntity.RestoreOf)] = entry.EntryId;
            if (entry.RestoreUpdate is { } update) video.Set(JsonSerializer.Deserialize<Dictionary<string, object>>(update)!);
            var all = rows.Values.Where(r => IsRecord(r.RowKey)).Concat(restored.Select(r => r.Row)).ToList();
            video.Size = video.SizeWith(Of<StreamEntity>(all, StreamEntity.Prefix), Of<ImageEntity>(all, ImageEntity.Prefix));
            last.Add(new(TableTransactionActionType.UpdateReplace, video, video.ETag));
        }
        var owner = restored.FirstOrDefault(r => IsOwnerRow(partition, r.Row.RowKey));
        var pairs = restored.Where(r => r != owner).Select(r => Pair(r.Row, r.Copy));
        if (owner.Row is not null) last.AddRange(Pair(owner.Row, owner.Copy));
        await SubmitAsync(pairs, last, cancellationToken);
        await catalog.RemoveIndexEntriesAsync([entry], lookups: false, cancellationToken);
        if (!entry.Whole) await UnmarkAsync(partition, entry.EntryId, cancellationToken);
        logger.LogInformation("Restored {Records} records of {MediaId} from recycle bin entry {EntryId}", restored.Count, entry.MediaId, entry.EntryId);
        return done;
    }

    /// <summary>
    /// Takes a finished restore's mark off the rows it brought back early, so they are as they were before the delete. Only tidying:
    /// once the video no longer names the restore, the mark hides nothing; a row changed meanwhile keeps it.
    /// </summary>
    private async Task UnmarkAsync(string partition, string entryId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RestoreOf eq {entryId}");
        var marked = await _media.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        foreach (var chunk in marked.Chunk(CatalogStore.MaxTransactionActions))
        {
            foreach (var row in chunk) row.Remove(nameof(CatalogEntity.RestoreOf));
            try
            {
                await _media.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateReplace, r, r.ETag)), cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
            {
                logger.LogInformation("Rows of {Partition} changed while restore {EntryId} was unmarking them; they keep its mark", partition, entryId);
            }
        }
    }

    /// <summary>How many of <paramref name="pairs"/> go in transactions before the last one, which holds <paramref name="last"/> actions besides.</summary>
    private static int Early(int pairs, int last) => Math.Max(0, pairs - (CatalogStore.MaxTransactionActions - last) / 2);

    /// <summary>Pairs (a row added with the row it replaces removed) in transactions of their own, then the last actions with the pairs that fit.</summary>
    private async Task SubmitAsync(IEnumerable<TableTransactionAction[]> pairs, List<TableTransactionAction> last, CancellationToken cancellationToken)
    {
        var all = pairs.ToList();
        var early = Early(all.Count, last.Count);
        foreach (var chunk in all.Take(early).Chunk(CatalogStore.MaxTransactionActions / 2))
            await _media.SubmitTransactionAsync(chunk.SelectMany(p => p), cancellationToken);
        await _media.SubmitTransactionAsync(all.Skip(early).SelectMany(p => p).Concat(last), cancellationToken);
    }

    private async Task<Dictionary<string, TableEntity>> ReadAsync(string partition, CancellationToken cancellationToken) =>
        await _media.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken)
            .ToDictionaryAsync(r => r.RowKey, StringComparer.Ordinal, cancellationToken);

    /// <summary>A media record (not a journal, event or bin row).</summary>
    private static bool IsRecord(string rowKey) =>
        !rowKey.StartsWith(JournalEntity.Prefix, StringComparison.Ordinal) && !rowKey.StartsWith(PendingEventEntity.Prefix, StringComparison.Ordinal)
        && !rowKey.StartsWith(BinEntryEntity.Prefix, StringComparison.Ordinal);

    private static bool IsOwnerRow(string partition, string rowKey) =>
        rowKey == VideoEntity.RowOf(partition) || rowKey == AttachedEntity.RowOf(partition) || rowKey == ImageEntity.RowOf(partition);

    private static CatalogEntity? Typed(TableEntity row) => row.RowKey switch
    {
        var k when k.StartsWith("video|", StringComparison.Ordinal) => row.As<VideoEntity>(),
        var k when k.StartsWith(StreamEntity.Prefix, StringComparison.Ordinal) => row.As<StreamEntity>(),
        var k when k.StartsWith(ImageEntity.Prefix, StringComparison.Ordinal) => row.As<ImageEntity>(),
        var k when k.StartsWith("attached|", StringComparison.Ordinal) => row.As<AttachedEntity>(),
        _ => null,
    };

    private static IEnumerable<T> Of<T>(IEnumerable<TableEntity> rows, string prefix) where T : ITableEntity, new() =>
        rows.Where(r => r.RowKey.StartsWith(prefix, StringComparison.Ordinal)).Select(r => r.As<T>());

    private static TableEntity Clone(TableEntity row, string rowKey)
    {
        var copy = new TableEntity(row.PartitionKey, rowKey);
        foreach (var (key, value) in row)
            if (key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")) copy[key] = value;
        return copy;
    }

    private static TableTransactionAction[] Pair(TableEntity added, TableEntity removed) =>
        [new(TableTransactionActionType.UpsertReplace, added), Delete(removed)];

    private static TableTransactionAction Upsert(ITableEntity entity) => new(TableTransactionActionType.UpsertReplace, entity);
    private static TableTransactionAction Delete(ITableEntity entity) => new(TableTransactionActionType.Delete, entity, ETag.All);
}
