using System.Diagnostics;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Media;

namespace VodFunctions.Bench;

/// <summary>
/// ApplyMediaPolicies deleting the same 200 old videos (10 blobs each) from a catalog of 5,000 video records
/// and from one of 100,000: the other records are younger than the policy's MinAge, written straight into
/// the catalog tables with the catalog's own partition rules (index rows in transactions of 100). Each round
/// is a fresh app process on fresh tables and container; the sweep is timed as the host would run it
/// (<c>POST /ApplyMediaPolicies</c>, answered when the run is over) while the app's working set is sampled.
/// As a same-run control, the same 200 videos are then seeded again and deleted through <c>DeleteVideo</c>
/// (20 per call): that shows how much of any growth is the storage's per-operation cost rather than the sweep's.
/// </summary>
public static class SweepBenchmark
{
    private const int Matching = 200;
    private const int SegmentsPerVideo = 8; // + playlist + mezzanine = 10 blobs
    private const string App = "app-1000000";
    private static readonly BinaryData Content = new(new byte[1024]);

    public static async Task RunAsync(string storage, int rounds, int[] sizes)
    {
        Console.WriteLine($"Sweep benchmark: ApplyMediaPolicies deletes {Matching} old videos ({SegmentsPerVideo + 2} blobs each) " +
                          $"from catalogs of {string.Join(" and ", sizes.Select(s => s.ToString("N0")))} videos; {rounds} rounds each, fresh app and storage per round");
        var results = new Dictionary<int, List<(double Sweep, double Control, long Peak)>>();
        foreach (var size in sizes)
        {
            results[size] = [];
            for (var round = 1; round <= rounds; round++)
            {
                var result = await RoundAsync(storage, size);
                results[size].Add(result);
                Console.WriteLine($"  {size,7:N0} videos, round {round}: sweep {result.Sweep,8:F0} ms   control (DeleteVideo API) {result.Control,8:F0} ms   " +
                                  $"peak working set {result.Peak / 1048576.0,6:F1} MiB");
            }
        }
        Console.WriteLine();
        foreach (var size in sizes)
        {
            var r = results[size];
            Console.WriteLine($"{size,7:N0} videos: sweep median {DeleteBenchmark.Median(r.Select(x => x.Sweep).ToList()),8:F0} ms, " +
                              $"control median {DeleteBenchmark.Median(r.Select(x => x.Control).ToList()),8:F0} ms, peak working set {r.Max(x => x.Peak) / 1048576.0:F1} MiB");
        }
        if (sizes.Length >= 2)
        {
            var (small, large) = (results[sizes[0]], results[sizes[^1]]);
            var sweepRatio = DeleteBenchmark.Median(large.Select(x => x.Sweep).ToList()) / DeleteBenchmark.Median(small.Select(x => x.Sweep).ToList());
            var controlRatio = DeleteBenchmark.Median(large.Select(x => x.Control).ToList()) / DeleteBenchmark.Median(small.Select(x => x.Control).ToList());
            Console.WriteLine($"sweep {sizes[^1]:N0} / {sizes[0]:N0} = {sweepRatio:F2}   (target <= 1.3)");
            Console.WriteLine($"control {sizes[^1]:N0} / {sizes[0]:N0} = {controlRatio:F2}   (the same deletes without the sweep)");
            Console.WriteLine($"sweep ratio / control ratio = {sweepRatio / controlRatio:F2}   (what the sweep itself adds as the catalog grows)");
            Console.WriteLine($"peak working set {results.Values.SelectMany(v => v).Max(x => x.Peak) / 1048576.0:F1} MiB   (target < 300 MiB)");
        }
    }

    private static async Task<(double Sweep, double Control, long Peak)> RoundAsync(string storage, int size)
    {
        // The app's own scheduler stays off: the sweep runs when the benchmark invokes it, as the host would.
        await using var app = await AppProcess.StartAsync(storage, new Dictionary<string, string>
        {
            ["AzureWebJobs__ApplyMediaPolicies__Disabled"] = "true", ["AzureWebJobs__ReconcileStorage__Disabled"] = "true",
        });
        var tables = new TableServiceClient(storage);
        var media = tables.GetTableClient(app.TablePrefix + "Media");
        var index = tables.GetTableClient(app.TablePrefix + "Index");
        var container = new BlobContainerClient(storage, app.Container);
        try
        {
            var now = DateTimeOffset.UtcNow;
            var watch = Stopwatch.StartNew();
            Console.Write($"  seeding {size - Matching:N0} young and {Matching} old videos...");
            await SeedYoungAsync(media, index, size - Matching, now);
            await SeedOldAsync(media, index, container, now);
            Console.WriteLine($" {watch.Elapsed.TotalSeconds:F0} s");

            var policy = await app.CallAsync("SetMediaPolicy", new { Name = "Expire after a year", Action = "DeleteVideo", MinAge = "P365D" });
            var preview = await app.CallAsync("PreviewMediaPolicy", new { PolicyId = policy.GetProperty("PolicyId").GetString() });
            Check(preview.GetProperty("Total").GetInt32() == Matching, $"the preview finds {Matching} videos, not {preview.GetProperty("Total")}");

            double sweep = 0;
            var peak = await app.PeakWorkingSetDuringAsync(async () =>
            {
                var timer = Stopwatch.StartNew();
                using var response = await app.Client.PostAsync("/ApplyMediaPolicies", new StringContent(
                    """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{}}""",
                    System.Text.Encoding.UTF8, "application/json"));
                sweep = timer.Elapsed.TotalMilliseconds;
                Check(response.IsSuccessStatusCode, $"the sweep answered {(int)response.StatusCode}");
            });
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
            return (sweep, controlMs, peak);
        }
        finally
        {
            await container.DeleteIfExistsAsync();
            await foreach (var table in tables.QueryAsync(TableClient.CreateQueryFilter($"TableName ge {app.TablePrefix} and TableName lt {app.TablePrefix + "~"}")))
                await tables.DeleteTableAsync(table.Name);
        }
    }

    private static void Check(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException("Benchmark check failed: " + what);
    }

    /// <summary>Video records younger than the policy's MinAge (no blobs needed): each video's row in its own partition, index rows 100 per transaction.</summary>
    private static async Task SeedYoungAsync(TableClient media, TableClient index, int count, DateTimeOffset now)
    {
        var videos = Enumerable.Range(0, count).Select(i => NewVideo(now.AddMinutes(-(i + 1) * (180.0 * 24 * 60 / count)))).ToList();
        await WriteAsync(media, index, videos);
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

    private static VideoEntity NewVideo(DateTimeOffset created) => new()
    {
        PartitionKey = MediaIds.New(), RowKey = VideoEntity.Row, Title = "Bench video " + created.ToUnixTimeSeconds(), AppId = App, CateId = "bench",
        TranscodeMode = TranscodeModes.FastTranscode, StorageLocation = "default", Status = VideoStatus.Normal, CreationTime = created,
        MezzanineFileName = "source.mp4", MezzanineStatus = MezzanineStatus.Normal, MezzanineJobId = MediaIds.New(),
    };

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
