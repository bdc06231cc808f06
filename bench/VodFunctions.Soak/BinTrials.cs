using System.Diagnostics;
using System.Text.Json;

namespace VodFunctions.Soak;

/// <summary>One recycle bin trial as the seed plans it: a move (DeleteVideo, DeleteStream, DeleteImage of a video's snapshots), or a restore or purge of one.</summary>
public sealed record BinPlan(int Index, string Kind, string Move, Recovery Recovery, double KillAt, int Blobs, int Streams, int Snapshots, int App)
{
    public override string ToString() => $"{Index} {Kind} {Move} {Recovery} {KillAt:F3} {Blobs} {Streams} {Snapshots} {App}";

    public static readonly string[] Kinds = ["move", "restore", "purge"];
    public static readonly string[] Moves = ["DeleteVideo", "DeleteStream", "DeleteImage"];

    public static List<BinPlan> Plan(Random random, int trials) => Enumerable.Range(0, trials).Select(i => new BinPlan(
        // Every kind with every move in 9 trials, and the three moves in the first three.
        i + 1, Kinds[i % Kinds.Length], Moves[(i + i / Kinds.Length) % Moves.Length], random.Next(2) == 0 ? Recovery.Retry : Recovery.Reconcile,
        random.NextDouble() * 1.5, random.Next(100, 601), random.Next(2, 5),
        // Sometimes more snapshots than one transaction holds: a restore of them goes back in more than one.
        random.Next(2) == 0 ? random.Next(50, 121) : random.Next(8, 40), random.Next(AppUnderTest.Apps.Length))).ToList();
}

/// <summary>
/// Crash trials of the recycle bin (the <c>bin</c> part: its app has <c>Vod__RecycleBin__Retention</c> set). A move into the bin,
/// a restore or a purge of a fresh video's parts; the app killed (SIGKILL) at a random moment of it and started again, the reads
/// probed (what the operation names is shown whole or not at all), then recovered by a retry of the same call or by
/// ReconcileStorage alone. What the operation names must then be wholly in one state: in the bin (every file there, no read shows
/// it, its entry listed), live (every file there, the reads show it, no entry) or purged (no file, no read, no entry); which one
/// is the operation's end, or, recovered by ReconcileStorage from a kill before its journal, its start. Each move, restore and
/// purge that happened must have sent its one event (checked at the part's end).
/// </summary>
public sealed class BinTrials(Part part)
{
    private sealed record Target(string Operation, object Body, string DeleteType, bool Whole, List<VideoStream> Streams, List<Snapshot> Images)
    {
        public IEnumerable<string> Blobs(Video v) => Whole ? v.AliveBlobs.Select(b => b.Name) : Streams.SelectMany(s => s.Blobs).Select(b => b.Name).Concat(Images.Select(i => i.Blob.Name));
        public string? FirstPart => Streams.FirstOrDefault()?.JobId ?? Images.FirstOrDefault()?.Id;
    }

    private readonly Dictionary<string, double> _ms = [];
    private readonly List<(string EventType, string MediaId, string DeleteType, string? Part)> _expected = [];
    private Api Api => part.Api;

    public Dictionary<string, int> Outcomes { get; } = [];
    public Dictionary<string, int> Probed { get; } = [];
    public Dictionary<string, int> Recoveries { get; } = [];

    public async Task RunAsync(IReadOnlyList<BinPlan> plans)
    {
        foreach (var plan in plans) await TrialAsync(plan, plans.Count);
    }

    private async Task TrialAsync(BinPlan p, int of)
    {
        var random = new Random(part.Options.Seed * 7919 + p.Index + 200_000);
        var name = $"[{p.Index,3}/{of}] {p.Kind} {p.Move,-12}";
        var violations = new Violations(part.Violations);
        Log.Status($"{name} seeding ...");
        var video = await part.Seeder.VideoAsync(random, p.App, $"bin {p.Index:D3}", p.Blobs, p.Streams, p.Snapshots);
        video.Busy = true;
        var target = p.Move switch
        {
            "DeleteVideo" => new Target("DeleteVideo", new { VideoIds = new[] { video.Id } }, "all", true, [], []),
            "DeleteStream" when video.Streams.Take(random.Next(1, Math.Min(3, video.Streams.Count - 1) + 1)).ToList() is var streams =>
                new Target("DeleteStream", new { VideoId = video.Id, JobIds = streams.Select(s => s.JobId).ToArray() }, "stream", false, streams, []),
            _ => new Target("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.Id, ImageType = "All" }, "image", false, [], video.Images.ToList()),
        };
        var notes = new List<string>();
        string? entryId = null;
        Func<Task<Answer>> request = () => Api.CallAsync(target.Operation, target.Body);
        if (p.Kind != "move")
        {
            // The move first, uninterrupted; then the restore or purge of its entry is the call interrupted.
            var moved = await TimedAsync(target.Operation, request);
            entryId = EntryOf(moved) ?? throw new InvalidOperationException($"The move answered without an entry: {moved}");
            _expected.Add(("DeleteMediaComplete", video.Id, target.DeleteType, target.FirstPart));
            var body = new { EntryIds = new[] { entryId } };
            request = p.Kind == "restore" ? () => Api.CallAsync("RestoreMedia", body) : () => Api.CallAsync("PurgeRecycleBin", body);
        }
        var (start, end) = p.Kind switch { "move" => ("live", "bin"), "restore" => ("bin", "live"), _ => ("bin", "purged") };
        var operation = p.Kind == "move" ? target.Operation : p.Kind;

        // The call, and the app killed at a random moment of it.
        var delay = _ms.GetValueOrDefault(operation, 300) * p.KillAt;
        Log.Status($"{name} {operation}, kill in {delay:F0} ms ...");
        var sent = Stopwatch.GetTimestamp();
        var call = request();
        await Task.Delay(TimeSpan.FromMilliseconds(delay));
        await part.App.KillAsync();
        var killed = DateTimeOffset.UtcNow;
        var first = await call;
        if (first.Status == 200) Learn(operation, Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        var told = first.Status == 200;
        notes.Add($"answer {(first.Status == 0 ? "none" : first.Status)}");
        await part.App.StartAsync();

        // Before recovery: shown whole or not at all, never with a file missing.
        var probed = await StateAsync(video, target, violations, probe: true);
        var phase = probed == start ? "not begun" : probed == end ? "done" : "under way";
        Probed[phase] = Probed.GetValueOrDefault(phase) + 1;
        notes.Add($"killed with it {phase} ({probed})");

        var how = p.Recovery == Recovery.Retry ? "retry" : "reconcile";
        Recoveries[how] = Recoveries.GetValueOrDefault(how) + 1;
        string state;
        if (p.Recovery == Recovery.Retry)
        {
            Answer retried;
            for (var attempt = 0; (retried = await request()).Status is 0 or 503 && attempt < 5; attempt++) await Task.Delay(1000);
            notes.Add($"retry {retried.Status}{(retried.Code is { } code ? " " + code : "")}");
            told |= retried.Status == 200;
            // A retry that finishes a move answers as the move would: what moved, and its entry.
            if (p.Kind == "move" && retried.Status == 200 && retried.Json.TryGetProperty("Deleted", out var deleted) && deleted.GetProperty("Files").GetInt32() > 0
                && EntryOf(retried) is null)
                violations.Add(Violations.OffContract, $"bin trial {p.Index}", $"the retry finished the move without naming its entry: {retried}");
            state = await StateAsync(video, target, violations);
        }
        else
        {
            // Nothing but ReconcileStorage finishes it: a delete whose owner died is anyone's 30 s after its last heartbeat.
            state = await StateAsync(video, target, violations);
            while (!(state == end || state == start && !told) && DateTimeOffset.UtcNow - killed < TimeSpan.FromSeconds(part.Options.RecoverySeconds + 60))
            {
                Log.Status($"{name} waiting for ReconcileStorage to finish it ({(DateTimeOffset.UtcNow - killed).TotalSeconds:F0} s) ...");
                await part.RunFunctionAsync("ReconcileStorage");
                state = await StateAsync(video, target, violations);
                if (state != end) await Task.Delay(2000);
            }
            notes.Add($"reconciled after {(DateTimeOffset.UtcNow - killed).TotalSeconds:F0} s");
        }
        if (!(state == end || state == start && p.Recovery == Recovery.Reconcile && !told))
            violations.Add(Violations.Unfinished, $"bin trial {p.Index}", $"{operation} killed {phase}, recovered by {how}: ends {state}, not {end}{(told ? "" : $" or {start}")}");
        Outcomes[state] = Outcomes.GetValueOrDefault(state) + 1;
        notes.Add($"recovered {state}");

        // What happened sent its event; then what is left in the bin is purged, uninterrupted, so that the part's checks know every state.
        if (state == end && p.Kind == "move") _expected.Add(("DeleteMediaComplete", video.Id, target.DeleteType, target.FirstPart));
        if (state == end && p.Kind == "restore") _expected.Add((BinEvent.Restore, video.Id, target.DeleteType, target.FirstPart));
        if (state == end && p.Kind == "purge") _expected.Add((BinEvent.Purge, video.Id, target.DeleteType, target.FirstPart));
        if (state == "bin")
        {
            var listed = await EntriesAsync(video, target);
            var purged = await TimedAsync("purge", () => Api.CallAsync("PurgeRecycleBin", new { EntryIds = listed.ToArray() }));
            if (purged.Status != 200) throw new InvalidOperationException($"Purging trial {p.Index}'s entry answered {purged}");
            _expected.Add((BinEvent.Purge, video.Id, target.DeleteType, target.FirstPart));
            state = await StateAsync(video, target, violations);
        }
        if (state == "purged")
        {
            if (target.Whole) video.Deleted = true;
            foreach (var stream in target.Streams) stream.Deleted = true;
            foreach (var image in target.Images) image.Deleted = true;
        }
        video.Busy = false;
        var present = await Checks.ListAsync(part.Container);
        Checks.Storage(part.Catalog, present, violations);
        await Checks.ReadsAsync(Api, [video], [], present, violations, Checks.TrialImages);
        Log.Line($"{name} {string.Join("; ", notes)}; {(state == "purged" ? "purged" : "left")}; {violations.Brief()}");
    }

    /// <summary>
    /// Where what <paramref name="t"/> names stands: <c>live</c>, <c>bin</c>, <c>purged</c>, or a description of anything in between
    /// (a move or restore journalled and not finished shows nothing and lists no entry). Reads that show some of it and not the
    /// rest, or show it with a file missing, are violations.
    /// </summary>
    private async Task<string> StateAsync(Video v, Target t, Violations violations, bool probe = false)
    {
        var blobs = t.Blobs(v).ToList();
        var present = await Checks.ListAsync(part.Container, v.Folder);
        var files = blobs.Count(present.Contains);
        int shown, of;
        if (t.Whole)
        {
            (shown, of) = ((await Api.CallAsync("GetVideoInfo", new { VideoId = v.Id })).Status == 200 ? 1 : 0, 1);
        }
        else if (t.Streams.Count > 0)
        {
            var listed = (await Api.CallAsync("GetPlayInfo", new { VideoId = v.Id })).Items("PlayInfoList").Select(s => s.GetProperty("JobId").GetString()).ToHashSet();
            (shown, of) = (t.Streams.Count(s => listed.Contains(s.JobId)), t.Streams.Count);
        }
        else
        {
            var listed = (await Api.CallAsync("ListSnapshots", new { VideoId = v.Id })).Items("Images").Select(i => i.GetProperty("ImageId").GetString()).ToHashSet();
            (shown, of) = (t.Images.Count(i => listed.Contains(i.Id)), t.Images.Count);
        }
        var entries = (await EntriesAsync(v, t)).Count;
        var what = probe ? "before recovery" : "after recovery";
        if (shown > 0 && shown < of)
            violations.Add(Violations.UnfinishedReads, $"{t.Operation} of {v.Id} {what}", $"the reads show {shown} of the {of} it names");
        if (shown > 0 && files < blobs.Count)
            violations.Add(Violations.UnfinishedReads, $"{t.Operation} of {v.Id} files {what}", $"the reads show it with {blobs.Count - files} of its {blobs.Count} files gone");
        return (files, shown, entries) switch
        {
            _ when files == blobs.Count && shown == of && entries == 0 => "live",
            _ when files == blobs.Count && shown == 0 && entries == 1 => "bin",
            (0, 0, 0) => "purged",
            _ => $"{files}/{blobs.Count} files, {shown}/{of} shown, {entries} entries",
        };
    }

    /// <summary>The bin entries listed for what <paramref name="t"/> names.</summary>
    private async Task<List<string>> EntriesAsync(Video v, Target t)
    {
        var answer = await Api.CallAsync("ListRecycleBin", new { AppId = v.AppId, MediaType = "video", PageSize = 100 });
        return answer.Items("Entries")
            .Where(e => e.GetProperty("MediaId").GetString() == v.Id && e.GetProperty("DeleteType").GetString() == t.DeleteType)
            .Where(e => t.Streams.Count == 0 || e.TryGetProperty("JobIds", out var jobs) && jobs.ValueKind == JsonValueKind.Array
                && jobs.EnumerateArray().Any(j => j.GetString() == t.Streams[0].JobId))
            .Select(e => e.GetProperty("EntryId").GetString()!).ToList();
    }

    private static string? EntryOf(Answer answer) =>
        answer.Status == 200 && answer.Json.TryGetProperty("RecycleBin", out var bin) && bin.ValueKind == JsonValueKind.Object
            ? bin.GetProperty("EntryIds").EnumerateArray().FirstOrDefault().GetString() : null;

    private async Task<Answer> TimedAsync(string operation, Func<Task<Answer>> call)
    {
        var start = Stopwatch.GetTimestamp();
        var answer = await call();
        if (answer.Status == 200) Learn(operation, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return answer;
    }

    private void Learn(string operation, double ms) => _ms[operation] = _ms.TryGetValue(operation, out var old) ? 0.7 * old + 0.3 * ms : ms;

    /// <summary>Each move, restore and purge that happened sent one success event (repeats of one OperationId count once), and none other did.</summary>
    public void CheckEvents(EventLog events, Violations violations)
    {
        foreach (var group in _expected.GroupBy(e => e))
        {
            var (eventType, mediaId, deleteType, firstPart) = group.Key;
            var sent = events.Operations(eventType, mediaId, deleteType, firstPart);
            if (sent < group.Count()) violations.Add(Violations.NoEvent, $"{eventType} {mediaId} {deleteType}", $"{group.Count()} expected, {sent} sent");
            if (sent > group.Count()) violations.Add(Violations.EmptyEvent, $"{eventType} {mediaId} {deleteType}", $"{group.Count()} expected, {sent} sent");
        }
    }
}

public static class BinEvent
{
    public const string Restore = "RestoreMediaComplete", Purge = "PurgeMediaComplete";
}

/// <summary>
/// Killed queue workers (the <c>workers</c> part): a policy run fanned out over the policy work queue to the app and a second
/// process of it (the standalone listener in each); the second is killed with SIGKILL once it has begun deleting, mid-run. The
/// app finishes the run (the killed process's messages come back after their lease): every video deleted exactly once (storage
/// listed; one success event each, checked at the part's end) and the run's counts adding up.
/// </summary>
public sealed class WorkerTrials(Part part)
{
    public int Kills { get; private set; }
    public int BegunByKilled { get; private set; }
    public int Videos { get; private set; }

    public async Task RunAsync(int trials)
    {
        for (var index = 1; index <= trials; index++) await TrialAsync(index, trials);
    }

    private async Task TrialAsync(int index, int of)
    {
        var random = new Random(part.Options.Seed * 7919 + index + 300_000);
        var name = $"[{index,3}/{of}] killed worker";
        var violations = new Violations(part.Violations);
        var cateId = $"{80_000 + index}";
        var count = random.Next(40, 81);
        Log.Status($"{name} seeding {count} videos ...");
        var videos = new List<Video>();
        for (var i = 0; i < count; i++)
            videos.Add(await part.Seeder.VideoAsync(random, 0, $"workers {index:D3} v{i}", random.Next(10, 31), 1, 2, cateId: cateId));
        foreach (var video in videos) video.Busy = true;

        var began = 0;
        var first = new TaskCompletionSource();
        var worker = await part.App.StartWorkerAsync(line =>
        {
            Log.File("worker", line);
            if (line.Contains("Began ", StringComparison.Ordinal) && line.Contains(" delete ", StringComparison.Ordinal) && Interlocked.Increment(ref began) == 1)
                first.TrySetResult();
        });
        var alive = true;
        try
        {
        var policy = await part.Api.CallAsync("SetMediaPolicy", new
        {
            Name = $"workers {index}", Action = "DeleteVideo", MinAge = "PT1S", AppId = AppUnderTest.Apps[0], CateIds = new[] { cateId }, Priority = 1, Enabled = true,
        });
        if (policy.Status != 200) throw new InvalidOperationException($"SetMediaPolicy answered {policy}");
        await Task.Delay(1500); // MinAge PT1S: the newest video is old enough
        var started = Stopwatch.StartNew();
        var runId = await part.PostFunctionAsync("ApplyMediaPolicies") ?? throw new InvalidOperationException("ApplyMediaPolicies did not start");

        // The second process is killed once it has begun deleting, a moment later.
        Log.Status($"{name} run {runId}: waiting for the second process to begin ...");
        if (await Task.WhenAny(first.Task, Task.Delay(TimeSpan.FromMinutes(2))) != first.Task)
            Log.Line($"{name} the second process began no delete within 2 minutes; killed all the same");
        await Task.Delay(random.Next(0, 800));
        await worker.DisposeAsync();
        alive = false;
        Kills++;
        var begunByKilled = Volatile.Read(ref began);
        BegunByKilled += begunByKilled;

        // The app finishes: the run is Completed with nothing remaining. A run that reached its budget while queueing (Interrupted) left
        // the rest to the policy's next run, which is then started as the timer would: the runs' counts add up to the videos.
        JsonElement run = default;
        var (enqueued, deleted, others, runs) = (0, 0, 0, 1);
        while (started.Elapsed < TimeSpan.FromMinutes(8))
        {
            Log.Status($"{name} run {runId}: waiting for the app to finish it ({started.Elapsed.TotalSeconds:F0} s) ...");
            run = (await part.Api.CallAsync("ListMediaPolicyRuns", new { PageSize = 10 })).Items("Runs").FirstOrDefault(r => r.GetProperty("RunId").GetString() == runId);
            if (run.ValueKind == JsonValueKind.Object && run.GetProperty("Status").GetString() is "Completed" or "Interrupted" && Int(run, "Remaining") == 0)
            {
                (enqueued, deleted, others) = (enqueued + Int(run, "Enqueued"), deleted + Int(run, "Deleted"), others + Int(run, "Skipped") + Int(run, "Failed"));
                if (run.GetProperty("Status").GetString() == "Completed") break;
                runId = await part.PostFunctionAsync("ApplyMediaPolicies") ?? runId;
                runs++;
                continue;
            }
            await Task.Delay(2000);
        }
        var counts = $"{runs} run(s): Enqueued {enqueued}, Deleted {deleted}, Skipped and Failed {others}" +
                     (run.ValueKind == JsonValueKind.Object ? $", the last {run.GetProperty("Status").GetString()} with {Int(run, "Remaining")} remaining" : ", no record");
        if (run.ValueKind != JsonValueKind.Object || run.GetProperty("Status").GetString() != "Completed" || Int(run, "Remaining") != 0)
            violations.Add(Violations.Unfinished, $"workers trial {index}", $"run {runId} not finished within 8 minutes: {counts}");
        else if (enqueued != count || deleted != count || others != 0)
            violations.Add(Violations.Unfinished, $"workers trial {index} counts", $"{count} videos matched; {counts}");

        await part.Api.CallAsync("DeleteMediaPolicy", new { PolicyId = policy.Str("PolicyId") });
        var present = await Checks.ListAsync(part.Container, videos.Select(v => v.Folder));
        foreach (var video in videos)
        {
            video.Busy = false;
            if (present.Any(n => n.StartsWith(video.Folder, StringComparison.Ordinal))) continue; // reported by the storage check below
            video.Deleted = true;
            part.Finished.Add(Item.Whole(video));
        }
        Videos += count;
        present = await Checks.ListAsync(part.Container);
        Checks.Storage(part.Catalog, present, violations);
        await Checks.ReadsAsync(part.Api, videos, [], present, violations, images: 2);
        Log.Line($"{name} {count} videos; the second process began {begunByKilled} deletes before it was killed; {counts} after {started.Elapsed.TotalSeconds:F0} s; {violations.Brief()}");
        }
        finally
        {
            if (alive) await worker.DisposeAsync();
        }
    }

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
}
