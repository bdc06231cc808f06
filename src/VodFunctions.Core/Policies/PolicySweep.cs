using System.Runtime.CompilerServices;

namespace VodFunctions.Core.Policies;

/// <summary>A run of <c>ApplyMediaPolicies</c>, as <c>ListMediaPolicyRuns</c> answers it.</summary>
public sealed class PolicyRunEntity : RunEntity
{
    public int Matched { get; set; }
    public int Deleted { get; set; }
    public int Skipped { get; set; }
    public int Failed { get; set; }
    public long DeletedBytes { get; set; }

    /// <summary>Assets put on the policy work queue (<c>Vod__Policies__Queue</c>); their deletes are counted as the workers settle them.</summary>
    public int Enqueued { get; set; }

    /// <summary>Messages (batches) queued.</summary>
    public int Batches { get; set; }

    /// <summary>Set once every queued asset is settled: the counts above then include them, and <see cref="RunEntity.EndTime"/> is the last one's.</summary>
    public bool WorkDone { get; set; }

    /// <summary>
    /// The counts above per policy, as JSON (PolicyId to <see cref="PolicyCounts"/>): what the run itself decided and deleted. Assets it
    /// put on the work queue count there as <c>Enqueued</c>; their deletes are in their batches (<see cref="WorkBatchEntity"/>).
    /// </summary>
    public string? Policies { get; set; }

    public Dictionary<string, PolicyCounts> PolicyCountsMap() =>
        Policies is null ? [] : JsonSerializer.Deserialize<Dictionary<string, PolicyCounts>>(Policies) ?? [];

    /// <summary>Adds to one policy's counts.</summary>
    public void Count(string policyId, PolicyCounts added)
    {
        var all = PolicyCountsMap();
        all[policyId] = all.TryGetValue(policyId, out var counts) ? counts + added : added;
        Policies = JsonSerializer.Serialize(all);
    }
}

/// <summary>One policy's share of a run: assets matched, enqueued, deleted, skipped, failed, and the bytes deleted.</summary>
public sealed record PolicyCounts(int Matched = 0, int Enqueued = 0, int Deleted = 0, int Skipped = 0, int Failed = 0, long DeletedBytes = 0)
{
    public static PolicyCounts operator +(PolicyCounts a, PolicyCounts b) => new(a.Matched + b.Matched, a.Enqueued + b.Enqueued,
        a.Deleted + b.Deleted, a.Skipped + b.Skipped, a.Failed + b.Failed, a.DeletedBytes + b.DeletedBytes);
}

/// <summary>One asset a run would handle now, as <c>PreviewMediaPolicy</c> answers it.</summary>
public sealed record PolicyMatch(string VideoId, string Action, int Files, long Bytes);

/// <summary>
/// Applies the enabled media policies. Candidates come from the creation-time index
/// (<c>time|video|{app}</c>, or <c>time|video|*</c> for a policy of every application), from the oldest
/// allowed moment on, so the cost follows the assets old enough to match, never the whole catalog.
/// <para>
/// A run walks the policies in priority order as one cycle of (policy, index row) positions. When its
/// time budget is reached it stops after the assets in flight and saves its position; the next run starts
/// there, goes round, and wraps back to it. <see cref="PreviewAsync"/> walks the same positions with the
/// same decisions, so it answers what the next run does (unless that run's budget stops it first).
/// </para>
/// </summary>
public sealed class PolicySweep(
    PolicyStore policies, RunStore runs, RunRecorder recorder, CatalogStore catalog, DeletionEngine engine,
    DeleteVideos deleteVideos, DeleteMezzanines deleteMezzanines, DeleteStreams deleteStreams, PolicyWorkStore work,
    TimeProvider time, IOptions<PolicyOptions> options, ILogger<PolicySweep> logger)
{
    public const string FunctionName = "ApplyMediaPolicies";
    private const int PageSize = 1000;
    private const int AssetsInFlight = 16;

    private enum Verdict { None, Act, Skip }

    private sealed record Decision(string VideoId, Verdict Verdict, IReadOnlyList<string> JobIds);

    private sealed record Segment(MediaPolicy Policy, string? After, string? UpTo);

    /// <summary>Assets of one policy decided and deleted together; <see cref="PageEnd"/> on the last of a page of the index.</summary>
    private sealed record Chunk(MediaPolicy Policy, IndexEntity[] Entries, bool PageEnd);

    /// <summary>Where the last run stopped: after <paramref name="After"/> (an index row) of policy <paramref name="PolicyId"/>.</summary>
    public sealed record SweepCursor(string PolicyId, string After);

    public Task<PolicyRunEntity> RunAsync(string runId, string trigger, bool isPastDue, CancellationToken cancellationToken = default) =>
        recorder.RunAsync<PolicyRunEntity>(FunctionName, runId, trigger, isPastDue, options.Value, SweepAsync, run => logger.LogInformation(
            "Policy run {RunId} {Status}: {Matched} matched, {Enqueued} enqueued, {Deleted} deleted, {Skipped} skipped, {Failed} failed, {Bytes} bytes",
            run.RunId, run.Status, run.Matched, run.Enqueued, run.Deleted, run.Skipped, run.Failed, run.DeletedBytes), cancellationToken);

    /// <summary>Walks the chunks from the cursor round, deleting what each policy takes, saving the position and the run at each page's end.</summary>
    private async Task SweepAsync(PolicyRunEntity run, RunBudget budget, CancellationToken cancellationToken)
    {
        var enabled = await EnabledAsync(cancellationToken);
        var cursor = await runs.GetCursorAsync<SweepCursor>(FunctionName, cancellationToken);
        logger.LogInformation("Policy run {RunId} ({Trigger}) starts: {Policies} enabled policies, continuing from {Cursor}",
            run.RunId, run.Trigger, enabled.Count, cursor?.PolicyId ?? "the beginning");
        var exhausted = new HashSet<string>();
        var position = cursor;
        var chunks = 0;
        using var gate = engine.NewGate();
        try
        {
            await foreach (var chunk in ChunksAsync(Plan(enabled, cursor), budget.Start, exhausted, cancellationToken))
            {
                if (budget.SpentAfter(chunks))
                {
                    run.Status = RunStatus.Interrupted;
                    await runs.SetCursorAsync(FunctionName, position, cancellationToken);
                    logger.LogInformation("Policy run {RunId} reached its budget of {Budget}; the next run continues at policy {PolicyId}",
                        run.RunId, budget.Limit, position?.PolicyId);
                    return;
                }
                var policy = chunk.Policy;
                if (!await ApplyAsync(run, chunk, enabled, budget.Start, gate, cancellationToken))
                {
                    exhausted.Add(policy.PolicyId);
                    logger.LogInformation("Policy {PolicyId} reached its daily limit of {DailyLimit}; the rest waits for the next UTC day", policy.PolicyId, policy.DailyLimit);
                }
                position = new SweepCursor(policy.PolicyId, chunk.Entries[^1].RowKey);
                chunks++;
                if (!chunk.PageEnd && !exhausted.Contains(policy.PolicyId)) continue;
                await runs.SetCursorAsync(FunctionName, position, cancellationToken);
                await runs.SaveAsync(run, cancellationToken);
                logger.LogInformation("Policy run {RunId} at policy {PolicyId}: {Matched} matched, {Deleted} deleted, {Skipped} skipped, {Failed} failed, {Bytes} bytes",
                    run.RunId, policy.PolicyId, run.Matched, run.Deleted, run.Skipped, run.Failed, run.DeletedBytes);
            }
            await runs.SetCursorAsync<SweepCursor>(FunctionName, null, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await runs.SetCursorAsync(FunctionName, position, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Decides a chunk's assets, takes what is left of the policy's daily limit for those it acts on, and deletes them; only what
    /// was deleted counts against the limit. Answers false when the limit did not cover them all.
    /// </summary>
    private async Task<bool> ApplyAsync(PolicyRunEntity run, Chunk chunk, IReadOnlyList<MediaPolicy> enabled, DateTimeOffset now, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var policy = chunk.Policy;
        var decisions = await Task.WhenAll(chunk.Entries.Select(entry => DecideAsync(entry, policy, enabled, now, cancellationToken)));
        var acts = decisions.Where(d => d.Verdict == Verdict.Act).ToList();
        var reservedAt = time.GetUtcNow();
        var granted = acts.Count == 0 ? 0 : await policies.ReserveAsync(policy.PolicyId, reservedAt, acts.Count, policy.DailyLimit, cancellationToken);
        if (work.FansOut)
        {
            // Fanned out: the assets are counted against the limit now, and given back by the worker that skips or fails one.
            if (granted > 0)
            {
                try
                {
                    await work.EnqueueAsync(run.RunId, run.Batches, policy.PolicyId, acts.Take(granted).Select(d => d.VideoId).ToList(), reservedAt, cancellationToken);
                }
                catch
                {
                    await policies.ReleaseAsync(policy.PolicyId, reservedAt, granted, CancellationToken.None);
                    throw;
                }
                run.Batches++;
                run.Enqueued += granted;
            }
            var skips = decisions.Count(d => d.Verdict == Verdict.Skip);
            run.Skipped += skips;
            run.Matched = run.Enqueued + run.Skipped;
            if (granted + skips > 0) run.Count(policy.PolicyId, new PolicyCounts(Matched: granted + skips, Enqueued: granted, Skipped: skips));
            return granted == acts.Count;
        }
        var outcomes = await Task.WhenAll(acts.Take(granted).Select(d => DeleteAsync(d, policy, run.RunId, gate, cancellationToken)));
        // A failed asset, or one found done already, is given back.
        var unused = outcomes.Count(o => o is not { Ok: true, Deleted: not null });
        if (unused > 0) await policies.ReleaseAsync(policy.PolicyId, reservedAt, unused, cancellationToken);

        var counts = new PolicyCounts(
            Skipped: decisions.Count(d => d.Verdict == Verdict.Skip) + outcomes.Count(o => o is { Ok: true, Deleted: null }),
            Deleted: outcomes.Count(o => o is { Ok: true, Deleted: not null }), Failed: outcomes.Count(o => !o.Ok),
            DeletedBytes: outcomes.Sum(o => o.Deleted?.Bytes ?? 0));
        counts = counts with { Matched = counts.Deleted + counts.Skipped + counts.Failed };
        run.Skipped += counts.Skipped;
        run.Deleted += counts.Deleted;
        run.Failed += counts.Failed;
        run.DeletedBytes += counts.DeletedBytes;
        run.Matched = run.Deleted + run.Skipped + run.Failed;
        if (counts.Matched > 0) run.Count(policy.PolicyId, counts);
        return granted == acts.Count;
    }

    /// <summary>What the next run would do with <paramref name="policy"/> now: its assets after priority, up to what is left of today's limit.</summary>
    public async Task<IReadOnlyList<PolicyMatch>> PreviewAsync(MediaPolicy policy, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var enabled = await EnabledAsync(cancellationToken);
        if (enabled.FirstOrDefault(p => p.PolicyId == policy.PolicyId) is not { } current) return [];
        var cursor = await runs.GetCursorAsync<SweepCursor>(FunctionName, cancellationToken);
        var left = current.DailyLimit - await policies.UsedAsync(current.PolicyId, now, cancellationToken);
        var dryRun = new DeleteRequest("", DeleteTrigger.Policy(current.PolicyId), DryRun: true);
        var matches = new List<PolicyMatch>();
        await foreach (var chunk in ChunksAsync(Plan(enabled, cursor).Where(s => s.Policy.PolicyId == current.PolicyId), now, new HashSet<string>(), cancellationToken))
        {
            var decisions = await Task.WhenAll(chunk.Entries.Select(entry => DecideAsync(entry, current, enabled, now, cancellationToken)));
            foreach (var decision in decisions.Where(d => d.Verdict == Verdict.Act))
            {
                if (matches.Count >= left) return matches;
                var plan = (await engine.RunAsync([Job(decision, current, dryRun)], dryRun, cancellationToken)).Value!.Plan!;
                matches.Add(new PolicyMatch(decision.VideoId, current.Action, plan.Files, plan.Bytes));
            }
        }
        return matches;
    }

    private async Task<IReadOnlyList<MediaPolicy>> EnabledAsync(CancellationToken cancellationToken) =>
        MediaPolicy.InPriorityOrder((await policies.ListAsync(cancellationToken)).Where(p => p.Enabled));

    /// <summary>The cycle of positions a run walks: from the cursor to the end of all policies, then round to the cursor.</summary>
    private static IEnumerable<Segment> Plan(IReadOnlyList<MediaPolicy> enabled, SweepCursor? cursor)
    {
        var start = cursor is null ? -1 : enabled.ToList().FindIndex(p => p.PolicyId == cursor.PolicyId);
        if (start < 0)
        {
            foreach (var policy in enabled) yield return new Segment(policy, null, null);
            yield break;
        }
        yield return new Segment(enabled[start], cursor!.After, null);
        for (var i = 1; i < enabled.Count; i++) yield return new Segment(enabled[(start + i) % enabled.Count], null, null);
        yield return new Segment(enabled[start], null, cursor.After);
    }

    /// <summary>The segments' videos old enough for their policies (and in their applications and categories), in chunks, but none of a policy in <paramref name="exhausted"/>.</summary>
    private async IAsyncEnumerable<Chunk> ChunksAsync(
        IEnumerable<Segment> segments, DateTimeOffset now, IReadOnlySet<string> exhausted, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var (policy, after, upTo) in segments)
        {
            if (exhausted.Contains(policy.PolicyId)) continue;
            await foreach (var page in catalog.VideosCreatedByAsync(policy.AppId, policy.Cutoff(now), after, upTo, policy.CateIds, PageSize, cancellationToken))
            {
                var chunks = page.Chunk(AssetsInFlight).ToList();
                for (var i = 0; i < chunks.Count && !exhausted.Contains(policy.PolicyId); i++)
                    yield return new Chunk(policy, chunks[i], i == chunks.Count - 1);
                if (exhausted.Contains(policy.PolicyId)) break;
            }
        }
    }

    /// <summary>Whether <paramref name="policy"/> handles this video now: it must be the first enabled policy that matches, with something left to do.</summary>
    private Task<Decision> DecideAsync(IndexEntity entry, MediaPolicy policy, IReadOnlyList<MediaPolicy> enabled, DateTimeOffset now, CancellationToken cancellationToken) =>
        DecideAsync(entry.MediaId, policy, enabled, now, cancellationToken);

    private async Task<Decision> DecideAsync(string videoId, MediaPolicy policy, IReadOnlyList<MediaPolicy> enabled, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var none = new Decision(videoId, Verdict.None, []);
        var video = await catalog.GetVideoAsync(videoId, cancellationToken);
        if (video is null || video.Deleting || enabled.FirstOrDefault(p => p.Matches(video, now))?.PolicyId != policy.PolicyId) return none;
        switch (policy.Action)
        {
            case PolicyActions.DeleteVideo:
                return none with { Verdict = Verdict.Act };
            case PolicyActions.DeleteMezzanine:
                if (video.MezzanineStatus == MezzanineStatus.Deleted || video.MezzanineDeleting) return none;
                // The mezzanine of a NoTranscode/AsyncTranscode video is its only original-quality playback: never deleted by a policy.
                return none with { Verdict = TranscodeModes.MezzanineIsPlayback(video.TranscodeMode) ? Verdict.Skip : Verdict.Act };
            default:
                var jobIds = await catalog.StreamsAsync(video.VideoId, cancellationToken)
                    .Where(s => !s.Deleting && policy.Definitions.Contains(s.Definition)).Select(s => s.JobId).ToListAsync(cancellationToken);
                return jobIds.Count == 0 ? none : new Decision(video.VideoId, Verdict.Act, jobIds);
        }
    }

    private DeleteJob Job(Decision decision, MediaPolicy policy, DeleteRequest request) => policy.Action switch
    {
        PolicyActions.DeleteVideo => deleteVideos.Job(decision.VideoId, request),
        PolicyActions.DeleteMezzanine => deleteMezzanines.Job(decision.VideoId, request),
        _ => deleteStreams.Job(decision.VideoId, decision.JobIds, request),
    };

    /// <summary>One asset through the deletion core, with the policy as the events' Trigger; a fault fails this asset only.</summary>
    private async Task<DeleteOutcome> DeleteAsync(Decision decision, MediaPolicy policy, string runId, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.DeleteAsync(Job(decision, policy, new DeleteRequest(runId, DeleteTrigger.Policy(policy.PolicyId)) { PolicyName = policy.Name }), gate, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Policy {PolicyId} could not delete {VideoId}; it is retried by a later run or finished by ReconcileStorage", policy.PolicyId, decision.VideoId);
            return new DeleteOutcome(false, null);
        }
    }

    // ---- the fanned-out deletes: a message of the policy work queue, on whichever instance takes it ----

    /// <summary>
    /// Deletes one message's assets, on whichever instance the queue gives it to. Each asset is decided again with the policies as
    /// now stored (a policy edited, disabled or deleted, an asset changed since it was queued are honoured), marked as being
    /// deleted, deleted through the core with the policy as the trigger, and settled once under the batch's ETag: a second
    /// delivery of the message finds it settled and neither deletes nor counts it again. A skipped asset is given back to the
    /// policy's daily limit. Throws when an asset's delete failed: the message is tried again, and after the queue's maximum
    /// dequeue count goes to the poison queue, where <c>ReconcileStorage</c> settles it (<see cref="SettlePoisonedAsync"/>).
    /// </summary>
    public async Task DeleteQueuedAsync(string text, CancellationToken cancellationToken = default)
    {
        if (PolicyWorkMessage.Parse(text) is not { } message)
        {
            logger.LogError("A message of the policy work queue is not one; it is dropped: {Message}", text);
            return;
        }
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (await work.GetAsync(message, cancellationToken) is not { } batch)
            {
                logger.LogWarning("Policy work {Batch} of run {RunId} has no batch record; it is dropped", message.Batch, message.RunId);
                return;
            }
            var videos = batch.Videos();
            var open = Enumerable.Range(0, videos.Count).Where(i => !WorkState.IsSettled(batch.States[i])).ToList();
            if (open.Count == 0) return; // delivered again: deleted and counted already
            var enabled = await EnabledAsync(cancellationToken);
            var policy = enabled.FirstOrDefault(p => p.PolicyId == message.PolicyId);
            var now = time.GetUtcNow();
            var decisions = await Task.WhenAll(open.Select(i => policy is null
                ? Task.FromResult(new Decision(videos[i], Verdict.None, []))
                : DecideAsync(videos[i], policy, enabled, now, cancellationToken)));
            var begun = open.Select(i => batch.States[i] == WorkState.Deleting).ToList();
            // Marked before anything is deleted: a delivery after a stop knows this run began them, and counts them when it finds them gone.
            var states = batch.States.ToCharArray();
            foreach (var (i, k) in open.Select((i, k) => (i, k))) if (decisions[k].Verdict == Verdict.Act) states[i] = WorkState.Deleting;
            if (new string(states) != batch.States)
            {
                batch.States = new string(states);
                if (!await work.TryWriteAsync(batch, cancellationToken)) continue; // another delivery wrote it meanwhile: read it again
            }
            using var gate = engine.NewGate();
            var outcomes = await Task.WhenAll(open.Select((i, k) => OutcomeAsync(decisions[k], begun[k], policy, message.RunId, gate, cancellationToken)));
            var settled = open.Select((i, k) => (Index: i, Outcome: outcomes[k])).Where(o => o.Outcome is not null).Select(o => (o.Index, o.Outcome!.Value)).ToList();
            await SettleAsync(message, batch, settled, cancellationToken);
            if (settled.Count < open.Count)
                throw new PolicyWorkFailedException($"{open.Count - settled.Count} assets of policy {message.PolicyId} (run {message.RunId}, batch {message.Batch}) could not be deleted; the message is tried again.");
            return;
        }
        throw new PolicyWorkFailedException($"Policy work {message.Batch} of run {message.RunId} kept conflicting with another delivery; the message is tried again.");
    }

    /// <summary>
    /// Settles the assets of a message that kept failing (taken from the poison queue): one whose delete was begun and is now
    /// finished counts as deleted, any other as failed, given back to the daily limit. Answers the VideoIds that failed.
    /// </summary>
    public async Task<IReadOnlyList<string>> SettlePoisonedAsync(PolicyWorkMessage message, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (await work.GetAsync(message, cancellationToken) is not { } batch) return [];
            var videos = batch.Videos();
            var policy = await policies.GetAsync(message.PolicyId, cancellationToken);
            var settled = new List<(int, WorkOutcome)>();
            foreach (var i in Enumerable.Range(0, videos.Count).Where(i => !WorkState.IsSettled(batch.States[i])))
            {
                var finished = batch.States[i] == WorkState.Deleting
                    && await engine.FinishPendingAsync(deleteVideos.Job(videos[i], new DeleteRequest(message.RunId, DeleteTrigger.Policy(message.PolicyId))).Partition, cancellationToken)
                    && await GoneAsync(videos[i], policy, cancellationToken);
                settled.Add((i, new WorkOutcome(finished ? WorkState.Deleted : WorkState.Failed, 0)));
            }
            if (settled.Count == 0) return [];
            if (await TrySettleAsync(message, batch, settled, cancellationToken))
                return settled.Where(s => s.Item2.State == WorkState.Failed).Select(s => videos[s.Item1]).ToList();
        }
        throw new PolicyWorkFailedException($"Policy work {message.Batch} of run {message.RunId} kept conflicting with another delivery.");
    }

    /// <summary>What became of one asset: null when its delete failed (the message is tried again).</summary>
    private async Task<WorkOutcome?> OutcomeAsync(Decision decision, bool begun, MediaPolicy? policy, string runId, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        if (decision.Verdict == Verdict.Act)
        {
            var outcome = await DeleteAsync(decision, policy!, runId, gate, cancellationToken);
            if (!outcome.Ok) return null;
            if (outcome.Deleted is { } deleted) return new WorkOutcome(WorkState.Deleted, deleted.Bytes);
            // Nothing left to delete: another delivery of this message (or another caller) got there first.
            return new WorkOutcome(await GoneAsync(decision.VideoId, policy, cancellationToken) ? WorkState.Deleted : WorkState.Skipped, 0);
        }
        if (!begun) return new WorkOutcome(WorkState.Skipped, 0);
        // Begun by an earlier delivery that stopped: what it journalled is finished; it counts as deleted if it is gone.
        var partition = deleteVideos.Job(decision.VideoId, new DeleteRequest(runId, DeleteTrigger.Policy(policy?.PolicyId ?? ""))).Partition;
        if (!await engine.FinishPendingAsync(partition, cancellationToken)) return null;
        return new WorkOutcome(await GoneAsync(decision.VideoId, policy, cancellationToken) ? WorkState.Deleted : WorkState.Skipped, 0);
    }

    /// <summary>Whether what the policy deletes of the video is gone (the whole video, its source, or its streams of the policy's definitions).</summary>
    private async Task<bool> GoneAsync(string videoId, MediaPolicy? policy, CancellationToken cancellationToken)
    {
        var video = await catalog.GetVideoAsync(videoId, cancellationToken);
        if (video is null) return true;
        return policy?.Action switch
        {
            PolicyActions.DeleteMezzanine => video.MezzanineStatus == MezzanineStatus.Deleted,
            PolicyActions.DeleteStreams => !await catalog.StreamsAsync(videoId, cancellationToken).AnyAsync(s => policy.Definitions.Contains(s.Definition), cancellationToken),
            _ => false,
        };
    }

    private async Task SettleAsync(PolicyWorkMessage message, WorkBatchEntity batch, IReadOnlyList<(int Index, WorkOutcome Outcome)> settled, CancellationToken cancellationToken)
    {
        for (var attempt = 0; !await TrySettleAsync(message, batch, settled, cancellationToken); attempt++)
        {
            if (attempt >= 20 || await work.GetAsync(message, cancellationToken) is not { } fresh)
                throw new PolicyWorkFailedException($"Policy work {message.Batch} of run {message.RunId} could not be settled; the message is tried again.");
            batch = fresh;
        }
    }

    /// <summary>
    /// Moves the assets not settled yet to their outcomes and counts them, in one write under the batch's ETag, then gives the skipped
    /// and failed back to the policy's daily limit. False when another delivery wrote the batch since it was read.
    /// </summary>
    private async Task<bool> TrySettleAsync(PolicyWorkMessage message, WorkBatchEntity batch, IReadOnlyList<(int Index, WorkOutcome Outcome)> settled, CancellationToken cancellationToken)
    {
        var states = batch.States.ToCharArray();
        var news = settled.Where(s => !WorkState.IsSettled(states[s.Index])).ToList();
        if (news.Count == 0) return true;
        foreach (var (index, outcome) in news) states[index] = outcome.State;
        batch.States = new string(states);
        batch.Deleted += news.Count(s => s.Outcome.State == WorkState.Deleted);
        batch.Skipped += news.Count(s => s.Outcome.State == WorkState.Skipped);
        batch.Failed += news.Count(s => s.Outcome.State == WorkState.Failed);
        batch.DeletedBytes += news.Sum(s => s.Outcome.Bytes);
        if (!await work.TryWriteAsync(batch, cancellationToken)) return false;
        var unused = news.Count(s => s.Outcome.State != WorkState.Deleted);
        if (unused > 0) await policies.ReleaseAsync(message.PolicyId, message.ReservedAt, unused, CancellationToken.None);
        logger.LogInformation("Policy {PolicyId} run {RunId} batch {Batch}: {Deleted} deleted, {Skipped} skipped, {Failed} failed",
            message.PolicyId, message.RunId, message.Batch, news.Count(s => s.Outcome.State == WorkState.Deleted),
            news.Count(s => s.Outcome.State == WorkState.Skipped), news.Count(s => s.Outcome.State == WorkState.Failed));
        return true;
    }

    /// <summary>
    /// The run with its queued work added up: while some is left its <see cref="RunEntity.Status"/> reads <c>Running</c>; once all is
    /// settled the counts are final, written back with the last asset's time as the run's end.
    /// </summary>
    public async Task<(PolicyRunEntity Run, int Remaining)> CurrentAsync(PolicyRunEntity run, CancellationToken cancellationToken = default)
    {
        if (run.Enqueued == 0 || run.WorkDone || await work.TallyAsync(run.RunId, cancellationToken) is not { } tally) return (run, 0);
        run.Deleted += tally.Deleted;
        run.Skipped += tally.Skipped;
        run.Failed += tally.Failed;
        run.DeletedBytes += tally.DeletedBytes;
        if (run.Status is not (RunStatus.Completed or RunStatus.Interrupted)) return (run, tally.Remaining);
        if (tally.Remaining > 0)
        {
            run.Status = RunStatus.Running;
            run.EndTime = null;
            return (run, tally.Remaining);
        }
        run.WorkDone = true;
        if (tally.LastChange > run.EndTime) run.EndTime = tally.LastChange;
        await runs.SaveAsync(run, cancellationToken);
        return (run, 0);
    }
}

/// <summary>A policy work message whose assets could not all be deleted: thrown so that the queue tries it again.</summary>
public sealed class PolicyWorkFailedException(string message) : Exception(message);
