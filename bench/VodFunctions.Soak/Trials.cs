using System.Diagnostics;
using Azure.Storage.Blobs.Specialized;

namespace VodFunctions.Soak;

public enum Recovery { Retry, Reconcile }

public enum ItemState { Finished, Intact, Unfinished }

/// <summary>One trial as the seed plans it: what is deleted, how big, when it is interrupted (a fraction of the delete's expected time), how it is recovered.</summary>
public sealed record TrialPlan(
    int Index, string Kind, Recovery Recovery, double KillAt, int Count, int Blobs, int Streams, int Snapshots, string Mode, int App, bool AdminKey,
    string PolicyAction)
{
    public override string ToString() =>
        $"{Index} {Kind} {Recovery} {KillAt:F3} {Count} {Blobs} {Streams} {Snapshots} {Mode} {App} {AdminKey} {PolicyAction}";
}

public static class Kinds
{
    public const string Video = "DeleteVideo", Parallel = "DeleteVideo parallel", Stream = "DeleteStream", Mezzanine = "DeleteMezzanines",
        ImagesOfVideo = "DeleteImage VideoId", ImageIds = "DeleteImage ImageId", ImageUrls = "DeleteImage ImageURL", Attached = "DeleteAttachedMedia",
        Multipart = "DeleteMultipartUpload", Policy = "ApplyMediaPolicies", Reconcile = "ReconcileStorage";

    /// <summary>The crash trials' mix (22 per cycle); its first 11 are one of each kind, so a short run covers them all.</summary>
    public static readonly string[] CrashMix =
    [
        Video, Parallel, Stream, Mezzanine, ImagesOfVideo, ImageIds, ImageUrls, Attached, Multipart, Policy, Reconcile,
        Video, ImagesOfVideo, Stream, Mezzanine, ImageIds, ImageUrls, Attached, Policy, Parallel, Video, ImagesOfVideo,
    ];

    public static readonly string[] OutageMix = [Video, Stream, ImagesOfVideo, Mezzanine, Parallel, ImageIds, ImageUrls, Attached, Policy];

    private static readonly string[] Modes = ["FastTranscode", "NoTranscode", "AsyncTranscode"];
    private static readonly string[] PolicyActions = ["DeleteVideo", "DeleteMezzanine", "DeleteStreams"];

    public static List<TrialPlan> Plan(Random random, int trials, string[] mix)
    {
        var kinds = Enumerable.Range(0, trials).Select(i => mix[i % mix.Length]).ToArray();
        random.Shuffle(kinds);
        return kinds.Select((kind, i) => new TrialPlan(
            i + 1, kind,
            kind == Multipart || random.Next(2) == 0 ? Recovery.Retry : Recovery.Reconcile,
            random.NextDouble() * 1.5,
            kind switch
            {
                Video or Policy => random.Next(1, 6) is var n && kind == Policy ? Math.Min(n, 3) : n,
                Parallel => random.Next(10, 21),
                Stream or Mezzanine => random.Next(1, 4),
                ImageIds or ImageUrls or Attached => random.Next(1, 21),
                _ => 1,
            },
            random.Next(500, 2001), random.Next(2, 7), random.Next(20, kind == ImagesOfVideo ? 450 : 200),
            Modes[random.Next(Modes.Length)], random.Next(AppUnderTest.Apps.Length), random.Next(4) == 0, PolicyActions[random.Next(PolicyActions.Length)])).ToList();
    }
}

/// <summary>Something one delete names: a whole video, a stream, a mezzanine, a snapshot, an uploaded file, or upload blocks never committed.</summary>
public sealed class Item
{
    private Item(string kind, Video? video, IReadOnlyList<string> blobs, string? prefix) => (Kind, Video, Blobs, Prefix) = (kind, video, blobs, prefix);

    public string Kind { get; }
    public Video? Video { get; }
    public VideoStream? Stream { get; private init; }
    public Snapshot? Image { get; private init; }
    public FileMedia? File { get; private init; }
    /// <summary>Its blobs when the trial began.</summary>
    public IReadOnlyList<string> Blobs { get; }
    /// <summary>The folder it owns, if any: nothing may be left under it.</summary>
    public string? Prefix { get; }

    public static Item Whole(Video v) => new("video", v, v.AliveBlobs.Select(b => b.Name).ToList(), v.Folder);
    public static Item Of(Video v, VideoStream s) => new("stream", v, s.Blobs.Select(b => b.Name).ToList(), v.StreamFolder(s)) { Stream = s };
    public static Item MezzanineOf(Video v) => new(v.Uncommitted ? "multipart" : "mezzanine", v, [v.Mezzanine.Name], v.MezzanineFolder);
    public static Item Of(Video v, Snapshot i) => new("image", v, [i.Blob.Name], null) { Image = i };
    public static Item Of(FileMedia f) => new("file", null, [f.Blob.Name], f.Folder) { File = f };

    public void MarkDeleted()
    {
        if (Kind == "video") Video!.Deleted = true;
        else if (Kind is "mezzanine" or "multipart") Video!.MezzanineDeleted = true;
        else if (Stream is not null) Stream.Deleted = true;
        else if (Image is not null) Image.Deleted = true;
        else File!.Deleted = true;
    }

    /// <summary>The success event it must be reported by: media, DeleteType, and the JobId or ImageId it must name.</summary>
    public (string MediaId, string DeleteType, string? Part)? Event => Kind switch
    {
        "video" => (Video!.Id, "all", null),
        "stream" => (Video!.Id, "stream", Stream!.JobId),
        "mezzanine" => (Video!.Id, "mezzanine", null),
        "image" => (Video!.Id, "image", Image!.Id),
        "file" => (File!.Id, File.Kind == "image" ? "image" : "all", null),
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        "stream" => $"stream {Stream!.JobId} of {Video!.Id}",
        "image" => $"image {Image!.Id} of {Video!.Id}",
        "file" => $"{File!.Kind} {File.Id}",
        _ => $"{Kind} {Video!.Id}",
    };
}

/// <summary>A trial under way: its media, its request, what it was told and how it was interrupted.</summary>
public sealed class Trial(TrialPlan plan, int of)
{
    public TrialPlan Plan { get; } = plan;
    public int Of { get; } = of;
    public List<Item> Items { get; } = [];
    public List<Video> Videos { get; } = [];
    public List<FileMedia> Files { get; } = [];
    public Func<Task<Answer>> Request { get; set; } = null!;
    public string Key { get; set; } = AppUnderTest.AdminKey;
    public string? PolicyId { get; set; }
    /// <summary>An answer said the delete was done.</summary>
    public bool Told { get; set; }
    public DateTimeOffset Interrupted { get; set; }
    public long Started { get; } = Stopwatch.GetTimestamp();
    /// <summary>The violations this trial found (each counted in the part too, once).</summary>
    public Violations Violations { get; set; } = new();

    /// <summary>The folders its items own (a snapshot's: its video's snapshots folder).</summary>
    public IEnumerable<string> Prefixes => Items.Select(i => i.Prefix ?? i.Video!.Folder + "snapshots/").Distinct();
    public List<string> Notes { get; } = [];
    /// <summary>Where the (last) interruption found the blob deletes: before, during or after.</summary>
    public string Phase { get; set; } = "";

    public void Busy(bool busy)
    {
        foreach (var video in Videos) video.Busy = busy;
        foreach (var file in Files) file.Busy = busy;
    }
    private long _mark = Stopwatch.GetTimestamp();

    /// <summary>Logs how long the step just done took.</summary>
    public void Step(string step)
    {
        Log.File("timing", $"trial {Plan.Index} {step} {Stopwatch.GetElapsedTime(_mark).TotalSeconds:F2} s");
        _mark = Stopwatch.GetTimestamp();
    }
    public string Name => $"[{Plan.Index,3}/{Of}] {Plan.Kind,-21}";
}

/// <summary>
/// Crash trials (the app killed with SIGKILL, then started again) and outage trials (Azurite stopped gracefully, then
/// started again on the same ports and data) during deletes, each recovered by a retry of the same request or by
/// ReconcileStorage, then checked.
/// </summary>
public sealed class TrialRunner(Part part, bool outages)
{
    /// <summary>Learned milliseconds per blob (plus 50 for the request) of each kind of delete, shared by the parts.</summary>
    private static readonly Dictionary<string, double> Rates = [];
    private readonly List<(Trial Trial, string Function, DateTimeOffset Deadline)> _pending = [];
    private readonly Dictionary<string, long> _lastRun = [];
    private readonly TimeSpan _bound = TimeSpan.FromSeconds(part.Options.RecoverySeconds);
    private Api Api => part.Api;

    public Dictionary<string, int> Kills { get; } = new() { ["before"] = 0, ["during"] = 0, ["after"] = 0 };
    public Dictionary<string, int> Outcomes { get; } = [];
    public Dictionary<string, int> Recoveries { get; } = [];

    public async Task RunAsync(IReadOnlyList<TrialPlan> plans)
    {
        foreach (var plan in plans)
        {
            var trial = new Trial(plan, plans.Count) { Violations = new Violations(part.Violations) };
            await PrepareAsync(trial);
            trial.Busy(true);
            trial.Step("seed");
            if (outages) await OutageAsync(trial);
            else await CrashAsync(trial);
            await SettleAsync(drain: false);
        }
        await SettleAsync(drain: true);
    }

    private async Task PrepareAsync(Trial t)
    {
        var p = t.Plan;
        var random = new Random(part.Options.Seed * 7919 + p.Index + (outages ? 100_000 : 0));
        var seed = part.Seeder;
        var title = $"{part.Name} {p.Index:D3}";
        t.Key = p.AdminKey ? AppUnderTest.AdminKey : AppUnderTest.FullKey(p.App);
        Log.Status($"{t.Name} seeding ...");
        async Task<Video> VideoAsync(int n, int streams, string mode = "FastTranscode", string? cateId = null)
        {
            var video = await seed.VideoAsync(random, p.App, $"{title} v{n}", n == 0 ? p.Blobs : random.Next(500, 2001), streams, p.Snapshots, mode, cateId);
            t.Videos.Add(video);
            return video;
        }
        async Task<FileMedia> FileAsync(string kind, int n)
        {
            var file = await seed.FileAsync(kind, p.App, $"{title} f{n}");
            t.Files.Add(file);
            return file;
        }
        Task<Answer> Call(string operation, object body) => Api.CallAsync(operation, body, t.Key);

        switch (p.Kind)
        {
            case Kinds.Video or Kinds.Parallel or Kinds.Reconcile:
                for (var i = 0; i < (p.Kind == Kinds.Video ? p.Count : 1); i++) t.Items.Add(Item.Whole(await VideoAsync(i, p.Streams)));
                var ids = t.Videos.Select(v => v.Id).ToArray();
                t.Request = () => Call("DeleteVideo", new { VideoIds = ids });
                break;
            case Kinds.Stream:
                var video = await VideoAsync(0, Math.Max(p.Streams, p.Count + 1));
                var streams = video.Streams.OrderBy(_ => random.Next()).Take(p.Count).ToList();
                t.Items.AddRange(streams.Select(s => Item.Of(video, s)));
                t.Request = () => Call("DeleteStream", new { VideoId = video.Id, JobIds = streams.Select(s => s.JobId).ToArray() });
                break;
            case Kinds.Mezzanine:
                for (var i = 0; i < p.Count; i++) t.Items.Add(Item.MezzanineOf(await VideoAsync(i, p.Streams, i == 0 ? p.Mode : "NoTranscode")));
                var mezzanines = t.Videos.Select(v => v.Id).ToArray();
                t.Request = () => Call("DeleteMezzanines", new { VideoIds = mezzanines, Force = true });
                break;
            case Kinds.ImagesOfVideo:
                var all = await VideoAsync(0, p.Streams);
                t.Items.AddRange(all.Images.Select(i => Item.Of(all, i)));
                t.Request = () => Call("DeleteImage", new { DeleteImageType = "VideoId", VideoId = all.Id, ImageType = "All" });
                break;
            case Kinds.ImageIds or Kinds.ImageUrls:
                var owner = await VideoAsync(0, p.Streams);
                var uploaded = p.Kind == Kinds.ImageUrls ? random.Next(0, Math.Min(3, p.Count) + 1) : 0;
                var images = owner.Images.OrderBy(_ => random.Next()).Take(p.Count - uploaded).ToList();
                t.Items.AddRange(images.Select(i => Item.Of(owner, i)));
                for (var i = 0; i < uploaded; i++) t.Items.Add(Item.Of(await FileAsync("image", i)));
                if (p.Kind == Kinds.ImageIds)
                {
                    var imageIds = images.Select(i => i.Id).ToArray();
                    t.Request = () => Call("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = imageIds });
                }
                else
                {
                    // As callers send them: plain, URL-encoded, or with a SAS query string (which matching ignores).
                    var urls = images.Select(i => seed.Url(i.Blob.Name)).Concat(t.Files.Select(f => f.Url))
                        .Select((url, i) => (i % 3) switch { 0 => url, 1 => Uri.EscapeDataString(url), _ => url + "?sv=2025-01-05&sig=soak" }).ToArray();
                    t.Request = () => Call("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = urls });
                }
                break;
            case Kinds.Attached:
                for (var i = 0; i < p.Count; i++) t.Items.Add(Item.Of(await FileAsync("attached", i)));
                var mediaIds = t.Files.Select(f => f.Id).ToArray();
                t.Request = () => Call("DeleteAttachedMedia", new { MediaIds = mediaIds });
                break;
            case Kinds.Multipart:
                var upload = await seed.MultipartAsync(random, p.App, $"{title} v0", random.Next(100, 401));
                t.Videos.Add(upload);
                t.Items.Add(Item.MezzanineOf(upload));
                t.Request = () => Call("DeleteMultipartUpload", new { MediaId = upload.Id, MediaType = "video" });
                break;
            case Kinds.Policy:
                var cateId = $"{90_000 + p.Index + (outages ? 10_000 : 0)}";
                for (var i = 0; i < p.Count; i++) await VideoAsync(i, p.Streams, cateId: cateId);
                t.Items.AddRange(p.PolicyAction switch
                {
                    "DeleteVideo" => t.Videos.Select(Item.Whole),
                    "DeleteMezzanine" => t.Videos.Select(Item.MezzanineOf),
                    _ => t.Videos.SelectMany(v => v.Streams.Where(s => s.Definition == "LD").Select(s => Item.Of(v, s))),
                });
                var policy = await Api.CallAsync("SetMediaPolicy", new
                {
                    Name = title, Action = p.PolicyAction, Definitions = p.PolicyAction == "DeleteStreams" ? new[] { "LD" } : null, MinAge = "PT1S",
                    AppId = AppUnderTest.Apps[p.App], CateIds = new[] { cateId }, Statuses = new[] { "Normal" }, Priority = 1, Enabled = true,
                }, t.Key);
                t.PolicyId = policy.Status == 200 ? policy.Str("PolicyId") : throw new InvalidOperationException($"SetMediaPolicy answered {policy}");
                await Task.Delay(1500); // MinAge PT1S: the newest video is old enough
                t.Request = async () => await part.PostFunctionAsync("ApplyMediaPolicies") is null ? new Answer(0, default) : new Answer(202, default);
                break;
        }
    }

    private double Estimate(Trial t)
    {
        var units = t.Items.Sum(i => i.Blobs.Count) + 50;
        var kind = t.Plan.Kind is Kinds.Policy or Kinds.Reconcile ? Kinds.Video : t.Plan.Kind;
        var ms = Rates.GetValueOrDefault(kind, 0.6) * units;
        return t.Plan.Kind == Kinds.Policy ? ms * 1.5 + 500 : ms;
    }

    /// <summary>The delete as the plan sends it (10-20 identical calls at once for the parallel kind), timed.</summary>
    private async Task<(Answer[] Answers, double Ms)> SendAsync(Trial t)
    {
        var start = Stopwatch.GetTimestamp();
        var answers = t.Plan.Kind == Kinds.Parallel
            ? await Task.WhenAll(Enumerable.Range(0, t.Plan.Count).Select(_ => t.Request()))
            : [await t.Request()];
        return (answers, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    /// <summary>Learns the delete's pace from a call that did the whole delete (it answered 200 before the kill, or it is a retry after a kill before any blob went).</summary>
    private static void Learn(Trial t, Answer[] answers, double ms)
    {
        if (t.Plan.Kind is Kinds.Policy || answers.Any(a => a.Status != 200)) return;
        var rate = ms / (t.Items.Sum(i => i.Blobs.Count) + 50);
        var kind = t.Plan.Kind == Kinds.Reconcile ? Kinds.Video : t.Plan.Kind;
        Rates[kind] = Rates.TryGetValue(kind, out var old) ? 0.7 * old + 0.3 * rate : rate;
    }

    private async Task CrashAsync(Trial t)
    {
        var delay = Estimate(t) * (t.Plan.Kind == Kinds.Reconcile ? 0.25 + t.Plan.KillAt / 3 : t.Plan.KillAt);
        Log.Status($"{t.Name} deleting, kill in {delay:F0} ms ...");
        var request = SendAsync(t);
        await Task.Delay(TimeSpan.FromMilliseconds(delay));
        await KillAsync(t);
        var (answers, ms) = await request;
        if (ms < delay) Learn(t, answers, ms);
        t.Told = answers.Any(a => a.Status == 200);
        t.Notes.Add($"answers {Statuses(answers)}");
        t.Step("delete+kill");
        await ClassifyAsync(t, "kill");
        t.Step("classify");
        await part.App.StartAsync();
        t.Step("restart");
        if (t.Plan.Kind == Kinds.Reconcile) await KillReconcileAsync(t);
        await ProbeAsync(t);
        t.Step("probe");
        await RecoverAsync(t);
        t.Step("recover");
    }

    private async Task KillAsync(Trial t)
    {
        await part.App.KillAsync();
        t.Interrupted = DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// The reconcile trial: with a delete interrupted, waits (up to the recovery bound) for a ReconcileStorage run to take
    /// it up (its blobs start going), and kills the app right then; with nothing taken up, kills it during a run anyway.
    /// </summary>
    private async Task KillReconcileAsync(Trial t)
    {
        var present = await Checks.ListAsync(part.Container, t.Prefixes);
        var states = await StatesAsync(t, present);
        var left = Count(t, present);
        var tookUp = false;
        if (states.Contains(ItemState.Unfinished))
        {
            while (!tookUp && DateTimeOffset.UtcNow - t.Interrupted < _bound)
            {
                Log.Status($"{t.Name} waiting for a ReconcileStorage run to take up the interrupted delete ({(DateTimeOffset.UtcNow - t.Interrupted).TotalSeconds:F0} s) ...");
                if (await part.PostFunctionAsync("ReconcileStorage") is not { } runId) break;
                for (var (watch, checkedAt) = (Stopwatch.StartNew(), TimeSpan.Zero); watch.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(50))
                {
                    if (tookUp = Count(t, await Checks.ListAsync(part.Container, t.Prefixes)) < left) break;
                    if (watch.Elapsed - checkedAt < TimeSpan.FromSeconds(1)) continue;
                    checkedAt = watch.Elapsed;
                    // The run is over (or never started: a killed run's lock lease still held): post another.
                    var run = await part.FindRunAsync("ReconcileStorage", runId);
                    if (run is { End: not null } || run is null && watch.Elapsed > TimeSpan.FromSeconds(5)) break;
                }
                if (!tookUp) await Task.Delay(2000);
            }
            if (!tookUp)
                t.Violations.Add(Violations.Unfinished, $"trial {t.Plan.Index}", $"no ReconcileStorage run took up the interrupted delete of {t.Items[0]} within {_bound.TotalSeconds:F0} s");
        }
        if (!tookUp) await part.PostFunctionAsync("ReconcileStorage");
        await Task.Delay(TimeSpan.FromMilliseconds(t.Plan.KillAt * 200));
        await KillAsync(t);
        t.Notes.Add(tookUp ? "reconcile killed while finishing it" : "reconcile killed mid-run");
        await ClassifyAsync(t, "kill");
        await part.App.StartAsync();
    }

    private async Task OutageAsync(Trial t)
    {
        var delay = Estimate(t) * t.Plan.KillAt;
        Log.Status($"{t.Name} deleting, storage stops in {delay:F0} ms ...");
        var request = SendAsync(t);
        await Task.Delay(TimeSpan.FromMilliseconds(delay));
        var start = Stopwatch.GetTimestamp();
        await part.Azurite.StopAsync();
        t.Interrupted = DateTimeOffset.UtcNow;
        // Reads during the outage: each may answer 503.
        var reads = Task.WhenAll(t.Videos.Take(2).Select(v => Api.CallAsync("GetVideoInfo", new { VideoId = v.Id }))
            .Concat(t.Files.Take(2).Select(f => f.Kind == "image"
                ? Api.CallAsync("GetImageInfo", new { ImageId = f.Id }) : Api.CallAsync("GetAttachedMediaInfo", new { MediaIds = f.Id }))));
        var (answers, ms) = await request.WaitAsync(TimeSpan.FromMinutes(5));
        var down = TimeSpan.FromMilliseconds(1000 + t.Plan.KillAt * 2000) - Stopwatch.GetElapsedTime(start);
        if (down > TimeSpan.Zero) await Task.Delay(down);
        await part.Azurite.StartAsync();
        for (var attempt = 0; (await Api.SendAsync(HttpMethod.Get, "api/health", null, null, "health")).Status != 200; attempt++)
        {
            if (attempt > 300) throw new InvalidOperationException("The app did not become healthy after storage came back.");
            await Task.Delay(200);
        }
        part.Stats.Outage(start, Stopwatch.GetTimestamp());
        var during = await reads;
        if (ms < delay) Learn(t, answers, ms);
        t.Told = answers.Any(a => a.Status == 200);
        t.Notes.Add($"down {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s; answers {Statuses(answers)}; reads in it {Statuses(during)}");
        // A read storage cannot serve says so (503); any other error would blame the caller's request.
        foreach (var read in during.Where(a => a.Status is not (0 or 200 or 404 or 503)))
            t.Violations.Add(Violations.OutageAnswer, $"trial {t.Plan.Index} {read.Status}", $"a read while storage was down answered {read}");
        await ClassifyAsync(t, "outage");
        await ProbeAsync(t);
        await RecoverAsync(t);
    }

    private static string Statuses(IEnumerable<Answer> answers) =>
        string.Join(" ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "none" : g.Key)}{(g.Count() > 1 ? $"×{g.Count()}" : "")}"));

    /// <summary>Blobs of the trial's items still in storage (under their folders, or by name).</summary>
    private static int Count(Trial t, HashSet<string> present) =>
        t.Items.Sum(i => i.Prefix is { } prefix ? present.Count(n => n.StartsWith(prefix, StringComparison.Ordinal)) : i.Blobs.Count(present.Contains));

    /// <summary>Before, during or after the blob deletes, by what storage shows: all of the target's blobs there, some, none.</summary>
    private async Task ClassifyAsync(Trial t, string what)
    {
        // Requests the dead process (or the app, before storage went) had sent may still be at work in storage: wait till it holds still.
        var present = await Checks.ListAsync(part.Container, t.Prefixes);
        for (var (attempt, last) = (0, -1); attempt < 120 && Count(t, present) != last; attempt++)
        {
            last = Count(t, present);
            await Task.Delay(250);
            present = await Checks.ListAsync(part.Container, t.Prefixes);
        }
        var (left, total) = (Count(t, present), t.Items.Sum(i => i.Blobs.Count));
        var residue = t.Plan.Kind == Kinds.Multipart && (await part.Container.GetBlockBlobClient(t.Items[0].Blobs[0]).ExistsAsync()).Value;
        var phase = residue ? "during" : left >= total ? "before" : left == 0 ? "after" : "during";
        Kills[phase]++;
        t.Phase = phase;
        t.Notes.Add($"{what} {phase} ({total - Math.Min(left, total)}/{total} blobs gone)");
    }

    /// <summary>
    /// Before any recovery: every read of the target that answers 200 must not show a record whose files are (partly) gone.
    /// </summary>
    private async Task ProbeAsync(Trial t)
    {
        var present = await Checks.ListAsync(part.Container, t.Prefixes);
        var (reads, bad) = (0, 0);
        bool Gone(IEnumerable<string> blobs) => blobs.Any(b => !present.Contains(b));
        async Task Shown(string operation, object body, string id, Func<Answer, bool> shows, bool gone)
        {
            var answer = await Api.CallAsync(operation, body);
            reads++;
            if (answer.Status == 200 && shows(answer) && gone)
            {
                bad++;
                t.Violations.Add(Violations.UnfinishedReads, $"trial {t.Plan.Index} {operation} {id}", $"answered 200 showing it while its files are (partly) gone: {answer}");
            }
        }
        static bool Lists(Answer a, string list, string field, string id) => a.Items(list).Any(e => e.GetProperty(field).GetString() == id);

        foreach (var item in t.Items.Where(i => i.Kind == "video"))
        {
            var v = item.Video!;
            var gone = Gone(item.Blobs);
            foreach (var operation in new[] { "GetVideoInfo", "GetPlayInfo", "GetMezzanineInfo", "ListSnapshots" })
                await Shown(operation, new { VideoId = v.Id }, v.Id, _ => true, gone);
            await Shown("SearchMedia", new { SearchType = "video", Title = v.Title, AppId = v.AppId }, v.Id, a => Lists(a, "MediaList", "MediaId", v.Id), gone);
            await Api.CallAsync("GetThumbnail", new { MediaId = v.Id });
            foreach (var image in v.Images.OrderBy(i => present.Contains(i.Blob.Name)).Take(40))
                await Shown("GetImageInfo", new { ImageId = image.Id }, image.Id, _ => true, !present.Contains(image.Blob.Name));
        }
        foreach (var item in t.Items.Where(i => i.Kind == "stream"))
            await Shown("GetPlayInfo", new { VideoId = item.Video!.Id }, item.Stream!.JobId, a => Lists(a, "PlayInfoList", "JobId", item.Stream.JobId), Gone(item.Blobs));
        foreach (var item in t.Items.Where(i => i.Kind == "mezzanine"))
        {
            var gone = Gone(item.Blobs);
            await Shown("GetMezzanineInfo", new { VideoId = item.Video!.Id }, item.Video.Id, a => a["Mezzanine"].GetProperty("Status").GetString() == "Normal", gone);
            await Shown("GetPlayInfo", new { VideoId = item.Video.Id }, item.Video.Id + " OD", a => a.Items("PlayInfoList").Any(s => s.GetProperty("Definition").GetString() == "OD"), gone);
        }
        foreach (var group in t.Items.Where(i => i.Kind == "image").GroupBy(i => i.Video!))
        {
            var items = group.OrderBy(i => present.Contains(i.Blobs[0])).Take(40).ToList();
            foreach (var item in items)
                await Shown("GetImageInfo", new { ImageId = item.Image!.Id }, item.Image.Id, _ => true, Gone(item.Blobs));
            var listed = await Api.CallAsync("ListSnapshots", new { VideoId = group.Key.Id });
            reads++;
            foreach (var item in group.Where(i => Gone(i.Blobs) && Lists(listed, "Images", "ImageId", i.Image!.Id)))
            {
                bad++;
                t.Violations.Add(Violations.UnfinishedReads, $"trial {t.Plan.Index} ListSnapshots {item.Image!.Id}", "ListSnapshots lists a snapshot whose file is gone");
            }
        }
        foreach (var item in t.Items.Where(i => i.Kind == "file"))
        {
            var f = item.File!;
            if (f.Kind == "image") await Shown("GetImageInfo", new { ImageId = f.Id }, f.Id, _ => true, Gone(item.Blobs));
            else await Shown("GetAttachedMediaInfo", new { MediaIds = new[] { f.Id } }, f.Id, a => Lists(a, "AttachedMediaList", "MediaId", f.Id), Gone(item.Blobs));
        }
        t.Notes.Add($"probes {reads} (bad {bad})");
    }

    private async Task RecoverAsync(Trial t)
    {
        var how = t.Plan.Recovery == Recovery.Reconcile ? "reconcile" : "retry";
        Recoveries[how] = Recoveries.GetValueOrDefault(how) + 1;
        if (t.Plan.Recovery == Recovery.Reconcile)
        {
            // Nothing but the timer function finishes it: a policy that could start the delete again goes first.
            if (t.PolicyId is not null) await DeletePolicyAsync(t);
            Pend(t, "ReconcileStorage");
            return;
        }
        if (t.Plan.Kind == Kinds.Policy)
        {
            // The retry of a policy run is the policy's next run (a killed run's lock lease holds it off for up to a minute):
            // it deletes what the killed run never reached. The deletes the killed run began hide their videos from it:
            // those are the timer's, ReconcileStorage, to finish, as for any delete whose owner is gone.
            Pend(t, "ApplyMediaPolicies", "ReconcileStorage");
            return;
        }
        Answer answer;
        for (var attempt = 0; ; attempt++)
        {
            var start = Stopwatch.GetTimestamp();
            answer = await t.Request();
            if (t.Phase == "before" && attempt == 0) Learn(t, [answer], Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (answer.Status is not (0 or 503) || attempt == 4) break;
            await Task.Delay(1000);
        }
        t.Told |= answer.Status == 200;
        // Once more, as a client does whose answer was lost: nothing is left to delete, and nothing may be reported deleted again.
        var again = await t.Request();
        t.Notes.Add($"retry {answer.Status}{(answer.Code is { } code ? " " + code : "")}, again {again.Status}");
        await TrySettleAsync(t, late: true);
    }

    private void Pend(Trial t, params string[] functions)
    {
        foreach (var function in functions) _pending.Add((t, function, t.Interrupted + _bound));
        Log.Line($"{t.Name} {string.Join("; ", t.Notes)}; recovery by {string.Join(" and ", functions)} runs ...");
    }

    /// <summary>One round of recovery runs for the pending trials (all of them, when draining), then settles those that are done.</summary>
    private async Task SettleAsync(bool drain)
    {
        while (_pending.Count > 0)
        {
            foreach (var function in _pending.Select(p => p.Function).Distinct().ToList())
            {
                // Between trials, as a timer would: at most one run every 10 s.
                if (!drain && Stopwatch.GetElapsedTime(_lastRun.GetValueOrDefault(function)) < TimeSpan.FromSeconds(10)) continue;
                var run = await part.RunFunctionAsync(function);
                _lastRun[function] = Stopwatch.GetTimestamp();
                foreach (var pending in _pending.Where(p => p.Function == function).ToList())
                {
                    var t = pending.Trial;
                    // No run came for long after its deadline: the verdict, not a hang.
                    var overdue = DateTimeOffset.UtcNow >= pending.Deadline + TimeSpan.FromMinutes(3);
                    if (function == "ApplyMediaPolicies")
                    {
                        // The policy's next run is the retry: once it ran, every video of the trial must end deleted.
                        if (run is null && !overdue) continue;
                        t.Told |= run is not null;
                        _pending.Remove(pending);
                        continue;
                    }
                    // A policy trial settles after its retry.
                    if (_pending.Any(p => p.Trial == t && p.Function != function)) continue;
                    var late = run is { } r && r.Start >= pending.Deadline || overdue;
                    if (await TrySettleAsync(t, late)) _pending.Remove(pending);
                }
            }
            if (!drain || _pending.Count == 0) return;
            Log.Status($"{_pending.Count} trials waiting for recovery runs (up to {_bound.TotalSeconds:F0} s after their interruption) ...");
            await Task.Delay(3000);
        }
    }

    /// <summary>
    /// Each item's state. Finished: no blob left and no read shows it. Intact: every blob there and the reads show it.
    /// Anything else is a delete under way.
    /// </summary>
    private async Task<ItemState[]> StatesAsync(Trial t, HashSet<string> present)
    {
        var reads = new Dictionary<string, Task<Answer>>();
        Task<Answer> Read(string operation, string id, object body) =>
            reads.TryGetValue(operation + id, out var read) ? read : reads[operation + id] = Api.CallAsync(operation, body);
        async Task<bool> Lists(string operation, string videoId, string list, string field, string id) =>
            (await Read(operation, videoId, new { VideoId = videoId })).Items(list).Any(e => e.GetProperty(field).GetString() == id);

        var states = new ItemState[t.Items.Count];
        for (var i = 0; i < states.Length; i++)
        {
            var item = t.Items[i];
            var left = item.Prefix is { } prefix ? present.Count(n => n.StartsWith(prefix, StringComparison.Ordinal)) : item.Blobs.Count(present.Contains);
            if (item.Kind == "multipart")
            {
                states[i] = (await part.Container.GetBlockBlobClient(item.Blobs[0]).ExistsAsync()).Value ? ItemState.Unfinished
                    : left == 0 ? ItemState.Finished : ItemState.Intact;
                continue;
            }
            var videoId = item.Video?.Id ?? "";
            var visible = item.Kind switch
            {
                // A video is gone only when its snapshots are gone from the reads too.
                "video" => (await Read("GetVideoInfo", videoId, new { VideoId = videoId })).Status == 200
                    || left == 0 && await AnyAsync(item.Video!.Images.Take(3), image => Read("GetImageInfo", image.Id, new { ImageId = image.Id })),
                "stream" => await Lists("GetPlayInfo", videoId, "PlayInfoList", "JobId", item.Stream!.JobId),
                "mezzanine" => await Read("GetMezzanineInfo", videoId, new { VideoId = videoId }) is { Status: 200 } m
                    && m["Mezzanine"].GetProperty("Status").GetString() == "Normal",
                "image" => (await Read("ListSnapshots", videoId, new { VideoId = videoId })).Status == 200
                    ? await Lists("ListSnapshots", videoId, "Images", "ImageId", item.Image!.Id)
                    : (await Read("GetImageInfo", item.Image!.Id, new { ImageId = item.Image.Id })).Status == 200,
                _ => item.File!.Kind == "image"
                    ? (await Read("GetImageInfo", item.File.Id, new { ImageId = item.File.Id })).Status == 200
                    : (await Read("GetAttachedMediaInfo", item.File.Id, new { MediaIds = new[] { item.File.Id } })).Items("AttachedMediaList").Any(),
            };
            states[i] = left == 0 && !visible ? ItemState.Finished : left >= item.Blobs.Count && visible ? ItemState.Intact : ItemState.Unfinished;
        }
        return states;
    }

    private static async Task<bool> AnyAsync<T>(IEnumerable<T> items, Func<T, Task<Answer>> read)
    {
        foreach (var item in items)
            if ((await read(item)).Status == 200) return true;
        return false;
    }

    /// <summary>
    /// Settles a trial whose recovery has run: every item finished, or intact when no answer said it was deleted (the
    /// delete never began). Otherwise, when <paramref name="late"/>, the unfinished items are violations and are
    /// finished by the API deletes, so that the part goes on from a known state. Answers whether it is settled.
    /// </summary>
    private async Task<bool> TrySettleAsync(Trial t, bool late)
    {
        var present = await Checks.ListAsync(part.Container, t.Prefixes);
        var states = await StatesAsync(t, present);
        t.Step("states");
        var open = t.Items.Where((_, i) => states[i] == ItemState.Unfinished || states[i] == ItemState.Intact && t.Told).ToList();
        if (open.Count > 0 && !late) return false;
        if (open.Count > 0)
        {
            var halfDone = t.Items.Where((_, i) => states[i] == ItemState.Unfinished).ToList();
            t.Violations.Add(Violations.Unfinished, $"trial {t.Plan.Index}",
                $"{t.Plan.Kind} recovered by {t.Plan.Recovery}, {(DateTimeOffset.UtcNow - t.Interrupted).TotalSeconds:F0} s after the interruption: " +
                $"{halfDone.Count} of {t.Items.Count} items half-done ({string.Join(", ", halfDone.Take(3))}), " +
                $"{open.Count - halfDone.Count} untouched although an answer or a completed run said they were deleted");
            await FinishAsync(open);
            present = await Checks.ListAsync(part.Container, t.Prefixes);
            states = await StatesAsync(t, present);
        }
        t.Busy(false);
        for (var i = 0; i < t.Items.Count; i++)
        {
            if (states[i] != ItemState.Finished) continue;
            t.Items[i].MarkDeleted();
            part.Finished.Add(t.Items[i]);
        }
        var outcome = states.All(s => s == ItemState.Finished) ? "deleted" : states.All(s => s == ItemState.Intact) ? "not begun" : "mixed";
        if (open.Count > 0) outcome = "unfinished";
        Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
        present = await Checks.ListAsync(part.Container);
        Checks.Storage(part.Catalog, present, t.Violations);
        await Checks.ReadsAsync(Api, t.Videos, t.Files, present, t.Violations, Checks.TrialImages);
        t.Step("checks");
        if (t.PolicyId is not null) await DeletePolicyAsync(t);
        await ClearAsync(t);
        var waited = (DateTimeOffset.UtcNow - t.Interrupted).TotalSeconds;
        Log.Line($"{t.Name} {string.Join("; ", t.Notes)}; {t.Plan.Recovery.ToString().ToLowerInvariant()}: {outcome}" +
            $"{(t.Plan.Recovery == Recovery.Reconcile || t.Plan.Kind == Kinds.Policy ? $" after {waited:F0} s" : "")}; " +
            $"{t.Items.Sum(i => i.Blobs.Count)} blobs; {t.Violations.Brief()}; {Stopwatch.GetElapsedTime(t.Started).TotalSeconds:F1} s");
        return true;
    }

    /// <summary>Finishes what recovery left undone through the API deletes (each finishes its partition's interrupted delete first).</summary>
    private async Task FinishAsync(List<Item> items)
    {
        var calls = new List<(string Operation, object Body)>();
        foreach (var group in items.GroupBy(i => i.Kind))
        {
            var list = group.ToList();
            calls.AddRange(group.Key switch
            {
                "video" => list.Chunk(20).Select(c => ("DeleteVideo", (object)new { VideoIds = c.Select(i => i.Video!.Id).ToArray() })),
                "stream" => list.GroupBy(i => i.Video!.Id).Select(g => ("DeleteStream", (object)new { VideoId = g.Key, JobIds = g.Select(i => i.Stream!.JobId).ToArray() })),
                "mezzanine" => list.Chunk(20).Select(c => ("DeleteMezzanines", (object)new { VideoIds = c.Select(i => i.Video!.Id).ToArray(), Force = true })),
                "multipart" => list.Select(i => ("DeleteMultipartUpload", (object)new { MediaId = i.Video!.Id, MediaType = "video" })),
                "image" => list.Chunk(20).Select(c => ("DeleteImage", (object)new { DeleteImageType = "ImageId", ImageIds = c.Select(i => i.Image!.Id).ToArray() })),
                _ => list.Select(i => i.File!.Kind == "image"
                    ? ("DeleteImage", (object)new { DeleteImageType = "ImageId", ImageIds = new[] { i.File.Id } })
                    : ("DeleteAttachedMedia", (object)new { MediaIds = new[] { i.File.Id } })),
            });
        }
        foreach (var (operation, body) in calls)
            for (var attempt = 0; attempt < 5 && (await Api.CallAsync(operation, body)).Status is 0 or 503; attempt++) await Task.Delay(1000);
    }

    /// <summary>
    /// Deletes what a checked trial left (the parts its delete did not name, media it never began on), so that the container
    /// stays small (Azurite slows down as a container grows). These deletes are checked with the part: blobs and events.
    /// </summary>
    private async Task ClearAsync(Trial t)
    {
        var items = t.Videos.Where(v => !v.Deleted).Select(Item.Whole).Concat(t.Files.Where(f => !f.Deleted).Select(Item.Of)).ToList();
        foreach (var chunk in items.Chunk(20))
        {
            var videos = chunk.Where(i => i.Kind == "video").Select(i => i.Video!.Id).ToArray();
            var images = chunk.Where(i => i.File?.Kind == "image").Select(i => i.File!.Id).ToArray();
            var attached = chunk.Where(i => i.File?.Kind == "attached").Select(i => i.File!.Id).ToArray();
            async Task<Answer[]> ClearingAsync()
            {
                var calls = new List<Task<Answer>>();
                if (videos.Length > 0) calls.Add(Api.CallAsync("DeleteVideo", new { VideoIds = videos }));
                if (images.Length > 0) calls.Add(Api.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = images }));
                if (attached.Length > 0) calls.Add(Api.CallAsync("DeleteAttachedMedia", new { MediaIds = attached }));
                return await Task.WhenAll(calls);
            }
            // Storage too slow to answer (a busy machine) fails a call with 503 after its delete began: the call again finishes it.
            var answers = await ClearingAsync();
            for (var attempt = 0; attempt < 5 && answers.Any(a => a.Status is 0 or 503); attempt++)
            {
                t.Notes.Add($"clearing answered {Statuses(answers)}, sent again");
                await Task.Delay(2000);
                answers = await ClearingAsync();
            }
            if (answers.Any(a => a.Status != 200))
            {
                t.Notes.Add($"clearing answered {Statuses(answers)}");
                continue;
            }
            foreach (var item in chunk)
            {
                item.MarkDeleted();
                part.Finished.Add(item);
            }
        }
    }

    private async Task DeletePolicyAsync(Trial t)
    {
        await Api.CallAsync("DeleteMediaPolicy", new { t.PolicyId });
        t.PolicyId = null;
    }
}
