namespace VodFunctions.Core.Deletion;

/// <summary>Every row of a partition, read in one query, as whoever finishes a delete there sees it.</summary>
public sealed record PartitionRows(
    VideoEntity? Video, AttachedEntity? Attached, List<ImageEntity> Images, List<StreamEntity> Streams, List<JournalEntity> Journals)
{
    /// <summary>The recycle bin's entries and the copies they hold (<c>bin|...</c>), as read.</summary>
    public List<TableEntity> Binned { get; } = [];
}

/// <summary>
/// The journal's rows and transactions. A delete's journal row joins the transaction that marks its records, in the
/// partition it deletes from; an entry in the index's <see cref="IndexPartition"/> partition leads the reconcile sweep to
/// it; the transactions that remove the records take the journal row with the last and write the delete's pending event,
/// which goes, with the entry, once the event is sent.
/// </summary>
public sealed class JournalStore(CatalogStore catalog, TableServiceClient tables, IOptions<VodOptions> options)
{
    /// <summary>The index partition of deletes in progress: row <c>{partition}|{OperationId}</c>, leading to the journal row.</summary>
    public const string IndexPartition = "journal";

    private readonly TableClient _media = CatalogStore.MediaTable(tables, options.Value);
    private readonly TableClient _index = CatalogStore.IndexTable(tables, options.Value);

    /// <summary>How often a running delete shows that it is alive: one done sooner writes no heartbeat at all.</summary>
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long after its last heartbeat a delete counts as having no owner: two renewals missed, with room for a renewal
    /// slowed by storage's retries and for up to 10 s between the clocks of two instances.
    /// </summary>
    public static readonly TimeSpan OwnerGoneAfter = TimeSpan.FromSeconds(30);

    private static string EntryRow(string partition, string operationId) => partition + "|" + operationId;

    /// <summary>Whether the delete an entry leads to had a live owner at <paramref name="now"/>: one that may still finish it.</summary>
    public static bool HasOwner(IndexEntity entry, DateTimeOffset now) => now - (entry.Heartbeat ?? entry.CreationTime) < OwnerGoneAfter;

    /// <summary>
    /// Renews the heartbeat of a delete's entry every <see cref="HeartbeatPeriod"/> until <paramref name="cancellationToken"/>
    /// ends. A renewal storage refuses is tried again a period later; should renewals fail for long, the reconcile sweep may
    /// join the delete, which is safe: whoever removes the journal row sends the event, the other finds it gone.
    /// </summary>
    public async Task KeepAliveAsync(JournalEntity journal, TimeProvider time, CancellationToken cancellationToken)
    {
        var heartbeat = new TableEntity(IndexPartition, EntryRow(journal.PartitionKey, journal.OperationId));
        using var period = new PeriodicTimer(HeartbeatPeriod, time);
        try
        {
            while (await period.WaitForNextTickAsync(cancellationToken))
            {
                heartbeat[nameof(IndexEntity.Heartbeat)] = time.GetUtcNow();
                try
                {
                    await _index.UpdateEntityAsync(heartbeat, ETag.All, TableUpdateMode.Merge, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    return; // the delete has ended
                }
                catch (Exception e) when (StorageFaults.Is(e))
                {
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Journals a delete: its index entry, then the journal with <paramref name="marks"/> (records with their ETags), the journal
    /// in the first transaction, so that a delete has begun exactly when that commits. Answers null when a record changed meanwhile.
    /// </summary>
    public async Task<JournalEntity?> BeginAsync(DeleteTarget target, IReadOnlyList<ITableEntity> marks, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var operationId = MediaIds.New();
        var journal = JournalEntity.Of(target with { Event = target.Event with { OperationId = operationId } }, operationId, now);
        var entry = EntryRow(target.Partition, operationId);
        await _index.UpsertEntityAsync(new IndexEntity
        {
            PartitionKey = IndexPartition, RowKey = entry, Kind = target.Event.MediaType, MediaId = target.Event.MediaId,
            OwnerPartition = target.Partition, OwnerRow = journal.RowKey, AppId = target.Event.AppId, CreationTime = now,
        }, TableUpdateMode.Replace, cancellationToken);

        var actions = marks.Select(m => new TableTransactionAction(TableTransactionActionType.UpdateMerge, m, m.ETag)).Prepend(Add(journal));
        var committed = 0;
        try
        {
            foreach (var chunk in actions.Chunk(CatalogStore.MaxTransactionActions))
            {
                await _media.SubmitTransactionAsync(chunk, cancellationToken);
                committed++;
            }
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
        {
            // Only a first transaction refused outright surely left no journal. Otherwise (a later chunk refused, or a 409
            // from a retry whose first answer was lost) the journal may stand: its entry stays, so the caller's next attempt
            // or the reconcile sweep finishes it (the sweep drops entries whose journal never came).
            if (committed == 0 && e.Status != 409) await _index.DeleteEntityAsync(IndexPartition, entry, ETag.All, cancellationToken);
            return null;
        }
        return journal;
    }

    /// <summary>The deletes begun in a partition and not finished yet.</summary>
    public IAsyncEnumerable<JournalEntity> PendingAsync(string partition, CancellationToken cancellationToken = default) =>
        catalog.RowsAsync<JournalEntity>(partition, JournalEntity.Prefix, cancellationToken);

    /// <summary>Every delete journalled and not yet ended with its event sent: the index entries that lead to them.</summary>
    public IAsyncEnumerable<IndexEntity> EntriesAsync(CancellationToken cancellationToken = default) =>
        _index.QueryAsync<IndexEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition}"), cancellationToken: cancellationToken);

    public Task<JournalEntity?> JournalOfAsync(IndexEntity entry, CancellationToken cancellationToken = default) =>
        catalog.GetAsync<JournalEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken);

    public Task<PendingEventEntity?> PendingEventOfAsync(IndexEntity entry, CancellationToken cancellationToken = default) =>
        catalog.GetAsync<PendingEventEntity>(entry.OwnerPartition, PendingEventEntity.Prefix + entry.OwnerRow[JournalEntity.Prefix.Length..], cancellationToken);

    /// <summary>Drops an entry whose delete left nothing behind (its journal never came, or its event was sent).</summary>
    public async Task DropAsync(IndexEntity entry, CancellationToken cancellationToken = default) =>
        await _index.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, ETag.All, cancellationToken);

    /// <summary>
    /// Drops a sent event, then its delete's index entry: the delete's last step. In that order, a fault between them leaves
    /// an entry with neither journal nor event, which the reconcile sweep drops; never an event row nothing leads to.
    /// </summary>
    public async Task ForgetAsync(PendingEventEntity sent, CancellationToken cancellationToken = default)
    {
        await _media.DeleteEntityAsync(sent.PartitionKey, sent.RowKey, ETag.All, cancellationToken);
        await _index.DeleteEntityAsync(IndexPartition, EntryRow(sent.PartitionKey, sent.OperationId), ETag.All, cancellationToken);
    }

    public async Task<PartitionRows> ReadPartitionAsync(string partition, CancellationToken cancellationToken = default)
    {
        var rows = new PartitionRows(null, null, [], [], []);
        await foreach (var row in _media.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken))
        {
            if (row.RowKey.StartsWith(StreamEntity.Prefix, StringComparison.Ordinal)) rows.Streams.Add(row.As<StreamEntity>());
            else if (row.RowKey.StartsWith(ImageEntity.Prefix, StringComparison.Ordinal)) rows.Images.Add(row.As<ImageEntity>());
            else if (row.RowKey.StartsWith(JournalEntity.Prefix, StringComparison.Ordinal)) rows.Journals.Add(row.As<JournalEntity>());
            else if (row.RowKey.StartsWith(RecycleBin.BinEntryEntity.Prefix, StringComparison.Ordinal)) rows.Binned.Add(row);
            else if (row.RowKey == VideoEntity.RowOf(partition)) rows = rows with { Video = row.As<VideoEntity>() };
            else if (row.RowKey == AttachedEntity.RowOf(partition)) rows = rows with { Attached = row.As<AttachedEntity>() };
        }
        return rows;
    }

    /// <summary>The records of a partition (its journal and event rows aside), counted by their keys alone.</summary>
    public async Task<int> CountRecordsAsync(string partition, CancellationToken cancellationToken = default) =>
        await _media.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken)
            .CountAsync(r => !r.RowKey.StartsWith(JournalEntity.Prefix, StringComparison.Ordinal) && !r.RowKey.StartsWith(PendingEventEntity.Prefix, StringComparison.Ordinal), cancellationToken);

    /// <summary>
    /// Ends a delete in its partition: removes <paramref name="removed"/> in transactions of at most 100 actions, then, in one, the
    /// journal row, the <paramref name="owner"/> row (replaced unless it changed meanwhile when it <paramref name="ownerStays"/>,
    /// else removed) and writes the pending event <paramref name="done"/>. Answers false when another finisher ended it first.
    /// </summary>
    public async Task<bool> EndAsync(
        JournalEntity journal, IEnumerable<ITableEntity> removed, ITableEntity? owner, bool ownerStays, PendingEventEntity done, CancellationToken cancellationToken = default)
    {
        var first = removed.Select(Delete).ToList();
        List<TableTransactionAction> last = [Delete(journal), new(TableTransactionActionType.UpsertReplace, done)];
        if (owner is not null) last.Add(ownerStays ? new(TableTransactionActionType.UpdateReplace, owner, owner.ETag) : Delete(owner));
        var room = CatalogStore.MaxTransactionActions - last.Count;
        List<List<TableTransactionAction>> batches = first.Count <= room
            ? [[.. first, .. last]]
            : [.. first.Chunk(CatalogStore.MaxTransactionActions).Select(c => c.ToList()), last];
        foreach (var planned in batches)
        {
            var batch = planned;
            for (var attempt = 0; batch.Count > 0; attempt++)
            {
                try
                {
                    await _media.SubmitTransactionAsync(batch, cancellationToken);
                    break;
                }
                catch (TableTransactionFailedException e) when (e.Status == 404 && attempt < 10)
                {
                    // A concurrent finisher removed some rows: done if it ended the journal, else drop what is gone.
                    if (await catalog.GetAsync<JournalEntity>(journal.PartitionKey, journal.RowKey, cancellationToken) is null) return false;
                    var remaining = new List<TableTransactionAction>();
                    foreach (var action in batch)
                        if (action.ActionType != TableTransactionActionType.Delete
                            || await catalog.GetAsync<TableEntity>(action.Entity.PartitionKey, action.Entity.RowKey, cancellationToken) is not null)
                            remaining.Add(action);
                    batch = remaining;
                }
            }
        }
        return true;
    }

    private static TableTransactionAction Add(ITableEntity entity) => new(TableTransactionActionType.Add, entity);
    private static TableTransactionAction Delete(ITableEntity entity) => new(TableTransactionActionType.Delete, entity, ETag.All);
}
