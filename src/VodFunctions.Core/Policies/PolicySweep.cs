namespace VodFunctions.Core.Policies;

/// <summary>Settings of the policy sweep (<c>Vod__Policies__...</c>).</summary>
public sealed class PolicyOptions
{
    public const string Section = "Vod:Policies";

    /// <summary>How long one run may work; it then stops cleanly and the next run continues where it stopped.</summary>
    public TimeSpan RunBudget { get; set; } = TimeSpan.FromMinutes(9);
}

/// <summary>A run of <c>ApplyMediaPolicies</c>, as <c>ListMediaPolicyRuns</c> answers it.</summary>
public sealed class PolicyRunEntity : RunEntity
{
    public int Matched { get; set; }
    public int Deleted { get; set; }
    public int Skipped { get; set; }
    public int Failed { get; set; }
    public long DeletedBytes { get; set; }
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
    PolicyStore policies, RunStore runs, CatalogStore catalog, DeletionEngine engine,
    DeleteVideos deleteVideos, DeleteMezzanines deleteMezzanines, DeleteStreams deleteStreams,
    TimeProvider time, IOptions<PolicyOptions> options, ILogger<PolicySweep> logger)
{
    public const string FunctionName = "ApplyMediaPolicies";
    private const int PageSize = 1000;
    private const int AssetsInFlight = 16;

    private enum Verdict { None, Act, Skip }

    private sealed record Decision(string VideoId, Verdict Verdict, IReadOnlyList<string> JobIds);

    private sealed record Segment(MediaPolicy Policy, string? After, string? UpTo);

    /// <summary>Where the last run stopped: after <paramref name="After"/> (an index row) of policy <paramref name="PolicyId"/>.</summary>
    public sealed record SweepCursor(string PolicyId, string After);

    public async Task<PolicyRunEntity> RunAsync(string runId, string trigger, bool isPastDue, CancellationToken cancellationToken = default)
    {
        var start = time.GetUtcNow();
        var run = new PolicyRunEntity();
        run.Begin(FunctionName, runId, trigger, isPastDue, start);
        await runs.SaveAsync(run, cancellationToken);

        var enabled = MediaPolicy.InPriorityOrder((await policies.ListAsync(cancellationToken)).Where(p => p.Enabled));
        var cursor = await runs.GetCursorAsync<SweepCursor>(FunctionName, cancellationToken);
        logger.LogInformation("Policy run {RunId} ({Trigger}) starts: {Policies} enabled policies, continuing from {Cursor}",
            runId, trigger, enabled.Count, cursor?.PolicyId ?? "the beginning");
        var exhausted = new HashSet<string>();
        var position = cursor;
        var chunks = 0;
        using var gate = engine.NewGate();
        try
        {
            foreach (var segment in Plan(enabled, cursor))
            {
                var policy = segment.Policy;
                if (exhausted.Contains(policy.PolicyId)) continue;
                await foreach (var page in PagesAsync(segment, start, cancellationToken))
                {
                    foreach (var chunk in page.Chunk(AssetsInFlight))
                    {
                        if (chunks > 0 && time.GetUtcNow() - start >= options.Value.RunBudget)
                        {
                            run.Status = RunStatus.Interrupted;
                            await runs.SetCursorAsync(FunctionName, position, cancellationToken);
                            logger.LogInformation("Policy run {RunId} reached its budget of {Budget}; the next run continues at policy {PolicyId}",
                                runId, options.Value.RunBudget, position?.PolicyId);
                            return run;
                        }
                        var decisions = await Task.WhenAll(chunk.Select(entry => DecideAsync(entry, policy, enabled, start, cancellationToken)));
                        var acts = decisions.Where(d => d.Verdict == Verdict.Act).ToList();
                        var reservedAt = time.GetUtcNow();
                        var granted = acts.Count == 0 ? 0 : await policies.ReserveAsync(policy.PolicyId, reservedAt, acts.Count, policy.DailyLimit, cancellationToken);
                        var outcomes = await Task.WhenAll(acts.Take(granted).Select(d => DeleteAsync(d, policy, runId, gate, cancellationToken)));
                        // Only what was deleted counts against the day's limit: a failed asset, or one found done already, is given back.
                        var unused = outcomes.Count(o => o is not { Ok: true, Deleted: not null });
                        if (unused > 0) await policies.ReleaseAsync(policy.PolicyId, reservedAt, unused, cancellationToken);

                        run.Skipped += decisions.Count(d => d.Verdict == Verdict.Skip) + outcomes.Count(o => o is { Ok: true, Deleted: null });
                        run.Deleted += outcomes.Count(o => o is { Ok: true, Deleted: not null });
                        run.Failed += outcomes.Count(o => !o.Ok);
                        run.DeletedBytes += outcomes.Sum(o => o.Deleted?.Bytes ?? 0);
                        run.Matched = run.Deleted + run.Skipped + run.Failed;
                        position = new SweepCursor(policy.PolicyId, chunk[^1].RowKey);
                        chunks++;
                        if (granted < acts.Count)
                        {
                            exhausted.Add(policy.PolicyId);
                            logger.LogInformation("Policy {PolicyId} reached its daily limit of {DailyLimit}; the rest waits for the next UTC day",
                                policy.PolicyId, policy.DailyLimit);
                            break;
                        }
                    }
                    await runs.SetCursorAsync(FunctionName, position, cancellationToken);
                    await runs.SaveAsync(run, cancellationToken);
                    logger.LogInformation("Policy run {RunId} at policy {PolicyId}: {Matched} matched, {Deleted} deleted, {Skipped} skipped, {Failed} failed, {Bytes} bytes",
                        runId, policy.PolicyId, run.Matched, run.Deleted, run.Skipped, run.Failed, run.DeletedBytes);
                    if (exhausted.Contains(policy.PolicyId)) break;
                }
            }
            await runs.SetCursorAsync<SweepCursor>(FunctionName, null, cancellationToken);
            run.Status = RunStatus.Completed;
            return run;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Status = RunStatus.Cancelled;
            await runs.SetCursorAsync(FunctionName, position, CancellationToken.None);
            return run;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Policy run {RunId} failed", runId);
            run.Status = RunStatus.Failed;
            run.Error = e.Message;
            return run;
        }
        finally
        {
            run.EndTime = time.GetUtcNow();
            await runs.SaveAsync(run, CancellationToken.None);
            logger.LogInformation("Policy run {RunId} {Status}: {Matched} matched, {Deleted} deleted, {Skipped} skipped, {Failed} failed, {Bytes} bytes",
                runId, run.Status, run.Matched, run.Deleted, run.Skipped, run.Failed, run.DeletedBytes);
        }
    }

    /// <summary>What the next run would do with <paramref name="policy"/> now: its assets after priority, up to what is left of today's limit.</summary>
    public async Task<IReadOnlyList<PolicyMatch>> PreviewAsync(MediaPolicy policy, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var enabled = MediaPolicy.InPriorityOrder((await policies.ListAsync(cancellationToken)).Where(p => p.Enabled));
        if (enabled.FirstOrDefault(p => p.PolicyId == policy.PolicyId) is not { } current) return [];
        policy = current;
        var cursor = await runs.GetCursorAsync<SweepCursor>(FunctionName, cancellationToken);
        var left = policy.DailyLimit - await policies.UsedAsync(policy.PolicyId, now, cancellationToken);
        var matches = new List<PolicyMatch>();
        foreach (var segment in Plan(enabled, cursor).Where(s => s.Policy.PolicyId == policy.PolicyId))
        {
            await foreach (var page in PagesAsync(segment, now, cancellationToken))
            {
                foreach (var chunk in page.Chunk(AssetsInFlight))
                {
                    var decisions = await Task.WhenAll(chunk.Select(entry => DecideAsync(entry, policy, enabled, now, cancellationToken)));
                    foreach (var decision in decisions.Where(d => d.Verdict == Verdict.Act))
                    {
                        if (matches.Count >= left) return matches;
                        var dryRun = new DeleteRequest("", DeleteTrigger.Policy(policy.PolicyId), DryRun: true);
                        var plan = (await engine.RunAsync([Job(decision, policy, dryRun)], dryRun, cancellationToken)).Value!;
                        matches.Add(new PolicyMatch(decision.VideoId, policy.Action, plan.Files, plan.Bytes));
                    }
                }
            }
        }
        return matches;
    }

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

    /// <summary>Index rows of videos old enough for the segment's policy (and in its application and categories, which <see cref="MediaPolicy.Matches"/> checks again).</summary>
    private IAsyncEnumerable<IReadOnlyList<IndexEntity>> PagesAsync(Segment segment, DateTimeOffset now, CancellationToken cancellationToken) =>
        catalog.VideosCreatedByAsync(segment.Policy.AppId, segment.Policy.Cutoff(now), segment.After, segment.UpTo, segment.Policy.CateIds, PageSize, cancellationToken);

    /// <summary>Whether <paramref name="policy"/> handles this video now: it must be the first enabled policy that matches, with something left to do.</summary>
    private async Task<Decision> DecideAsync(IndexEntity entry, MediaPolicy policy, IReadOnlyList<MediaPolicy> enabled, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var none = new Decision(entry.MediaId, Verdict.None, []);
        var video = await catalog.GetVideoAsync(entry.MediaId, cancellationToken);
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

    /// <summary>One asset through the deletion core, with the policy as the events' Trigger; a storage fault fails this asset only.</summary>
    private async Task<DeleteOutcome> DeleteAsync(Decision decision, MediaPolicy policy, string runId, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.DeleteAsync(Job(decision, policy, new DeleteRequest(runId, DeleteTrigger.Policy(policy.PolicyId))), gate, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Policy {PolicyId} could not delete {VideoId}; it is retried by a later run or finished by ReconcileStorage", policy.PolicyId, decision.VideoId);
            return new DeleteOutcome(false, null);
        }
    }
}
