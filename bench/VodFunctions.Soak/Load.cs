using System.Diagnostics;
using System.Net.Http.Headers;

namespace VodFunctions.Soak;

/// <summary>
/// Concurrent clients (64 by default) for some minutes, each in one application: reads (60%), ingests as pipelines do
/// them (25%: CreateUpload*, a PUT to the upload URL, CompleteUpload, RegisterMediaFiles) and deletes (15%) of media of
/// its application. Then latency and throughput per operation, the count of each status, the app's memory over time,
/// and the part's checks.
/// </summary>
public static class LoadPart
{
    private static readonly HttpClient Storage = new();

    /// <summary>One application's media, shared by its clients; a delete takes what it deletes out of it first.</summary>
    private sealed class Pool
    {
        private readonly Lock _lock = new();
        private readonly List<Video> _videos = [];
        private readonly List<FileMedia> _files = [];

        public void Add(Video video)
        {
            lock (_lock) _videos.Add(video);
        }

        public void Add(FileMedia file)
        {
            lock (_lock) _files.Add(file);
        }

        public Video? Video(Random random, bool take = false, Func<Video, bool>? where = null) => Pick(_videos, random, take, where);
        public FileMedia? File(Random random, bool take = false) => Pick(_files, random, take, null);

        private T? Pick<T>(List<T> list, Random random, bool take, Func<T, bool>? where) where T : class
        {
            lock (_lock)
            {
                for (var attempt = 0; attempt < 8 && list.Count > 0; attempt++)
                {
                    var index = random.Next(list.Count);
                    if (where is not null && !where(list[index])) continue;
                    var item = list[index];
                    if (take) list.RemoveAt(index);
                    return item;
                }
                return null;
            }
        }
    }

    public static async Task<List<string>> RunAsync(Part part)
    {
        var options = part.Options;
        var random = new Random(options.Seed + 3);
        var pools = AppUnderTest.Apps.Select(_ => new Pool()).ToArray();
        for (var app = 0; app < pools.Length; app++)
        {
            Log.Status($"load: seeding application {app + 1}/{pools.Length} ...");
            for (var i = 0; i < 12; i++) pools[app].Add(await part.Seeder.VideoAsync(random, app, $"load seed {app}-{i}", 23, 2, 8, i % 4 == 0 ? "NoTranscode" : "FastTranscode"));
            for (var i = 0; i < 3; i++)
            {
                pools[app].Add(await part.Seeder.FileAsync("image", app, $"load seed image {app}-{i}"));
                pools[app].Add(await part.Seeder.FileAsync("attached", app, $"load seed attached {app}-{i}"));
            }
        }
        part.Stats.CountServerErrors(part.Violations, kills: false);
        part.Api.Stats = new Stats();

        var duration = TimeSpan.FromMinutes(options.LoadMinutes);
        Log.Line($"{options.Clients} clients for {duration.TotalMinutes:F1} min over {pools.Length} applications (no request limit per key: Vod__RequestsPerSecond 0)");
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = new int[2];
        var memory = MemoryAsync(part, start, deadline);
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(i => Task.Run(() =>
            ClientAsync(part, pools[i % pools.Length], i, new Random(options.Seed * 1000 + i), deadline, counts))));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var series = await memory;
        var load = part.Stats;
        var table = Table(load, seconds);
        foreach (var line in table) Log.Line(line);
        var statuses = load.Statuses.GroupBy(s => s.Key.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "none" : g.Key)}: {g.Sum(s => s.Value)}");
        var rss = series.Select(s => s.Rss / 1024 / 1024).ToList();
        var summary = new List<string>
        {
            $"{options.Clients} clients, {seconds / 60:F1} min: {load.Total} requests ({load.Total / seconds:F0}/s), {counts[0]} ingests, {counts[1]} deletes",
            $"statuses {string.Join(", ", statuses)}",
            $"app RSS every 10 s (MiB): {string.Join(" ", series.Where((_, i) => i % 10 == 9).Select(s => s.Rss / 1024 / 1024))} (min {rss.Min()}, max {rss.Max()})",
        };
        foreach (var line in summary) Log.Line(line);

        // Checks: every delete answered 200 finished with its event, nothing else lost, every read of what is left is true.
        // (Media a delete without an answer named may be either way: Busy, and left out, as the storage check leaves them out.)
        var videos = part.Catalog.Videos.Where(v => !v.Busy).ToList();
        var files = part.Catalog.Files.Where(f => !f.Busy).ToList();
        var checkedVideos = videos.Where(v => v.Deleted || v.MezzanineDeleted || v.Streams.Any(s => s.Deleted) || v.Images.Any(i => i.Deleted))
            .Concat(videos.Where(v => !v.Deleted).OrderBy(_ => random.Next()).Take(500)).Distinct().ToList();
        await part.CheckAsync(checkedVideos, files, images: 3);
        return [.. summary.Take(1), $"reads checked for {checkedVideos.Count} of {videos.Count} videos and {files.Count} files"];
    }

    /// <summary>The app's RSS once a second until the deadline, with a line every 10 s.</summary>
    private static async Task<List<(double Seconds, long Rss)>> MemoryAsync(Part part, long start, long deadline)
    {
        var series = new List<(double, long)>();
        var requests = 0;
        for (var second = 1; Stopwatch.GetTimestamp() < deadline; second++)
        {
            await Task.Delay(TimeSpan.FromSeconds(second) - Stopwatch.GetElapsedTime(start) is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
            series.Add((second, part.App.Rss()));
            var total = part.Stats.Total;
            Log.Status($"load {second} s: {total} requests, RSS {series[^1].Item2 / 1024 / 1024} MiB");
            if (second % 10 != 0) continue;
            Log.Line($"  {second,4} s  RSS {series[^1].Item2 / 1024 / 1024,4} MiB  {(total - requests) / 10.0,6:F0} requests/s");
            requests = total;
        }
        return series;
    }

    private static async Task ClientAsync(Part part, Pool pool, int index, Random random, long deadline, int[] counts)
    {
        var app = index % AppUnderTest.Apps.Length;
        var key = index % 8 == 7 ? AppUnderTest.AdminKey : AppUnderTest.FullKey(app);
        var api = part.Api;
        for (var n = 0; Stopwatch.GetTimestamp() < deadline; n++)
        {
            var dice = random.NextDouble();
            if (dice < 0.6) await ReadAsync(api, pool, random, key, app);
            else if (dice < 0.85 && await IngestAsync(part, pool, random, key, app, $"load {index}-{n}")) Interlocked.Increment(ref counts[0]);
            else if (dice >= 0.85 && await DeleteAsync(part, pool, random, key)) Interlocked.Increment(ref counts[1]);
        }
    }

    private static async Task ReadAsync(Api api, Pool pool, Random random, string key, int app)
    {
        var video = pool.Video(random);
        var file = pool.File(random);
        var id = new { VideoId = video?.Id };
        _ = random.Next(8) switch
        {
            0 => await api.CallAsync("GetVideoInfo", id, key),
            1 => await api.CallAsync("GetPlayInfo", id, key),
            2 => await api.CallAsync("GetMezzanineInfo", id, key),
            3 => await api.CallAsync("ListSnapshots", id, key),
            4 => await api.CallAsync("GetImageInfo", new { ImageId = video?.Images.ElementAtOrDefault(random.Next(8))?.Id ?? "none" }, key),
            5 => file?.Kind == "image"
                ? await api.CallAsync("GetImageInfo", new { ImageId = file.Id }, key)
                : await api.CallAsync("GetAttachedMediaInfo", new { MediaIds = file?.Id ?? "none" }, key),
            6 => await api.CallAsync("SearchMedia", new { SearchType = new[] { "video", "image", "attached" }[random.Next(3)], AppId = AppUnderTest.Apps[app], PageSize = 20 }, key),
            _ => await api.CallAsync("GetThumbnail", new { MediaId = video?.Id }, key),
        };
    }

    /// <summary>As an upload and a transcode pipeline do it: a video (mezzanine through its upload URL, a stream, two snapshots) or an uploaded file.</summary>
    private static async Task<bool> IngestAsync(Part part, Pool pool, Random random, string key, int app, string title)
    {
        var api = part.Api;
        var appId = AppUnderTest.Apps[app];
        if (random.Next(5) == 0)
        {
            var kind = random.Next(2) == 0 ? "image" : "attached";
            var created = kind == "image"
                ? await api.CallAsync("CreateUploadImage", new { ImageType = "default", FileName = "picture.png", AppId = appId, Title = title }, key)
                : await api.CallAsync("CreateUploadAttachedMedia", new { BusinessType = "subtitle", FileName = "sub.vtt", AppId = appId, Title = title }, key);
            if (created.Status != 200 || !await PutAsync(part, created.Str("UploadURL"), 300)) return false;
            var id = created.Str(kind == "image" ? "ImageId" : "MediaId");
            if ((await api.CallAsync("CompleteUpload", new { MediaId = id }, key)).Status != 200) return false;
            var url = created.Str(kind == "image" ? "ImageURL" : "MediaURL");
            var file = new FileMedia(id, kind, appId, title, new Blob(Checks.BlobOf(url), 300), url);
            part.Catalog.Files.Add(file);
            pool.Add(file);
            return true;
        }
        var video = await api.CallAsync("CreateUploadVideo", new { Title = title, FileName = "source.mp4", AppId = appId }, key);
        if (video.Status != 200 || !await PutAsync(part, video.Str("UploadURL"), 2048)) return false;
        var videoId = video.Str("VideoId");
        if ((await api.CallAsync("CompleteUpload", new { MediaId = videoId }, key)).Status != 200) return false;
        var model = new Video(videoId, appId, title, "FastTranscode", new Blob($"videos/{videoId}/mezzanine/source.mp4", 2048));
        var jobId = Guid.NewGuid().ToString("N");
        var folder = $"videos/{videoId}/streams/{jobId}/";
        var stream = new VideoStream(jobId, "HD", [new Blob(folder + "index.m3u8", 120), .. Enumerable.Range(0, 3).Select(i => new Blob($"{folder}seg-{i:D5}.ts", 500))]);
        Blob[] snapshots = [new($"videos/{videoId}/snapshots/CoverSnapshot/0000.jpg", 200), new($"videos/{videoId}/snapshots/NormalSnapshot/0001.jpg", 200)];
        await part.Seeder.UploadAsync(stream.Blobs.Concat(snapshots));
        var registered = await api.CallAsync("RegisterMediaFiles", new
        {
            VideoId = videoId,
            Streams = new[] { new { Definition = "HD", Format = "m3u8", FileURL = part.Seeder.Url(stream.Blobs[0].Name) } },
            Images = new[] { new { ImageType = "CoverSnapshot", FileURL = part.Seeder.Url(snapshots[0].Name) }, new { ImageType = "NormalSnapshot", FileURL = part.Seeder.Url(snapshots[1].Name) } },
        }, key);
        if (registered.Status != 200) return false;
        model.Streams.Add(stream);
        var imageIds = registered.Items("ImageIds").Select(e => e.GetString()!).ToList();
        model.Images.Add(new Snapshot(imageIds[0], "CoverSnapshot", snapshots[0]));
        model.Images.Add(new Snapshot(imageIds[1], "NormalSnapshot", snapshots[1]));
        part.Catalog.Videos.Add(model);
        pool.Add(model);
        return true;
    }

    private static async Task<bool> PutAsync(Part part, string uploadUrl, int bytes)
    {
        var start = Stopwatch.GetTimestamp();
        using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(new byte[bytes]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Storage.SendAsync(put);
        part.Stats.Record("(storage) PUT to UploadURL", (int)response.StatusCode, start);
        return response.IsSuccessStatusCode;
    }

    /// <summary>A delete of media of the client's application, taken out of the pool while it runs; what is left goes back.</summary>
    private static async Task<bool> DeleteAsync(Part part, Pool pool, Random random, string key)
    {
        var api = part.Api;
        var dice = random.Next(10);
        if (dice == 9)
        {
            if (pool.File(random, take: true) is not { } file) return false;
            var answer = file.Kind == "image"
                ? await api.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = new[] { file.Id } }, key)
                : await api.CallAsync("DeleteAttachedMedia", new { MediaIds = new[] { file.Id } }, key);
            return Done(part, answer, [Item.Of(file)], () => file.Busy = true);
        }
        if (dice < 4)
        {
            var videos = Enumerable.Range(0, random.Next(1, 4)).Select(_ => pool.Video(random, take: true)).OfType<Video>().ToList();
            if (videos.Count == 0) return false;
            var answer = await api.CallAsync("DeleteVideo", new { VideoIds = videos.Select(v => v.Id).ToArray() }, key);
            return Done(part, answer, videos.Select(Item.Whole).ToList(), () => videos.ForEach(v => v.Busy = true));
        }
        if (pool.Video(random, take: true, v => v.Streams.Any(s => !s.Deleted) && v.Images.Any(i => !i.Deleted)) is not { } video) return false;
        var items = dice switch
        {
            < 6 => [Item.Of(video, video.Streams.First(s => !s.Deleted))],
            < 8 => video.Images.Where(i => !i.Deleted).Take(random.Next(1, 3)).Select(i => Item.Of(video, i)).ToList(),
            _ when !video.MezzanineDeleted => [Item.MezzanineOf(video)],
            _ => new List<Item>(),
        };
        if (items.Count == 0)
        {
            pool.Add(video);
            return false;
        }
        var result = items[0].Kind switch
        {
            "stream" => await api.CallAsync("DeleteStream", new { VideoId = video.Id, JobIds = items.Select(i => i.Stream!.JobId).ToArray() }, key),
            "image" => await api.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = items.Select(i => i.Image!.Id).ToArray() }, key),
            _ => await api.CallAsync("DeleteMezzanines", new { VideoIds = new[] { video.Id }, Force = true }, key),
        };
        var done = Done(part, result, items, () => video.Busy = true);
        if (done) pool.Add(video);
        return done;
    }

    /// <summary>A delete answered 200 is finished: its items are gone from the model. Any other answer leaves them unknown, out of the checks.</summary>
    private static bool Done(Part part, Answer answer, List<Item> items, Action unknown)
    {
        if (answer.Status != 200)
        {
            unknown();
            return false;
        }
        lock (part.Finished)
        {
            foreach (var item in items)
            {
                item.MarkDeleted();
                part.Finished.Add(item);
            }
        }
        return true;
    }

    /// <summary>Per operation: count, p50 and p99 latency, throughput over <paramref name="seconds"/>, and the count of each status.</summary>
    public static List<string> Table(Stats stats, double seconds)
    {
        var statuses = stats.Statuses;
        var lines = new List<string> { $"{"Operation",-30}{"Count",8}{"p50 ms",9}{"p99 ms",9}{"per s",8}  Statuses" };
        foreach (var (op, latencies) in stats.Latencies.OrderByDescending(p => p.Value.Length))
        {
            Array.Sort(latencies);
            double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))];
            var codes = statuses.Where(s => s.Key.Op == op).OrderBy(s => s.Key.Status).Select(s => $"{(s.Key.Status == 0 ? "none" : s.Key.Status)}: {s.Value}");
            lines.Add($"{op,-30}{latencies.Length,8}{Percentile(0.5),9:F1}{Percentile(0.99),9:F1}{latencies.Length / seconds,8:F1}  {string.Join(", ", codes)}");
        }
        return lines;
    }
}
