using VodFunctions.Core.Policies;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Azure.Storage.Blobs.Models;

namespace VodFunctions.Core.Reconcile;

/// <summary>Where a pass of the walk is: a step, the page token within it, and when the pass began.</summary>
public sealed record WalkCursor(WalkStep Step, string? Token, DateTimeOffset PassStart);

/// <summary>A step of a pass: the catalog's records of a kind, or the blobs under a media folder of a container.</summary>
[JsonDerivedType(typeof(RecordsStep), "records")]
[JsonDerivedType(typeof(BlobsStep), "blobs")]
public abstract record WalkStep;

public sealed record RecordsStep(string Kind) : WalkStep;

public sealed record BlobsStep(string Location, string Prefix) : WalkStep;

/// <summary>
/// ReconcileStorage: finishes interrupted deletes (<see cref="InterruptedDeletes"/>); then walks the catalog (records whose
/// files are gone) and the media containers (blobs under <c>videos/</c>, <c>images/</c>, <c>attached/</c> that no record owns,
/// handed to <see cref="OrphanGrace"/>) page by page, saving where it is so that a walk spans runs and restarts.
/// </summary>
public sealed class StorageReconciler(
    CatalogStore catalog, MediaStorage storage, InterruptedDeletes interrupted, OrphanGrace orphans, ReconcileStore store, RunStore runs,
    RunRecorder recorder, PolicySweep sweep, PolicyWorkStore policyWork, Holds.HoldStore holds, TimeProvider time, IOptions<ReconcileOptions> options, ILogger<StorageReconciler> logger)
{
    public const string FunctionName = "ReconcileStorage";
    private const int RecordsInFlight = 16;
    private static readonly string[] Prefixes = ["videos/", "images/", "attached/"];

    public Task<ReconcileRunEntity> RunAsync(string runId, string trigger, bool isPastDue, CancellationToken cancellationToken = default) =>
        recorder.RunAsync<ReconcileRunEntity>(FunctionName, runId, trigger, isPastDue, options.Value, async (run, budget, token) =>
        {
            await foreach (var recovery in interrupted.FinishAsync(budget, token)) run.Count(recovery);
            await SettleFailedPolicyWorkAsync(run, token);
            await WalkAsync(run, budget, token);
        }, run => logger.LogInformation(
            "Reconcile run {RunId} {Status}: {FinishedDeletes} deletes finished ({FailedDeletes} failed), {ScannedRecords} records and {ScannedBlobs} blobs scanned, " +
            "{OrphanBlobs} new orphan blobs, {DeletedOrphans} orphans deleted, {MissingFiles} missing files",
            run.RunId, run.Status, run.FinishedDeletes, run.FailedDeletes, run.ScannedRecords, run.ScannedBlobs, run.OrphanBlobs, run.DeletedOrphans, run.MissingFiles),
            cancellationToken);

    /// <summary>The steps of one pass: the catalog's records by kind, then each container's media folders.</summary>
    private List<WalkStep> Steps() =>
    [
        .. MediaKinds.All.Select(kind => new RecordsStep(kind)),
        .. storage.DistinctLocations.SelectMany(location => Prefixes.Select(prefix => new BlobsStep(location, prefix))),
    ];

    private async Task WalkAsync(ReconcileRunEntity run, RunBudget budget, CancellationToken cancellationToken)
    {
        var steps = Steps();
        var cursor = await runs.GetCursorAsync<WalkCursor>(FunctionName, cancellationToken) is { } saved && steps.Contains(saved.Step)
            ? saved
            : new WalkCursor(steps[0], null, budget.Start);
        for (var pages = 0; ; pages++)
        {
            if (budget.SpentAfter(pages))
            {
                run.Status = RunStatus.Interrupted;
                logger.LogInformation("Reconcile run {RunId} reached its budget of {Budget}; the next run continues at {Step}", run.RunId, budget.Limit, cursor.Step);
                return;
            }
            var next = cursor.Step switch
            {
                RecordsStep records => await RecordsPageAsync(records.Kind, cursor.Token, run, cancellationToken),
                BlobsStep blobs => await BlobsPageAsync(blobs.Location, blobs.Prefix, cursor.Token, run, cancellationToken),
                _ => throw new UnreachableException(),
            };
            var index = steps.IndexOf(cursor.Step);
            if (next is null && index == steps.Count - 1)
            {
                var forgotten = await store.ForgetStaleAsync(cursor.PassStart, cancellationToken);
                await runs.SetCursorAsync<WalkCursor>(FunctionName, null, cancellationToken);
                run.PassCompleted = true;
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

    // ---- policy work that kept failing ----

    /// <summary>
    /// Takes the messages of the policy work queue's poison queue: finishes what each had begun, settles the rest as failed (the run's
    /// record counts them, the policy's daily limit gets them back) and keeps them in the report.
    /// </summary>
    private async Task SettleFailedPolicyWorkAsync(ReconcileRunEntity run, CancellationToken cancellationToken)
    {
        if (!policyWork.FansOut) return;
        var poison = policyWork.PoisonQueue;
        for (var polls = 0; polls < 100; polls++)
        {
            Azure.Storage.Queues.Models.QueueMessage[] messages;
            try
            {
                messages = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return; // no message ever failed
            }
            if (messages.Length == 0) return;
            foreach (var received in messages)
            {
                if (PolicyWorkMessage.Parse(received.MessageText) is { } message)
                {
                    var failed = await sweep.SettlePoisonedAsync(message, cancellationToken);
                    if (failed.Count > 0)
                    {
                        await store.SaveAsync(new FailedPolicyWorkEntity
                        {
                            RowKey = message.RunId + "|" + message.Batch, RunId = message.RunId, PolicyId = message.PolicyId,
                            VideoIds = JsonSerializer.Serialize(failed), Seen = time.GetUtcNow(),
                        }, cancellationToken);
                        logger.LogWarning("Policy {PolicyId} run {RunId}: {Failed} assets kept failing and are reported", message.PolicyId, message.RunId, failed.Count);
                    }
                    run.FailedPolicyDeletes += failed.Count;
                }
                await poison.DeleteMessageAsync(received.MessageId, received.PopReceipt, cancellationToken);
            }
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
        var page = await storage.Container(location).GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken)
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
            if (OwnerIdOf(blob.Name, prefix) is not { } id || !owned[id]) await orphans.SeenAsync(location, blob, run, cancellationToken);
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
        }
            // Files in the recycle bin stay where they were: its entries own them.
            || await catalog.RowsAsync<RecycleBin.BinEntryEntity>(id, RecycleBin.BinEntryEntity.Prefix, cancellationToken)
                .AnyAsync(e => RecycleBin.BinEntryEntity.IsEntryRow(e.RowKey) && storage.SameContainer(e.Location, location), cancellationToken)
            // Held media's files are never deleted, whatever became of its records: one query of its holds per folder.
            || await holds.AnyAsync(id, cancellationToken);
    }
}
