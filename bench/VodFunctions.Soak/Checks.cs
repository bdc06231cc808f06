using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;

namespace VodFunctions.Soak;

/// <summary>Violations of one part, each counted once per item (a blob name, a record, an operation, a request).</summary>
public sealed class Violations
{
    public const string Left = "left", Missing = "missing", Dangling = "dangling", UnfinishedReads = "unfinished-reads", Unfinished = "unfinished",
        NoEvent = "no-event", EmptyEvent = "empty-event", Status500 = "500", Status5xx = "5xx", NoAnswer = "no-answer", OutageAnswer = "outage-answer", Accepted = "accepted", OffContract = "off-contract",
        Changed = "changed", StuckRun = "stuck-run";

    public static readonly (string Kind, string Title)[] Kinds =
    [
        (Left, "blobs left under deleted media"),
        (Missing, "blobs or records missing under media not named"),
        (Dangling, "records pointing at missing files"),
        (UnfinishedReads, "reads showing media whose delete is unfinished"),
        (Unfinished, "deletes unfinished after recovery (unfinished delete)"),
        (StuckRun, "timer runs shown Running after their next run"),
        (NoEvent, "finished deletes without a success event"),
        (EmptyEvent, "success events of deletes that removed nothing"),
        (Status500, "answers 500"),
        (Status5xx, "answers 5xx outside outage windows"),
        (NoAnswer, "requests without an answer (no kill, no outage)"),
        (OutageAnswer, "reads in an outage answered other than 200, 404, 503"),
        (Accepted, "bad requests answered 2xx"),
        (OffContract, "error answers without the contract's JSON body"),
        (Changed, "changes made by bad requests"),
    ];

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _items = new();
    private readonly Violations? _part;

    public Violations(Violations? part = null) => _part = part;

    /// <summary>Counts it unless it was counted already (in this part, for a trial's own view).</summary>
    public bool Add(string kind, string item, string detail)
    {
        if (_part is not null && !_part.Add(kind, item, detail)) return false;
        if (!_items.GetOrAdd(kind, _ => new()).TryAdd(item, detail)) return false;
        if (_part is null) Log.File("violation", $"{kind}: {item}: {detail}");
        return true;
    }

    public int Count(string kind) => _items.TryGetValue(kind, out var items) ? items.Count : 0;
    public int Total => _items.Values.Sum(i => i.Count);

    /// <summary>The first few of a kind, for the summary.</summary>
    public IEnumerable<string> Examples(string kind, int count) =>
        _items.TryGetValue(kind, out var items) ? items.Take(count).Select(i => $"{i.Key}: {i.Value}") : [];

    /// <summary>Non-zero counts, compactly.</summary>
    public string Brief() => string.Join(" ", Kinds.Where(k => Count(k.Kind) > 0).Select(k => $"{k.Kind}={Count(k.Kind)}")) is { Length: > 0 } text ? text : "ok";
}

/// <summary>What storage and the read operations must show about everything a part seeded.</summary>
public static class Checks
{
    /// <summary>GetImageInfo calls per video when a trial is checked (deleted images first).</summary>
    public const int TrialImages = 60;

    /// <summary>Every blob name in the container (or under the prefixes), blobs of uncommitted blocks included.</summary>
    public static async Task<HashSet<string>> ListAsync(BlobContainerClient container, params IEnumerable<string?> prefixes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prefix in prefixes.DefaultIfEmpty(null).Distinct())
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, States = BlobStates.Uncommitted })) names.Add(blob.Name);
        return names;
    }

    /// <summary>Every blob of media not deleted is there; nothing is left under what was deleted.</summary>
    public static void Storage(Catalog catalog, HashSet<string> present, Violations violations)
    {
        foreach (var blob in catalog.AliveBlobs)
            if (!present.Contains(blob.Name)) violations.Add(Violations.Missing, blob.Name, "a blob of media no delete named (or a part not named) is gone");
        var areas = catalog.DeletedAreas.ToList();
        var names = areas.Where(a => !a.EndsWith('/')).ToHashSet(StringComparer.Ordinal);
        var prefixes = areas.Where(a => a.EndsWith('/')).ToList();
        foreach (var name in present)
            if (names.Contains(name) || prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                violations.Add(Violations.Left, name, "a blob under deleted media is still there");
    }

    public static string BlobOf(string url) => new BlobUriBuilder(new Uri(url)).BlobName;

    /// <summary>
    /// Reads every video and file as callers see them: each record shown must have its files in storage and must not be
    /// deleted (else "dangling"), each record not deleted must be shown (else "missing"). <paramref name="images"/> caps
    /// the GetImageInfo calls per video.
    /// </summary>
    public static async Task ReadsAsync(Api api, IEnumerable<Video> videos, IEnumerable<FileMedia> files, HashSet<string> present, Violations violations, int images)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = 8 };
        await Parallel.ForEachAsync(videos, options, async (video, _) => await VideoAsync(api, video, present, violations, images));
        await Parallel.ForEachAsync(files, options, async (file, _) => await FileAsync(api, file, present, violations));
    }

    private static async Task VideoAsync(Api api, Video video, HashSet<string> present, Violations violations, int images)
    {
        var id = new { VideoId = video.Id };
        var info = await api.CallAsync("GetVideoInfo", id);
        if (video.Deleted)
        {
            if (info.Status == 200) violations.Add(Violations.Dangling, $"video {video.Id}", "GetVideoInfo shows a deleted video");
            foreach (var image in video.Images.Take(images))
                if ((await api.CallAsync("GetImageInfo", new { ImageId = image.Id })).Status == 200)
                    violations.Add(Violations.Dangling, $"image {image.Id}", "GetImageInfo shows a snapshot of a deleted video");
            return;
        }
        if (info.Status != 200)
        {
            violations.Add(Violations.Missing, $"video {video.Id}", $"GetVideoInfo answered {info}");
            return;
        }
        if (!video.Uncommitted)
        {
            var mezzanine = await api.CallAsync("GetMezzanineInfo", id);
            var status = mezzanine.Status == 200 ? mezzanine["Mezzanine"].GetProperty("Status").GetString() : null;
            if (status == "Normal" && (video.MezzanineDeleted || !present.Contains(video.Mezzanine.Name)))
                violations.Add(Violations.Dangling, $"mezzanine {video.Id}", "GetMezzanineInfo shows a mezzanine whose file is gone");
            if (status != "Normal" && !video.MezzanineDeleted) violations.Add(Violations.Missing, $"mezzanine {video.Id}", $"GetMezzanineInfo answered {mezzanine}");
        }

        var play = await api.CallAsync("GetPlayInfo", id);
        var listed = new HashSet<string>();
        foreach (var item in play.Items("PlayInfoList"))
        {
            var (jobId, url) = (item.GetProperty("JobId").GetString()!, item.GetProperty("PlayURL").GetString()!);
            if (item.GetProperty("Definition").GetString() == "OD")
            {
                if (video.MezzanineDeleted || !present.Contains(BlobOf(url))) violations.Add(Violations.Dangling, $"OD stream of {video.Id}", "GetPlayInfo lists a deleted mezzanine");
                continue;
            }
            listed.Add(jobId);
            var stream = video.Streams.FirstOrDefault(s => s.JobId == jobId);
            if (stream is null || stream.Deleted || !present.Contains(BlobOf(url)) || stream.Blobs.Any(b => !present.Contains(b.Name)))
                violations.Add(Violations.Dangling, $"stream {jobId}", "GetPlayInfo lists a stream whose files are (partly) gone");
        }
        if (play.Status == 200)
            foreach (var stream in video.Streams.Where(s => !s.Deleted && !listed.Contains(s.JobId)))
                violations.Add(Violations.Missing, $"stream {stream.JobId}", "GetPlayInfo does not list a stream no delete named");
        else if (video.Streams.Any(s => !s.Deleted)) violations.Add(Violations.Missing, $"streams of {video.Id}", $"GetPlayInfo answered {play}");

        var snapshots = await api.CallAsync("ListSnapshots", id);
        var shown = new HashSet<string>();
        foreach (var item in snapshots.Items("Images"))
        {
            var (imageId, url) = (item.GetProperty("ImageId").GetString()!, item.GetProperty("URL").GetString()!);
            shown.Add(imageId);
            if (video.Images.FirstOrDefault(i => i.Id == imageId) is not { Deleted: false } || !present.Contains(BlobOf(url)))
                violations.Add(Violations.Dangling, $"image {imageId}", "ListSnapshots lists an image whose file is gone");
        }
        if (snapshots.Status == 200)
            foreach (var image in video.Images.Where(i => !i.Deleted && !shown.Contains(i.Id)))
                violations.Add(Violations.Missing, $"image {image.Id}", "ListSnapshots does not list an image no delete named");
        else violations.Add(Violations.Missing, $"snapshots of {video.Id}", $"ListSnapshots answered {snapshots}");

        foreach (var image in video.Images.OrderBy(i => !i.Deleted).Take(images))
        {
            var answer = await api.CallAsync("GetImageInfo", new { ImageId = image.Id });
            if (answer.Status == 200 && (image.Deleted || !present.Contains(BlobOf(answer["ImageInfo"].GetProperty("URL").GetString()!))))
                violations.Add(Violations.Dangling, $"image {image.Id}", "GetImageInfo shows an image whose file is gone");
            if (answer.Status != 200 && !image.Deleted) violations.Add(Violations.Missing, $"image {image.Id}", $"GetImageInfo answered {answer}");
        }
    }

    private static async Task FileAsync(Api api, FileMedia file, HashSet<string> present, Violations violations)
    {
        bool shown;
        if (file.Kind == "image")
        {
            shown = (await api.CallAsync("GetImageInfo", new { ImageId = file.Id })).Status == 200;
        }
        else
        {
            var answer = await api.CallAsync("GetAttachedMediaInfo", new { MediaIds = new[] { file.Id } });
            shown = answer.Items("AttachedMediaList").Any(m => m.GetProperty("MediaId").GetString() == file.Id);
        }
        if (shown && (file.Deleted || !present.Contains(file.Blob.Name))) violations.Add(Violations.Dangling, $"{file.Kind} {file.Id}", "a read shows a file that is gone");
        if (!shown && !file.Deleted) violations.Add(Violations.Missing, $"{file.Kind} {file.Id}", "a read no longer shows it");
    }
}

/// <summary>The DeleteMediaComplete events on the app's queue (Base64 UTF-8 JSON), received and removed as they come.</summary>
public sealed class EventLog(QueueClient queue)
{
    private readonly List<JsonElement> _events = [];

    public int Count => _events.Count;

    public async Task DrainAsync()
    {
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                _events.Add(JsonDocument.Parse(Convert.FromBase64String(message.MessageText)).RootElement.Clone());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>What an event says it removed: its JobIds, its ImageIds (a video's snapshots), else its media.</summary>
    private static IReadOnlyList<string> Parts(JsonElement e) => (Str(e, "DeleteType"), Str(e, "MediaType")) switch
    {
        ("stream", _) => List(e, "JobIds"),
        ("image", "video") => List(e, "ImageIds"),
        _ => [Str(e, "MediaId") ?? ""],
    };

    private static List<string> List(JsonElement e, string name) =>
        e.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(i => i.GetString() ?? "").ToList() : [];

    /// <summary>The deletes' success events (a recycle bin's restore and purge send events of their own, which <see cref="Operations"/> counts).</summary>
    private IEnumerable<JsonElement> Successes => _events.Where(e => Str(e, "Status") == "success" && Str(e, "EventType") is null or "DeleteMediaComplete");

    /// <summary>How many operations (distinct OperationIds) sent a success event of this type, media and DeleteType naming <paramref name="part"/> if given.</summary>
    public int Operations(string eventType, string mediaId, string deleteType, string? part) =>
        _events.Where(e => Str(e, "Status") == "success" && Str(e, "EventType") == eventType && Str(e, "MediaId") == mediaId && Str(e, "DeleteType") == deleteType
                && (part is null || Parts(e).Contains(part)))
            .Select(e => Str(e, "OperationId")).Distinct().Count();

    /// <summary>A success event of this delete of <paramref name="mediaId"/> naming <paramref name="part"/> (a JobId or ImageId) if given.</summary>
    public bool Has(string mediaId, string deleteType, string? part) =>
        Successes.Any(e => Str(e, "MediaId") == mediaId && Str(e, "DeleteType") == deleteType && (part is null || Parts(e).Contains(part)));

    /// <summary>
    /// A success event must report something removed: deletes of one media and type under different OperationIds
    /// must name different parts, and a stream or snapshot delete must name at least one.
    /// </summary>
    public void CountEmpty(Violations violations)
    {
        foreach (var group in Successes.GroupBy(e => (Str(e, "MediaId"), Str(e, "DeleteType"))))
        {
            var claimed = new Dictionary<string, string>();
            foreach (var operation in group.GroupBy(e => Str(e, "OperationId") ?? Str(e, "RequestId") + Str(e, "EventTime")))
            {
                var parts = operation.SelectMany(Parts).Distinct().ToList();
                var (mediaId, deleteType) = group.Key;
                if (parts.Count == 0)
                    violations.Add(Violations.EmptyEvent, operation.Key!, $"{deleteType} delete of {mediaId} names nothing deleted (DeletedFiles {operation.First().GetProperty("DeletedFiles")})");
                else if (parts.All(p => claimed.TryGetValue(p, out var first) && first != operation.Key))
                    violations.Add(Violations.EmptyEvent, operation.Key!, $"{deleteType} delete of {mediaId}: another operation already reported {string.Join(",", parts)}");
                foreach (var part in parts) claimed.TryAdd(part, operation.Key!);
            }
        }
    }
}
