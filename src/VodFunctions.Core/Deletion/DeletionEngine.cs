namespace VodFunctions.Core.Deletion;

/// <summary>The counts of a dry run: what the real call would delete now.</summary>
public sealed record DeletePlan(int Files, long Bytes, int Records, IReadOnlyList<string> Paths);

/// <summary>What deleting one partition's work came to: <see cref="Ok"/> false when storage failed (the journal stays);
/// <see cref="Deleted"/> the files and bytes removed, or null when there was nothing (left) to delete.</summary>
public sealed record DeleteOutcome(bool Ok, DeleteTally? Deleted);

/// <summary>Who asked for a delete: the request (for the event) and whether it is a dry run.</summary>
public sealed record DeleteRequest(string RequestId, DeleteTrigger Trigger, bool DryRun = false);

/// <summary>
/// What one partition's delete is to do now, read afresh from the catalog: a target with the records
/// to mark, <see cref="Nothing"/> left to delete, or <see cref="Busy"/> (records marked by a delete
/// begun meanwhile, to be finished first).
/// </summary>
public sealed class DeleteWork(DeleteTarget? target, IReadOnlyList<ITableEntity> marks)
{
    public DeleteTarget? Target { get; } = target;
    public IReadOnlyList<ITableEntity> Marks { get; } = marks;

    public static DeleteWork Nothing { get; } = new(null, []);
    public static DeleteWork Busy { get; } = new(null, []);
}

/// <summary>
/// Runs every delete the same way: journal and mark the records (one transaction), delete the blobs
/// under the records' folders (bounded parallelism, gone counts as done), delete the records (one
/// transaction per partition, the journal row last), publish the event. Each step can be repeated,
/// so whoever finds the journal (a retry, a concurrent call, the reconcile sweep) can finish it.
/// </summary>
public sealed class DeletionEngine(
    CatalogStore catalog, JournalStore journals, MediaStorage storage, BlobDeleter deleter, EventPublisher events, TimeProvider time,
    IOptions<VodOptions> options, ILogger<DeletionEngine> logger)
{

    /// <summary>A limit on storage requests deleting blobs (a batch or a single delete each), shared by everything one request deletes.</summary>
    public SemaphoreSlim NewGate() => new(Math.Max(1, options.Value.DeleteParallelism));

    /// <summary>Journals <paramref name="target"/> and marks <paramref name="marks"/>; null when a record changed meanwhile (the caller validates again).</summary>
    public async Task<JournalEntity?> BeginAsync(DeleteTarget target, IReadOnlyList<ITableEntity> marks, CancellationToken cancellationToken = default)
    {
        var journal = await journals.BeginAsync(target, marks, time.GetUtcNow(), cancellationToken);
        if (journal is not null)
            logger.LogInformation("Began {DeleteType} delete {OperationId} of {MediaId}", target.Event.DeleteType, journal.OperationId, target.Event.MediaId);
        return journal;
    }

    /// <summary>The deletes begun in a partition and not finished yet.</summary>
    public IAsyncEnumerable<JournalEntity> PendingAsync(string partition, CancellationToken cancellationToken = default) =>
        journals.PendingAsync(partition, cancellationToken);

    /// <summary>
    /// Finishes a journalled delete. Answers the tally, or null when another caller finished it first.
    /// Storage faults propagate after the SDK's retries; the journal stays for the next attempt.
    /// </summary>
    public async Task<DeleteTally?> FinishAsync(JournalEntity journal, SemaphoreSlim gate, CancellationToken cancellationToken = default)
    {
        var target = journal.ToTarget();
        var tally = new DeleteTally();
        // Blobs and records proceed side by side: the records are read and unindexed while the
        // blobs go, and deleted only once every blob is gone.
        var blobs = deleter.DeleteAsync(storage.Container(target.Location), target.Prefixes, target.Blobs, gate, tally, cancellationToken);
        // Written once the blobs are gone, with the last records: the event then goes out at least once.
        PendingEventEntity Done() => PendingEventEntity.Of(journal, target.Event with { DeletedFiles = tally.Files, DeletedBytes = tally.Bytes });
        var finished = target.WholePartition
            ? await DeletePartitionAsync(journal, blobs, Done, cancellationToken)
            : await DeleteRowsAsync(journal, target, blobs, Done, cancellationToken);
        if (!finished) return null;

        logger.LogInformation("Deleted {Files} files ({Bytes} bytes) and the records of {DeleteType} delete of {MediaId}",
            tally.Files, tally.Bytes, target.Event.DeleteType, target.Event.MediaId);
        await PublishAsync(Done(), cancellationToken);
        return tally;
    }

    /// <summary>
    /// Sends a finished delete's event, then drops it and the journal's index entry. When the queue fails both stay,
    /// and the reconcile sweep sends it later. Answers whether it was sent.
    /// </summary>
    public async Task<bool> PublishAsync(PendingEventEntity pending, CancellationToken cancellationToken = default)
    {
        if (!await events.PublishAsync(JsonSerializer.Deserialize<DeleteEvent>(pending.Event)!, cancellationToken)) return false;
        await journals.ForgetAsync(pending, cancellationToken);
        return true;
    }

    /// <summary>Finishes a delete, answering false (after publishing a fail event) when storage fails.</summary>
    public async Task<bool> TryFinishAsync(JournalEntity journal, SemaphoreSlim gate, string errorCode, CancellationToken cancellationToken = default) =>
        (await TryFinishOneAsync(journal, gate, errorCode, cancellationToken)).Ok;

    private async Task<DeleteOutcome> TryFinishOneAsync(JournalEntity journal, SemaphoreSlim gate, string errorCode, CancellationToken cancellationToken)
    {
        try
        {
            return new DeleteOutcome(true, await FinishAsync(journal, gate, cancellationToken));
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            var target = journal.ToTarget();
            logger.LogWarning(e, "{DeleteType} delete of {MediaId} failed; its journal {OperationId} stays to be finished",
                target.Event.DeleteType, target.Event.MediaId, journal.OperationId);
            await events.PublishAsync(target.Event with { Status = DeleteStatus.Fail, ErrorCode = errorCode, ErrorMessage = e.Message }, CancellationToken.None);
            return new DeleteOutcome(false, null);
        }
    }

    /// <summary>Finishes every delete pending in a partition; answers false when storage failed.</summary>
    public async Task<bool> FinishPendingAsync(string partition, SemaphoreSlim gate, string errorCode, CancellationToken cancellationToken = default)
    {
        var ok = true;
        await foreach (var journal in PendingAsync(partition, cancellationToken))
            ok &= await TryFinishAsync(journal, gate, errorCode, cancellationToken);
        return ok;
    }

    /// <summary>
    /// Runs the work of one request: in a dry run its plan; else every partition's delete at once,
    /// sharing one limit on blobs in flight. Answers the plan (null when not a dry run) or <paramref name="failedCode"/>.
    /// </summary>
    public async Task<Result<DeletePlan?>> RunAsync(
        IEnumerable<(string Partition, Func<CancellationToken, Task<DeleteWork>> Prepare)> work, DeleteRequest request, string failedCode,
        CancellationToken cancellationToken = default)
    {
        if (request.DryRun) return await PlanAsync(work.Select(w => w.Prepare), cancellationToken);
        using var gate = NewGate();
        var done = await Task.WhenAll(work.Select(w => DeleteAsync(w.Partition, w.Prepare, gate, failedCode, cancellationToken)));
        return done.All(ok => ok)
            ? (DeletePlan?)null
            : new VodError(failedCode, "Storage failed while deleting; the deletion is journalled and is finished by a retry or the reconcile sweep.");
    }

    /// <summary>
    /// Deletes from one partition: finishes deletes pending there, then prepares (reads and decides
    /// afresh), journals and finishes. Answers false when storage failed (the journal stays).
    /// </summary>
    public async Task<bool> DeleteAsync(
        string partition, Func<CancellationToken, Task<DeleteWork>> prepare, SemaphoreSlim gate, string errorCode, CancellationToken cancellationToken = default) =>
        (await DeleteOneAsync(partition, prepare, gate, errorCode, cancellationToken)).Ok;

    /// <summary>As <see cref="DeleteAsync"/>, answering also what this delete removed (for sweeps that count bytes).</summary>
    public async Task<DeleteOutcome> DeleteOneAsync(
        string partition, Func<CancellationToken, Task<DeleteWork>> prepare, SemaphoreSlim gate, string errorCode, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (!await FinishPendingAsync(partition, gate, errorCode, cancellationToken)) return new DeleteOutcome(false, null);
            var work = await prepare(cancellationToken);
            if (work == DeleteWork.Nothing) return new DeleteOutcome(true, null);
            if (work.Target is null) continue;
            if (await BeginAsync(work.Target, work.Marks, cancellationToken) is { } journal)
                return await TryFinishOneAsync(journal, gate, errorCode, cancellationToken);
        }
        logger.LogWarning("Delete in {Partition} kept conflicting with concurrent changes", partition);
        return new DeleteOutcome(false, null);
    }

    /// <summary>The plan of a dry run over the work <paramref name="prepares"/> would do now.</summary>
    public async Task<DeletePlan> PlanAsync(IEnumerable<Func<CancellationToken, Task<DeleteWork>>> prepares, CancellationToken cancellationToken = default)
    {
        var targets = new List<DeleteTarget>();
        foreach (var prepare in prepares)
            if ((await prepare(cancellationToken)).Target is { } target) targets.Add(target);
        return await PlanAsync(targets, cancellationToken);
    }

    /// <summary>What deleting <paramref name="targets"/> would remove now, without deleting anything.</summary>
    public async Task<DeletePlan> PlanAsync(IEnumerable<DeleteTarget> targets, CancellationToken cancellationToken = default)
    {
        var tally = new DeleteTally();
        var records = 0;
        foreach (var target in targets)
        {
            await foreach (var page in BlobDeleter.ListAsync(storage.Container(target.Location), target.Prefixes, target.Blobs, cancellationToken))
                foreach (var blob in page) tally.Add(blob.Name, blob.Properties.ContentLength ?? 0);
            records += target.WholePartition
                ? await journals.CountRecordsAsync(target.Partition, cancellationToken)
                : target.Rows.Count;
        }
        return new DeletePlan(tally.Files, tally.Bytes, records, tally.Paths);
    }

    /// <summary>A whole video, uploaded image or attached media: index rows, then every record, the owner and the journal last.</summary>
    private async Task<bool> DeletePartitionAsync(JournalEntity journal, Task blobs, Func<PendingEventEntity> done, CancellationToken cancellationToken)
    {
        static IEnumerable<CatalogEntity> Indexed(PartitionRows rows) => rows.Images.Append(rows.Video ?? (CatalogEntity?)rows.Attached).OfType<CatalogEntity>();
        async Task<PartitionRows> UnindexAsync()
        {
            var rows = await journals.ReadPartitionAsync(journal.PartitionKey, cancellationToken);
            await catalog.RemoveIndexEntriesAsync(Indexed(rows), lookups: false, cancellationToken);
            return rows;
        }
        var unindexed = UnindexAsync();
        await Task.WhenAll(blobs, unindexed);
        var rows = unindexed.Result;
        if (rows.Journals.All(j => j.RowKey != journal.RowKey)) return false;
        await catalog.RemoveIndexEntriesAsync(Indexed(rows), lookups: true, cancellationToken);
        var removed = rows.Streams.Concat<ITableEntity>(rows.Images).Concat(rows.Journals.Where(j => j.RowKey != journal.RowKey));
        return await journals.EndAsync(journal, removed, rows.Video ?? (ITableEntity?)rows.Attached, ownerStays: false, done(), cancellationToken);
    }

    /// <summary>Part of a video (streams, images, the mezzanine): those records go and the video's size and mezzanine are updated.</summary>
    private async Task<bool> DeleteRowsAsync(JournalEntity journal, DeleteTarget target, Task blobs, Func<PendingEventEntity> done, CancellationToken cancellationToken)
    {
        var doomed = target.Rows.ToHashSet();
        for (var attempt = 0; ; attempt++)
        {
            var read = journals.ReadPartitionAsync(journal.PartitionKey, cancellationToken);
            await Task.WhenAll(blobs, read);
            var (video, _, images, streams, pending) = read.Result;
            if (pending.All(j => j.RowKey != journal.RowKey)) return false;
            // A video's images have only the rows that find them (by ID and file), removed once their files are gone.
            await catalog.RemoveIndexEntriesAsync(images.Where(i => doomed.Contains(i.RowKey)), lookups: true, cancellationToken);

            if (video is not null)
            {
                if (target.Event.DeleteType == DeleteKind.Mezzanine)
                {
                    video.MezzanineStatus = MezzanineStatus.Deleted;
                    video.MezzanineSize = 0;
                    video.MezzanineDeleting = false;
                }
                video.Size = (video.MezzanineStatus == MezzanineStatus.Normal ? video.MezzanineSize : 0)
                    + streams.Where(s => !doomed.Contains(s.RowKey)).Sum(s => s.Size) + images.Where(i => !doomed.Contains(i.RowKey)).Sum(i => i.Size);
            }
            var removed = streams.Concat<ITableEntity>(images).Where(r => doomed.Contains(r.RowKey));
            try
            {
                return await journals.EndAsync(journal, removed, video, ownerStays: true, done(), cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 412 && attempt < 10)
            {
                // The video changed (another delete of this video finished): recompute and try again.
            }
        }
    }
}
