using System.Diagnostics;
using VodFunctions.Core.Telemetry;

namespace VodFunctions.Core.Deletion;

/// <summary>
/// Runs every delete the same way: journal and mark the records (one transaction), delete the blobs under the records'
/// folders (bounded parallelism, gone counts as done), delete the records (one transaction per partition, the journal row
/// last), publish the event. Each step can be repeated, so whoever finds the journal (a retry, a concurrent call, the
/// reconcile sweep) can finish it.
/// </summary>
public sealed class DeletionEngine(
    CatalogStore catalog, JournalStore journals, MediaStorage storage, BlobDeleter deleter, EventPublisher events, TimeProvider time,
    RecycleBin.BinMoves bin, Holds.HoldStore holds, Audit.AuditStore audit, IOptions<VodOptions> options, ILogger<DeletionEngine> logger)
{
    /// <summary>A limit on storage requests deleting blobs (a batch or a single delete each), shared by everything one request deletes.</summary>
    public SemaphoreSlim NewGate() => new(Math.Max(1, options.Value.DeleteParallelism));

    /// <summary>
    /// A delete of what <paramref name="pick"/> chooses from the owner record <paramref name="ownerId"/>, read afresh before every
    /// attempt (the first attempt may take the caller's own fresh read, <paramref name="read"/>: its marks carry its ETag, so a
    /// change since fails the journal and the next attempt reads again): an owner gone, or a pick of nothing at all, leaves
    /// nothing to delete; an owner being deleted whole, or parts held or marked already, are busy; else the parts are marked and
    /// the target and its event built.
    /// </summary>
    public DeleteJob Job<TOwner>(string ownerId, string failedCode, DeleteRequest request, Func<TOwner, CancellationToken, Task<DeleteParts?>> pick, TOwner? read = null)
        where TOwner : CatalogEntity, IMediaRecord, new() => new(ownerId, failedCode, async cancellationToken =>
    {
        var owner = Interlocked.Exchange(ref read, null) ?? await catalog.GetAsync<TOwner>(ownerId, TOwner.RowOf(ownerId), cancellationToken);
        if (owner is null) return DeleteWork.Nothing;
        if (owner.Deleting) return DeleteWork.Busy;
        var parts = await pick(owner, cancellationToken);
        if (parts is null or { Whole: false, Folders.Count: 0, Blobs.Count: 0, Records.Count: 0 }) return DeleteWork.Nothing;
        if (parts.Held || parts.Records.Any(r => r.Deleting)) return DeleteWork.Busy;
        // A delete removes nothing when it names no record to remove or change and no file is there (a retry whose first answer
        // was lost, a video without images of the types asked): it is neither journalled nor reported. One that begins always
        // sends its success event, even of 0 files: it removes records, or its files went in an attempt that stopped.
        // Into the recycle bin, such a delete moves nothing either: the files left under its folders are those of entries already
        // in the bin (a retry of a move of a video's snapshots by type), which a second, empty entry would only claim again.
        if (parts is { Whole: false, Records.Count: 0, OwnerUpdate: null } && (bin.Moves(request) || !await AnyFileAsync(owner.StorageLocation, parts, cancellationToken)))
            return DeleteWork.Nothing;
        if (parts.Whole) owner.Deleting = true;
        foreach (var record in parts.Records) record.Deleting = true;
        var deleteEvent = new DeleteEvent
        {
            MediaType = TOwner.Kind, DeleteType = parts.Kind, MediaId = ownerId, AppId = owner.AppId, RequestId = request.RequestId, Trigger = request.Trigger,
            JobIds = parts.Kind == DeleteKind.Stream ? parts.Records.OfType<StreamEntity>().Select(s => s.JobId).ToList() : null,
            ImageIds = parts is { Kind: DeleteKind.Image, Whole: false } ? parts.Records.OfType<ImageEntity>().Select(i => i.ImageId).ToList() : null,
        };
        var rows = parts.Whole ? [DeleteTarget.AllRows] : parts.Records.Select(r => r.RowKey).ToList();
        var target = new DeleteTarget(ownerId, owner.StorageLocation, parts.Folders, parts.Blobs, rows, deleteEvent, failedCode)
        {
            OwnerUpdate = parts.OwnerUpdate, Audit = Audit.AuditContext.Of(request),
        };
        target = bin.Into(target, owner, request);
        return new DeleteWork(DeleteState.Ready, target, [owner, .. parts.Records]) { MediaCreated = owner.CreationTime, MaxAge = request.MaxAge };
    });

    /// <summary>As the other <c>Job</c>, for a pick from the owner record alone.</summary>
    public DeleteJob Job<TOwner>(string ownerId, string failedCode, DeleteRequest request, Func<TOwner, DeleteParts?> pick, TOwner? read = null)
        where TOwner : CatalogEntity, IMediaRecord, new() => Job<TOwner>(ownerId, failedCode, request, (owner, _) => Task.FromResult(pick(owner)), read);

    /// <summary>
    /// Runs the jobs of one request: in a dry run their plan; else every partition's delete at once, sharing one limit on blobs
    /// in flight. Answers the plan, or what was deleted, or the failed code of a job that storage failed. Held media, or media
    /// older than the key's <c>MaxDeleteAge</c>, refuses the call before anything is deleted (a call of several deletes is
    /// checked whole first); <paramref name="eachApart"/> (DeleteVideo) leaves the refused out instead, in <see cref="DeleteResult.Refused"/>.
    /// </summary>
    public async Task<Result<DeleteResult>> RunAsync(IEnumerable<DeleteJob> jobs, DeleteRequest request, CancellationToken cancellationToken = default, bool eachApart = false)
    {
        var all = jobs.ToList();
        var refused = request.DryRun || all.Count > 1 ? await RefusalsAsync(all, cancellationToken) : [];
        if (refused.Count > 0 && !eachApart) return refused[0].Error;
        var run = all.Where(job => refused.All(r => r.Job != job)).ToList();
        List<string> Refused() => refused.Select(r => r.Job.Partition).ToList();
        if (request.DryRun) return DeleteResult.Of(bin.Plan(await PlanAsync(run, request, cancellationToken), request)) with { Refused = Refused() };
        using var gate = NewGate();
        var outcomes = await Task.WhenAll(run.Select(job => DeleteAsync(job, gate, cancellationToken)));
        if (run.Where((_, i) => !outcomes[i].Ok).FirstOrDefault() is { } failed)
            return new VodError(failed.FailedCode, "Storage failed while deleting; the deletion is journalled and is finished by a retry or the reconcile sweep.");
        // Refused only now: a hold set while the call ran, before its delete was journalled.
        refused.AddRange(run.Select((job, i) => (job, outcomes[i].Refused!)).Where(r => r.Item2 is not null));
        if (refused.Count > 0 && !eachApart) return refused[0].Error;
        var binned = outcomes.Where(o => o.EntryId is not null).ToList();
        return DeleteResult.Of(new DeletedFiles(outcomes.Sum(o => o.Deleted?.Files ?? 0), outcomes.Sum(o => o.Deleted?.Bytes ?? 0))) with
        {
            RecycleBin = binned.Count == 0 ? null : new RecycleBinMove(binned.Select(o => o.EntryId!).ToList(), Times.Format(binned.Max(o => o.PurgeTime!.Value))),
            Refused = Refused(),
        };
    }

    /// <summary>The jobs refused now (prepared side by side, nothing written): held media, media too old for the key.</summary>
    private async Task<List<(DeleteJob Job, VodError Error)>> RefusalsAsync(IReadOnlyList<DeleteJob> jobs, CancellationToken cancellationToken)
    {
        var refusals = await Task.WhenAll(jobs.Select(async job => await RefusalAsync(await job.Prepare(cancellationToken), cancellationToken)));
        return jobs.Select((job, i) => (job, refusals[i]!)).Where(r => r.Item2 is not null).ToList();
    }

    /// <summary>
    /// Why a prepared delete may not begin: its media is older than the key's <c>MaxDeleteAge</c>, or held. The holds are read after
    /// the records (a hold touches the owner row once written, so a delete that read the owner before it fails to journal).
    /// </summary>
    private async Task<VodError?> RefusalAsync(DeleteWork work, CancellationToken cancellationToken)
    {
        if (work is not { State: DeleteState.Ready, Target: { } target }) return null;
        if (work is { MaxAge: { } age, MediaCreated: { } created } && created < age.SubtractFrom(time.GetUtcNow())) return Holds.HoldStore.TooOld(target.Event.MediaId);
        return await holds.StoppingAsync(target, cancellationToken) is { } hold ? Holds.HoldStore.Held(hold.MediaId) : null;
    }

    /// <summary>
    /// Deletes one job: finishes the deletes pending in its partition, then prepares it, journals it and finishes it, again
    /// while a delete begun meanwhile holds its records. Not <see cref="DeleteOutcome.Ok"/> when storage failed (the journal stays).
    /// </summary>
    public async Task<DeleteOutcome> DeleteAsync(DeleteJob job, SemaphoreSlim gate, CancellationToken cancellationToken = default)
    {
        // A move into the recycle bin this call finished for an attempt that stopped (a retry after a crash): when the job then
        // finds nothing left, that move was its own, and it answers as the uninterrupted move would (its entry and purge time).
        DeleteOutcome? moved = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            // Both read-only, so side by side: the deletes pending in the partition are looked for (and finished) while the job
            // reads what it would delete (unless it came with its record read). A job prepared while a pending delete was being
            // finished is prepared again: its records may have changed. (Marks carry ETags, so a delete begun after either read
            // still makes the journal's transaction fail.)
            var pending = FinishPendingAsync(job.Partition, gate, cancellationToken);
            var prepared = job.Prepare(cancellationToken);
            await Task.WhenAll(pending, prepared);
            if (pending.Result is not { Ok: true, Finished: var finished, Moved: var move }) return new DeleteOutcome(false, null);
            moved = move ?? moved;
            if (finished > 0) continue;
            switch (prepared.Result)
            {
                case { State: DeleteState.Nothing }:
                    return moved ?? new DeleteOutcome(true, null);
                case { State: DeleteState.Ready, Target: { } target, Marks: { } marks }:
                {
                    // Listing is read-only too: it is asked for while the journal is written. Nothing is deleted before the
                    // journal has committed; a listing whose journal never came is dropped unused. A move into the recycle
                    // bin leaves the files, and lists none.
                    await using var listing = target.Bin is null ? deleter.BeginListing(storage.Container(target.Location), target.Prefixes, target.Blobs, cancellationToken) : null;
                    if (await RefusalAsync(prepared.Result, cancellationToken) is { } refused) return new DeleteOutcome(true, null) { Refused = refused };
                    var started = Stopwatch.GetTimestamp();
                    JournalEntity? journal;
                    using (var step = VodTelemetry.Start("vod.delete.journal"))
                    {
                        journal = await journals.BeginAsync(target, marks, time.GetUtcNow(), cancellationToken);
                        if (step is not null) Tag(step, journal?.OperationId, target.Event, null);
                    }
                    if (journal is null) break; // a record changed meanwhile
                    logger.LogInformation("Began {DeleteType} delete {OperationId} of {MediaId}", target.Event.DeleteType, journal.OperationId, target.Event.MediaId);
                    return await FinishAsync(journal, gate, cancellationToken, listing, started: started);
                }
            }
        }
        logger.LogWarning("Delete in {Partition} kept conflicting with concurrent changes", job.Partition);
        return new DeleteOutcome(false, null);
    }

    /// <summary>
    /// Finishes the deletes begun in <paramref name="partition"/> and not finished: what a refused retry still owes its first
    /// attempt (a request refused because part of it is gone already finishes the part it had begun). False when storage failed.
    /// </summary>
    public async Task<bool> FinishPendingAsync(string partition, CancellationToken cancellationToken = default)
    {
        using var gate = NewGate();
        return (await FinishPendingAsync(partition, gate, cancellationToken)).Ok;
    }

    /// <summary>
    /// Finishes the deletes pending in <paramref name="partition"/>: whether all went well, how many there were, and the last move
    /// into the recycle bin among them that this call ended.
    /// </summary>
    private async Task<(bool Ok, int Finished, DeleteOutcome? Moved)> FinishPendingAsync(string partition, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var (ok, finished, moved) = (true, 0, (DeleteOutcome?)null);
        await foreach (var pending in journals.PendingAsync(partition, cancellationToken))
        {
            var outcome = await FinishAsync(pending, gate, cancellationToken);
            ok &= outcome.Ok;
            if (outcome.EntryId is not null) moved = outcome;
            finished++;
        }
        return (ok, finished, moved);
    }

    /// <summary>
    /// Finishes a journalled delete: its files, its records, its event. A storage fault (after the SDK's retries) leaves the
    /// journal for the next attempt and sends a fail event with the journal's failed code. <paramref name="listing"/>, when
    /// given, is the listing of the journal's own files, begun ahead.
    /// </summary>
    /// <param name="finishedBy">Who finishes it when not its caller (<c>ReconcileStorage</c>), for its audit record.</param>
    /// <param name="trigger">Who finishes it, for the telemetry, when not who began it (<see cref="VodTelemetry.Reconcile"/>).</param>
    /// <param name="started">When the delete began (<see cref="Stopwatch.GetTimestamp"/>), for its duration; else now.</param>
    public async Task<DeleteOutcome> FinishAsync(
        JournalEntity journal, SemaphoreSlim gate, CancellationToken cancellationToken = default, BlobListing? listing = null, string? finishedBy = null,
        string? trigger = null, long started = 0)
    {
        if (started == 0) started = Stopwatch.GetTimestamp();
        var target = journal.ToTarget();
        // The operation's span (or a run's) holds the delete's own: the most recent delete's OperationId is on it too.
        if (Activity.Current is { } parent && parent.Source == VodTelemetry.Source) parent.SetTag(VodTelemetry.OperationId, journal.OperationId);
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = journals.KeepAliveAsync(journal, time, finished.Token);
        try
        {
            if (target.Bin is not null)
            {
                // Into the recycle bin or back: records move, files stay.
                var (done, moved) = await bin.FinishAsync(journal, target, finishedBy, cancellationToken);
                if (done is null) return new DeleteOutcome(true, null);
                await PublishAsync(done, cancellationToken);
                VodTelemetry.RecordDelete(target.Event, trigger, ok: true, null, started);
                return new DeleteOutcome(true, moved)
                {
                    EntryId = target.Bin.Op == RecycleBin.BinOp.Move ? journal.OperationId : null, PurgeTime = target.Bin.PurgeTime,
                };
            }
            var tally = new DeleteTally();
            // Blobs and records proceed side by side: the records are read and unindexed while the blobs go, and removed once every blob is gone.
            var blobs = listing is null
                ? deleter.DeleteAsync(storage.Container(target.Location), target.Prefixes, target.Blobs, gate, tally, cancellationToken)
                : deleter.DeleteAsync(listing, gate, tally, cancellationToken);
            // Written with the last records, once the blobs are gone: the event then goes out at least once.
            PendingEventEntity Done() => PendingEventEntity.Of(journal, target.Event with { DeletedFiles = tally.Files, DeletedBytes = tally.Bytes }, time.GetUtcNow(), finishedBy);
            bool removed;
            using (var step = VodTelemetry.Start("vod.delete.records"))
            {
                removed = await RemoveRecordsAsync(journal, target, blobs, Done, cancellationToken);
                if (step is not null) Tag(step, journal.OperationId, target.Event, tally);
            }
            if (!removed) return new DeleteOutcome(true, null);
            logger.LogInformation("Deleted {Files} files ({Bytes} bytes) and the records of {DeleteType} delete of {MediaId}",
                tally.Files, tally.Bytes, target.Event.DeleteType, target.Event.MediaId);
            await PublishAsync(Done(), cancellationToken);
            VodTelemetry.RecordDelete(target.Event, trigger, ok: true, tally, started);
            return new DeleteOutcome(true, tally);
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogWarning(e, "{DeleteType} delete of {MediaId} failed; its journal {OperationId} stays to be finished",
                target.Event.DeleteType, target.Event.MediaId, journal.OperationId);
            await events.PublishAsync(target.Event with { Status = DeleteStatus.Fail, ErrorCode = target.FailedCode, ErrorMessage = e.Message }, CancellationToken.None);
            await AppendFailedAsync(journal, target, finishedBy);
            VodTelemetry.RecordDelete(target.Event, trigger, ok: false, null, started);
            Activity.Current?.SetTag(VodTelemetry.Code, target.FailedCode);
            return new DeleteOutcome(false, null);
        }
        finally
        {
            await finished.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>
    /// Sends a finished delete's event, then forgets it and the journal's entry. When the queue fails both stay, and the
    /// reconcile sweep sends it later. Answers whether it was sent.
    /// </summary>
    public async Task<bool> PublishAsync(PendingEventEntity pending, CancellationToken cancellationToken = default)
    {
        using var step = VodTelemetry.Start("vod.delete.event");
        step?.SetTag(VodTelemetry.OperationId, pending.OperationId);
        // The audit record first (it comes with the last records, as the event does): a fault leaves both to the reconcile sweep.
        if (pending.Audit is not null)
        {
            try
            {
                await audit.AppendAsync(JsonSerializer.Deserialize<Audit.AuditRecord>(pending.Audit)!, cancellationToken);
            }
            catch (Exception e) when (StorageFaults.Is(e))
            {
                logger.LogWarning(e, "Could not write the audit record of delete {OperationId}; the reconcile sweep writes it", pending.OperationId);
                VodTelemetry.End(step, ok: false, code: "AuditNotWritten");
                return false;
            }
        }
        if (!await events.PublishAsync(JsonSerializer.Deserialize<DeleteEvent>(pending.Event)!, cancellationToken))
        {
            VodTelemetry.End(step, ok: false, code: "EventNotSent");
            return false;
        }
        await journals.ForgetAsync(pending, cancellationToken);
        VodTelemetry.End(step, ok: true);
        return true;
    }

    /// <summary>A step's attributes: the delete's OperationId, what it deletes, and what it removed so far.</summary>
    private static void Tag(Activity step, string? operationId, DeleteEvent deleteEvent, DeleteTally? tally)
    {
        step.SetTag(VodTelemetry.OperationId, operationId).SetTag(VodTelemetry.Operation, VodTelemetry.OperationOf(deleteEvent))
            .SetTag(VodTelemetry.MediaId, deleteEvent.MediaId).SetTag(VodTelemetry.Trigger, VodTelemetry.TriggerOf(deleteEvent.Trigger));
        if (tally is not null) step.SetTag(VodTelemetry.Files, tally.Files).SetTag(VodTelemetry.Bytes, tally.Bytes);
    }

    private async Task<bool> AnyFileAsync(string location, DeleteParts parts, CancellationToken cancellationToken) =>
        await BlobDeleter.ListAsync(storage.Container(location), parts.Folders, parts.Blobs, cancellationToken).AnyAsync(page => page.Count > 0, cancellationToken);

    /// <summary>A storage fault that stopped a journalled delete, in the audit log (each failed attempt is a record of its own).</summary>
    private async Task AppendFailedAsync(JournalEntity journal, DeleteTarget target, string? finishedBy)
    {
        var now = time.GetUtcNow();
        var record = Audit.AuditRecord.FromEvent(target.Event with { OperationId = journal.OperationId, DeletedFiles = 0, DeletedBytes = 0 }, target.Audit, Audit.AuditOutcomes.Failed) with
        {
            RecordId = Audit.AuditRecord.IdOf(journal.OperationId, "failed", now.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Time = Audit.AuditRecord.TimeOf(now), ErrorCode = target.FailedCode, FinishedBy = finishedBy, EntryId = target.Event.RecycleBinEntryId ?? target.Bin?.EntryId,
        };
        try
        {
            await audit.AppendAsync(record, CancellationToken.None);
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogWarning(e, "Could not write the audit record of the failed delete {OperationId}", journal.OperationId);
        }
    }

    /// <summary>What the jobs would delete now, without deleting anything; recorded in the audit log, a record per job, when the request is audited.</summary>
    private async Task<DeletePlan> PlanAsync(IEnumerable<DeleteJob> jobs, DeleteRequest request, CancellationToken cancellationToken)
    {
        var tally = new DeleteTally();
        var records = 0;
        var planned = new List<Audit.AuditRecord>();
        var now = time.GetUtcNow();
        foreach (var job in jobs)
        {
            if ((await job.Prepare(cancellationToken)).Target is not { } target) continue;
            var (files, bytes) = (tally.Files, tally.Bytes);
            await foreach (var page in BlobDeleter.ListAsync(storage.Container(target.Location), target.Prefixes, target.Blobs, cancellationToken))
                foreach (var blob in page) tally.Add(blob.Name, blob.Properties.ContentLength ?? 0);
            records += target.WholePartition ? await journals.CountRecordsAsync(target.Partition, cancellationToken) : target.Rows.Count;
            var outcome = bin.Moves(request) ? Audit.AuditOutcomes.MovedToBin
                : target.Event.EventType == RecycleBin.BinMoves.PurgeEvent ? Audit.AuditOutcomes.Purged : Audit.AuditOutcomes.Deleted;
            planned.Add(Audit.AuditRecord.FromEvent(target.Event with { DeletedFiles = tally.Files - files, DeletedBytes = tally.Bytes - bytes }, target.Audit, outcome) with
            {
                RecordId = Audit.AuditRecord.IdOf(request.RequestId, "dry", target.Partition, planned.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), Time = Audit.AuditRecord.TimeOf(now), DryRun = true,
            });
        }
        if (request.Audited) await audit.AppendAsync(planned, cancellationToken);
        return new DeletePlan(tally.Files, tally.Bytes, records, tally.Paths);
    }

    /// <summary>
    /// Removes the target's records once its files are gone: their search rows while the files go, the rows that find them by ID
    /// or file after (so a retry still finds them), then the records, the journal row with the last. A whole partition goes
    /// with its owner row; a part of a video leaves the video row, updated. False when another finisher got there first.
    /// </summary>
    private async Task<bool> RemoveRecordsAsync(JournalEntity journal, DeleteTarget target, Task blobs, Func<PendingEventEntity> done, CancellationToken cancellationToken)
    {
        var named = target.Rows.ToHashSet();
        List<CatalogEntity> Doomed(PartitionRows rows) =>
        [
            .. rows.Streams.Concat<CatalogEntity>(rows.Images).Where(r => target.WholePartition || named.Contains(r.RowKey)),
            .. target.WholePartition ? new CatalogEntity?[] { rows.Video, rows.Attached }.OfType<CatalogEntity>() : [],
        ];
        async Task<PartitionRows> ReadAsync()
        {
            var rows = await journals.ReadPartitionAsync(journal.PartitionKey, cancellationToken);
            await catalog.RemoveIndexEntriesAsync(Doomed(rows), lookups: false, cancellationToken);
            return rows;
        }
        for (var attempt = 0; ; attempt++)
        {
            var read = ReadAsync();
            await Task.WhenAll(blobs, read);
            var rows = read.Result;
            if (rows.Journals.All(j => j.RowKey != journal.RowKey)) return false;
            var doomed = Doomed(rows);
            // What the recycle bin holds goes with a whole partition, and a purge names its entries (with their copies).
            var entries = RecycleBin.BinMoves.EntriesGoingWith(rows, target);
            var binned = rows.Binned.Where(r => entries.Any(e => r.RowKey == e.RowKey || r.RowKey.StartsWith(e.RowKey + "|", StringComparison.Ordinal))).ToList();
            await catalog.RemoveIndexEntriesAsync(entries, lookups: false, cancellationToken);
            await catalog.RemoveIndexEntriesAsync(doomed, lookups: true, cancellationToken);
            var owner = (CatalogEntity?)rows.Video ?? rows.Attached;
            var removed = doomed.Where(r => r != owner).Concat<ITableEntity>(target.WholePartition ? rows.Journals.Where(j => j.RowKey != journal.RowKey) : []).Concat(binned);
            if (!target.WholePartition && rows.Video is { } video)
            {
                if (target.OwnerUpdate is { } update) video.Set(update);
                video.Size = video.SizeWith(rows.Streams.Where(s => !named.Contains(s.RowKey)), rows.Images.Where(i => !named.Contains(i.RowKey)));
            }
            try
            {
                return await journals.EndAsync(journal, removed, owner, ownerStays: !target.WholePartition, done(), cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 412 && attempt < 10)
            {
                // The video changed (another delete of this video finished): read again.
            }
        }
    }
}
