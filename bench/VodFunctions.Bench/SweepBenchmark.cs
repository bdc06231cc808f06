using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Media;

namespace VodFunctions.Bench;

/// <summary>
/// ApplyMediaPolicies deleting the same 200 old videos (10 blobs each) from a catalog of 5,000 video records
/// and from one of 100,000: the other records are younger than the policy's MinAge, written once per catalog
/// straight into the catalog tables with the catalog's own partition rules (index rows in transactions of 100).
/// Each round seeds the 200 old videos afresh and times the sweep as the host runs it (<c>POST /ApplyMediaPolicies</c>,
/// answered when the run is over) while the app's working set is sampled. As a same-run control, the same 200
/// videos are then seeded again and deleted through <c>DeleteVideo</c> (20 per call): that shows how much of any
/// growth is the storage's per-operation cost rather than the sweep's. A first, untimed round goes through a
/// counting proxy: the storage requests one sweep sends, which do not depend on the storage's speed.
/// <para>
/// Then the same 200 videos fanned out over the policy work queue (<c>Vod__Policies__Queue</c>) to 1 and to 3 app processes
/// on the same storage, each a round through the counting proxy: the time from the run's start until every queued asset is
/// settled and the queue is empty, the storage requests per deleted asset (the run's and every process's), and each
/// process's peak working set. The timed rounds above run with an empty queue setting: the run deletes by itself, as before.
/// </para>
/// </summary>
public static class SweepBenchmark
{
    private const int Matching = 200;
    private const int SegmentsPerVideo = 8; // + playlist + mezzanine = 10 blobs
    private const string App = "app-1000000";
    private static readonly BinaryData Content = new(new byte[1024]);

    private sealed record Round(double Sweep, double Control, long Peak, IReadOnlyDictionary<string, int>? Requests);

    private sealed record FanOut(int Processes, double Time, IReadOnlyDictionary<string, int> Requests, IReadOnlyList<long> Peaks);

    private sealed record Catalog(List<Round> Rounds, IReadOnlyDictionary<string, int> Requests, List<FanOut> FanOuts);

    /// <param name="rounds">Timed rounds per catalog; 0 runs only the counted round and the fanned-out ones.</param>
    public static async Task RunAsync(string storage, int rounds, int[] sizes)
    {
        Console.WriteLine($"Sweep benchmark: ApplyMediaPolicies deletes {Matching} old videos ({SegmentsPerVideo + 2} blobs each) " +
                          $"from catalogs of {string.Join(" and ", sizes.Select(s => s.ToString("N0")))} videos; {rounds} timed rounds each");
        var results = new Dictionary<int, Catalog>();
        foreach (var size in sizes) results[size] = await MeasureAsync(storage, size, rounds);

        Console.WriteLine();
        double Sweep(int size) => DeleteBenchmark.Median(results[size].Rounds.Select(r => r.Sweep).ToList());
        double Control(int size) => DeleteBenchmark.Median(results[size].Rounds.Select(r => r.Control).ToList());
        foreach (var size in sizes.Where(_ => rounds > 0))
            Console.WriteLine($"{size,7:N0} videos: sweep median {Sweep(size),8:F0} ms, control median {Control(size),8:F0} ms, " +
                              $"peak working set {results[size].Rounds.Max(r => r.Peak) / 1048576.0:F1} MiB");
        foreach (var size in sizes)
        {
            Console.WriteLine($"{size,7:N0} videos: sweep deleting by itself {results[size].Requests.Values.Sum() / (double)Matching,5:F1} storage requests per deleted video");
            foreach (var fan in results[size].FanOuts)
                Console.WriteLine($"{size,7:N0} videos: fanned out to {fan.Processes} process(es) {fan.Time,8:F0} ms, {fan.Requests.Values.Sum() / (double)Matching,5:F1} storage requests " +
                                  $"per deleted video ({fan.Requests.Where(r => r.Key != $"queue {CountingProxy.EmptyPoll}").Sum(r => r.Value) / (double)Matching:F1} without the idle workers' empty polls), peak working set per process {string.Join(" / ", fan.Peaks.Select(p => (p / 1048576.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))} MiB");
            foreach (var fan in results[size].FanOuts)
                Console.WriteLine($"  fanned out to {fan.Processes}: {string.Join(", ", fan.Requests.Select(r => $"{r.Key} {r.Value:N0}"))}");
        }
        Console.WriteLine("storage requests of one sweep:");
        foreach (var kind in results.Values.SelectMany(r => r.Requests.Keys).Distinct().Order())
            Console.WriteLine($"  {kind,-14} {string.Join("  ", sizes.Select(size => $"{results[size].Requests.GetValueOrDefault(kind),6:N0} ({size:N0})"))}");
        if (sizes.Length < 2 || rounds == 0) return;
        var (small, large) = (sizes[0], sizes[^1]);
        Console.WriteLine($"requests {large:N0} / {small:N0} = {(double)results[large].Requests.Values.Sum() / results[small].Requests.Values.Sum():F2}   (the sweep's own work)");
        Console.WriteLine($"sweep {large:N0} / {small:N0} = {Sweep(large) / Sweep(small):F2}   (target <= 1.3)");
        Console.WriteLine($"control {large:N0} / {small:N0} = {Control(large) / Control(small):F2}   (the same deletes without the sweep)");
        Console.WriteLine($"peak working set {results.Values.SelectMany(r => r.Rounds).Max(r => r.Peak) / 1048576.0:F1} MiB   (target < 300 MiB)");
    }

    /// <summary>One catalog: seeded once, a counted round through the proxy, then the timed rounds; removed at the end.</summary>
    private static async Task<Catalog> MeasureAsync(string storage, int size, int rounds)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        // Both app processes share the storage names; their own schedulers stay off: the sweep runs when the benchmark invokes it, as the host would.
        var settings = new Dictionary<string, string>
        {
            ["Vod__TablePrefix"] = "b" + suffix, ["Vod__MediaContainer"] = "bench-" + suffix, ["Vod__EventsQueue"] = "bench-events-" + suffix,
            ["AzureWebJobs__ApplyMediaPolicies__Disabled"] = "true", ["AzureWebJobs__ReconcileStorage__Disabled"] = "true",
            ["Vod__Policies__Queue"] = "", // the timed rounds: the run deletes by itself; FanOutAsync sets a queue
            ["Logging__LogLevel__VodFunctions.Functions.Timers"] = "Information", // the run's end, see RunEnds
        };
        var tables = new TableServiceClient(storage);
        var media = tables.GetTableClient(settings["Vod__TablePrefix"] + "Media");
        var index = tables.GetTableClient(settings["Vod__TablePrefix"] + "Index");
        var container = new BlobContainerClient(storage, settings["Vod__MediaContainer"]);
        try
        {
            var now = DateTimeOffset.UtcNow;
            IReadOnlyDictionary<string, int> requests;
            var ends = new RunEnds();
            await using (var proxy = await CountingProxy.StartAsync(storage))
            await using (var counted = await AppProcess.StartAsync(proxy.ConnectionString, settings, log: ends.Line))
            {
                await SeedYoungAsync(media, index, size - Matching, now);
                await counted.CallAsync("SetMediaPolicy", new { Name = "Expire after a year", Action = "DeleteVideo", MinAge = "P365D" });
                requests = (await RoundAsync(counted, ends, media, index, container, now, proxy)).Requests!;
                Console.WriteLine($"  {size,7:N0} videos, counted round: {requests.Values.Sum():N0} storage requests");
            }
            await using var app = await AppProcess.StartAsync(storage, settings, log: ends.Line);
            var results = new List<Round>();
            for (var round = 1; round <= rounds; round++)
            {
                var result = await RoundAsync(app, ends, media, index, container, now, proxy: null);
                results.Add(result);
                Console.WriteLine($"  {size,7:N0} videos, round {round}: sweep {result.Sweep,8:F0} ms   control (DeleteVideo API) {result.Control,8:F0} ms   " +
                                  $"peak working set {result.Peak / 1048576.0,6:F1} MiB");
            }
            var fanOuts = new List<FanOut>();
            foreach (var processes in new[] { 1, 3 })
            {
                var fan = await FanOutAsync(storage, settings, processes, tables, media, index, container, now);
                fanOuts.Add(fan);
                Console.WriteLine($"  {size,7:N0} videos, fanned out to {processes} process(es): {fan.Time,8:F0} ms, {fan.Requests.Values.Sum():N0} storage requests");
            }
            return new Catalog(results, requests, fanOuts);
        }
        finally
        {
            await container.DeleteIfExistsAsync();
            await foreach (var table in tables.QueryAsync(TableClient.CreateQueryFilter($"TableName ge {settings["Vod__TablePrefix"]} and TableName lt {settings["Vod__TablePrefix"] + "~"}")))
                await tables.DeleteTableAsync(table.Name);
        }
    }

    /// <summary>Seeds the old videos, sweeps them (counting its storage requests when given a proxy), then the control deletes.</summary>
    private static async Task<Round> RoundAsync(AppProcess app, RunEnds ends, TableClient media, TableClient index, BlobContainerClient container, DateTimeOffset now, CountingProxy? proxy)
    {
        await SeedOldAsync(media, index, container, now);
        var policyId = (await app.CallAsync("ListMediaPolicies", new { })).GetProperty("Policies")[0].GetProperty("PolicyId").GetString();
        var preview = await app.CallAsync("PreviewMediaPolicy", new { PolicyId = policyId });
        Check(preview.GetProperty("Total").GetInt32() == Matching, $"the preview finds {Matching} videos, not {preview.GetProperty("Total")}");

        double sweep = 0;
        proxy?.Reset();
        var peak = await app.PeakWorkingSetDuringAsync(async () =>
        {
            var timer = Stopwatch.StartNew();
            using var response = await app.Client.PostAsync("/admin/functions/ApplyMediaPolicies", JsonContent.Create(new { }));
            Check(response.StatusCode == HttpStatusCode.Accepted, $"starting the sweep answered {(int)response.StatusCode}");
            await ends.WaitAsync();
            sweep = timer.Elapsed.TotalMilliseconds;
        });
        var requests = proxy?.Counts;
        var run = (await app.CallAsync("ListMediaPolicyRuns", new { PageSize = 1 })).GetProperty("Runs")[0];
        Check(run.GetProperty("Deleted").GetInt32() == Matching && run.GetProperty("Status").GetString() == "Completed", $"the run deleted all old videos: {run}");
        Check(!await container.GetBlobsAsync().AnyAsync(), "no blob is left");

        // Control: the same deletes through DeleteVideo, without the sweep.
        var again = await SeedOldAsync(media, index, container, now);
        var control = Stopwatch.StartNew();
        await Parallel.ForEachAsync(again.Chunk(20), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (ids, _) =>
            await app.CallAsync("DeleteVideo", new { VideoIds = ids }));
        var controlMs = control.Elapsed.TotalMilliseconds;
        Check(!await container.GetBlobsAsync().AnyAsync(), "no blob is left after the control deletes");
        return new Round(sweep, controlMs, peak, requests);
    }

    /// <summary>The old videos fanned out to <paramref name="processes"/> app processes, all through one counting proxy.</summary>
    private static async Task<FanOut> FanOutAsync(
        string storage, Dictionary<string, string> settings, int processes, TableServiceClient tables, TableClient media, TableClient index, BlobContainerClient container, DateTimeOffset now)
    {
        var fanOut = new Dictionary<string, string>(settings)
        {
            ["Vod__Policies__Queue"] = "bench-work-" + settings["Vod__TablePrefix"], ["Vod__Queues__MaxPollingInterval"] = "00:00:00.200",
        };
        var work = new QueueClient(storage, fanOut["Vod__Policies__Queue"]);
        var batches = tables.GetTableClient(settings["Vod__TablePrefix"] + "Runs");
        async Task<int> SettledAsync() => await batches.QueryAsync<TableEntity>("PartitionKey ge 'work|' and PartitionKey lt 'work}'", select: ["Deleted", "Skipped", "Failed"])
            .Select(b => (b.GetInt32("Deleted") ?? 0) + (b.GetInt32("Skipped") ?? 0) + (b.GetInt32("Failed") ?? 0)).SumAsync();
        await using var proxy = await CountingProxy.StartAsync(storage);
        var apps = new List<AppProcess>();
        try
        {
            for (var i = 0; i < processes; i++) apps.Add(await AppProcess.StartAsync(proxy.ConnectionString, fanOut));
            await SeedOldAsync(media, index, container, now);
            var before = await SettledAsync();
            proxy.Reset();
            var done = new TaskCompletionSource();
            var peaks = apps.Select(app => app.PeakWorkingSetDuringAsync(() => done.Task)).ToList();
            var timer = Stopwatch.StartNew();
            using (var response = await apps[0].Client.PostAsync("/admin/functions/ApplyMediaPolicies", JsonContent.Create(new { })))
                Check(response.StatusCode == HttpStatusCode.Accepted, $"starting the sweep answered {(int)response.StatusCode}");
            // Watched straight in storage (not through the proxy): every asset settled and the work queue empty.
            while (await SettledAsync() < before + Matching || (await work.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
            {
                Check(timer.Elapsed < TimeSpan.FromMinutes(10), "the fanned-out sweep ended within 10 minutes");
                await Task.Delay(100);
            }
            var time = timer.Elapsed.TotalMilliseconds;
            var requests = proxy.Counts;
            done.SetResult();
            var peak = await Task.WhenAll(peaks);
            var run = (await apps[0].CallAsync("ListMediaPolicyRuns", new { PageSize = 1 })).GetProperty("Runs")[0];
            Check(run.GetProperty("Deleted").GetInt32() == Matching && run.GetProperty("Status").GetString() == "Completed", $"the run deleted all old videos: {run}");
            Check(!await container.GetBlobsAsync().AnyAsync(), "no blob is left");
            return new FanOut(processes, time, requests, peak);
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
            await work.DeleteIfExistsAsync();
        }
    }

    /// <summary>
    /// The ends of the app's ApplyMediaPolicies runs, from its log (a run started with <c>POST /admin/functions/{Name}</c> goes
    /// on after the 202; polling its record would add storage requests to the count). Other lines go to standard error.
    /// </summary>
    private sealed class RunEnds
    {
        private readonly SemaphoreSlim _ended = new(0);

        public void Line(string line)
        {
            var text = line.TrimStart();
            if (text.StartsWith("ApplyMediaPolicies run ", StringComparison.Ordinal))
            {
                if (!text.Contains(" starts (", StringComparison.Ordinal)) _ended.Release();
            }
            else if (!line.StartsWith("info: ", StringComparison.Ordinal)) Console.Error.WriteLine("app: " + line);
        }

        public async Task WaitAsync() => Check(await _ended.WaitAsync(TimeSpan.FromMinutes(10)), "the sweep ended within 10 minutes");
    }

    private static void Check(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException("Benchmark check failed: " + what);
    }

    /// <summary>Video records younger than the policy's MinAge (no blobs needed), in slices of 5,000 with a progress line.</summary>
    private static async Task SeedYoungAsync(TableClient media, TableClient index, int count, DateTimeOffset now)
    {
        var watch = Stopwatch.StartNew();
        for (var done = 0; done < count;)
        {
            var slice = Math.Min(5_000, count - done);
            await WriteAsync(media, index, Enumerable.Range(done, slice).Select(i => NewVideo(now.AddMinutes(-(i + 1) * (180.0 * 24 * 60 / count)))).ToList());
            done += slice;
            Console.Write($"\r  seeding {count:N0} young videos: {done,7:N0} ({done * 100 / count,3}%) {watch.Elapsed.TotalSeconds,5:F0} s");
        }
        Console.WriteLine();
    }

    /// <summary>200 videos well past the MinAge, each with a mezzanine and one HLS stream: 10 real blobs.</summary>
    private static async Task<List<string>> SeedOldAsync(TableClient media, TableClient index, BlobContainerClient container, DateTimeOffset now)
    {
        var videos = Enumerable.Range(0, Matching).Select(i => NewVideo(now.AddDays(-400).AddMinutes(-i))).ToList();
        var streams = new List<StreamEntity>();
        var blobs = new List<string>();
        foreach (var video in videos)
        {
            var jobId = MediaIds.New();
            var folder = $"videos/{video.VideoId}/streams/{jobId}/";
            blobs.Add($"videos/{video.VideoId}/mezzanine/{video.MezzanineFileName}");
            blobs.Add(folder + "index.m3u8");
            blobs.AddRange(Enumerable.Range(0, SegmentsPerVideo).Select(s => $"{folder}seg-{s:D5}.ts"));
            streams.Add(new StreamEntity
            {
                PartitionKey = video.VideoId, RowKey = StreamEntity.RowOf(jobId), JobId = jobId, Definition = "HD", Format = "m3u8",
                BlobName = folder + "index.m3u8", Size = (SegmentsPerVideo + 1) * 1024, Status = VideoStatus.Normal, CreationTime = video.CreationTime, AppId = App,
            });
            video.Size = (SegmentsPerVideo + 2) * 1024;
            video.MezzanineSize = 1024;
        }
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (name, ct) =>
            await container.GetBlobClient(name).UploadAsync(Content, overwrite: true, ct));
        await WriteAsync(media, index, videos);
        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (stream, ct) => await media.AddEntityAsync(stream, ct));
        return videos.Select(v => v.VideoId).ToList();
    }

    private static VideoEntity NewVideo(DateTimeOffset created)
    {
        var videoId = MediaIds.New();
        return new VideoEntity
        {
            PartitionKey = videoId, RowKey = VideoEntity.RowOf(videoId), Title = "Bench video " + created.ToUnixTimeSeconds(), AppId = App, CateId = "bench",
            TranscodeMode = TranscodeModes.FastTranscode, StorageLocation = "default", Status = VideoStatus.Normal, CreationTime = created,
            MezzanineFileName = "source.mp4", MezzanineStatus = MezzanineStatus.Normal, MezzanineJobId = MediaIds.New(),
        };
    }

    /// <summary>Index rows first (in transactions of 100 per partition), then the records, as the catalog writes them.</summary>
    private static async Task WriteAsync(TableClient media, TableClient index, IReadOnlyList<VideoEntity> videos)
    {
        var entries = videos.SelectMany(CatalogStore.IndexEntriesOf).ToList();
        var batches = entries.GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(100)).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (batch, ct) =>
            await index.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct));
        await Parallel.ForEachAsync(videos, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (video, ct) => await media.AddEntityAsync(video, ct));
    }
}
