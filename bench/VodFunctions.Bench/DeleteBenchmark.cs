using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using VodFunctions.Core.Files;

namespace VodFunctions.Bench;

/// <summary>
/// DeleteVideo through the HTTP API (a) against the SDK ceiling, a bare loop of DeleteBlobAsync with 32
/// in flight (b), and the naive way, list then delete one at a time (c); and (d), the storage's own floor:
/// the same blobs deleted in Blob Batch requests as the app sends them (256 per batch, 4 in flight), with
/// no listing and no catalog. The four take turns within each round on fresh folders of one container,
/// and only same-run ratios are reported: (c)/(d) bounds the (c)/(a) any implementation can reach on this
/// storage. In the same rounds, an app with the recycle bin on moves a video of the same 631 blobs into the bin (f) and
/// restores it (g): a move and a restore leave the files in place, so each round moves and restores the same video again. Then
/// where one DeleteVideo's time goes: its storage requests, traced through a proxy. (t), in the rounds, is (a) by a third app
/// with telemetry on (OTLP over HTTP to a sink on loopback): (t)/(a) is what the spans and metrics cost a delete. Then the app's
/// peak working set while deleting a 2,000-blob and a 10,000-blob video. Last, the same move and restore as (f) and (g) of a
/// video of the same records and 16 times the segments, 10,003 blobs (h, i), seeded only then (on Azurite a container that
/// large slows every later request): a restore's time should not grow with the segments ((i)/(g) near 1).
/// </summary>
public static class DeleteBenchmark
{
    private const int Streams = 6, Segments = 100, Snapshots = 24; // 1 + 6 * 101 + 24 = 631 blobs
    private const int LargeSegments = 1_662; // 1 + 6 * 1,663 + 24 = 10,003 blobs, the same 31 records
    private static readonly string[] SnapshotTypes = ["CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot"];

    /// <param name="baseline">
    /// Another build of the app (its <c>VodFunctions.Functions.dll</c>; <c>VOD_BENCH_BASELINE</c>): its DeleteVideo joins the
    /// rounds as (e), so two builds are compared in the same run, under the same load.
    /// </param>
    public static async Task RunAsync(string storage, int rounds, string? baseline = null)
    {
        await using var app = await AppProcess.StartAsync(storage);
        var container = new BlobContainerClient(storage, app.Container);
        await using var other = baseline is null ? null : await AppProcess.StartAsync(storage, dll: baseline);
        var otherContainer = other is null ? null : new BlobContainerClient(storage, other.Container);
        using var sink = OtlpSink.Start();
        await using var traced = await AppProcess.StartAsync(storage, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.Endpoint, ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        var tracedContainer = new BlobContainerClient(storage, traced.Container);
        // The recycle bin's app: its two videos are seeded once, then moved into the bin and restored in every round.
        await using var binApp = await AppProcess.StartAsync(storage, new Dictionary<string, string> { ["Vod__RecycleBin__Retention"] = "P7D" });
        var binContainer = new BlobContainerClient(storage, binApp.Container);
        var binVideo = await SeedVideoAsync(binApp, binContainer, Streams, Segments, Snapshots);
        var variants = other is null ? "abcdft" : "abcdeft";
        var times = "abcdefghit".ToDictionary(v => v, _ => new List<double>());
        Console.WriteLine($"Delete benchmark: {rounds} rounds of a 631-blob video (+1 warm-up round), {string.Join("/", variants.Select(v => $"({v})"))} taking turns " +
                          "((f) followed by its restore (g))");
        for (var round = 0; round <= rounds; round++)
        {
            var order = variants.Skip(round % variants.Length).Concat(variants.Take(round % variants.Length)).ToArray();
            var line = new List<string>();
            foreach (var which in order)
            {
                if (which == 'f')
                {
                    line.Add(await MoveAndRestoreAsync(binApp, binVideo, round > 0 ? times : null, 'f', 'g'));
                    continue;
                }
                var ms = which switch
                {
                    'a' => await ApiDeleteAsync(app, container),
                    'b' => await BareLoopAsync(container),
                    'c' => await NaiveAsync(container),
                    'e' => await ApiDeleteAsync(other!, otherContainer!),
                    't' => await ApiDeleteAsync(traced, tracedContainer),
                    _ => await BatchFloorAsync(container),
                };
                if (round > 0) times[which].Add(ms);
                line.Add($"({which}) {ms,7:F0} ms");
            }
            Console.WriteLine($"  round {(round == 0 ? "warm-up" : round.ToString()),7}: {string.Join("  ", line)}");
        }
        var (a, b, c, d) = (Median(times['a']), Median(times['b']), Median(times['c']), Median(times['d']));
        Console.WriteLine();
        Console.WriteLine($"(a) DeleteVideo via HTTP API   median {a,8:F0} ms");
        Console.WriteLine($"(b) bare SDK loop, 32 in flight median {b,8:F0} ms");
        Console.WriteLine($"(c) list + one at a time        median {c,8:F0} ms");
        Console.WriteLine($"(d) Blob Batch floor, no catalog median {d,7:F0} ms");
        Console.WriteLine($"(a)/(b) = {a / b:F2}   (target <= 1.25; stretch <= 1.0)");
        Console.WriteLine($"(c)/(a) = {c / a:F2}   (target >= 3)");
        Console.WriteLine($"(c)/(b) = {c / b:F2}   (one at a time against 32 in flight on this storage)");
        Console.WriteLine($"(c)/(d) = {c / d:F2}   (the highest (c)/(a) any delete reaches on this storage)");
        Console.WriteLine($"(a)/(d) = {a / d:F2}   (the app against the storage's floor)");
        var (f, g) = (Median(times['f']), Median(times['g']));
        Console.WriteLine($"(f) DeleteVideo into the recycle bin, 631 blobs     median {f,7:F0} ms   (f)/(a) = {f / a:F2}");
        Console.WriteLine($"(g) RestoreMedia of it                             median {g,7:F0} ms   (g)/(a) = {g / a:F2}");
        var tel = Median(times['t']);
        Console.WriteLine($"(t) DeleteVideo, telemetry on   median {tel,8:F0} ms   ({sink.Exports} OTLP exports taken)");
        Console.WriteLine($"(t)/(a) = {tel / a:F2}   (telemetry on against off; target <= 1.05)");
        if (other is not null)
        {
            var e = Median(times['e']);
            Console.WriteLine($"(e) DeleteVideo, baseline build median {e,6:F0} ms");
            Console.WriteLine($"(e)/(d) = {e / d:F2}   (the baseline against the storage's floor)");
            Console.WriteLine($"(a)/(e) = {a / e:F2}   (this build against the baseline)");
            return;
        }

        Console.WriteLine();
        await TraceAsync(storage);

        Console.WriteLine();
        Console.WriteLine("Peak working set of the app while deleting one video:");
        var small = await PeakAsync(app, container, 2_000, streams: 1);
        var large = await PeakAsync(app, container, 10_000, streams: 3);
        Console.WriteLine($"   2,000 blobs: {small / 1048576.0,7:F1} MiB");
        Console.WriteLine($"  10,000 blobs: {large / 1048576.0,7:F1} MiB");
        Console.WriteLine($"  10,000 / 2,000 = {(double)large / small:F2}   (target <= 1.2)");

        // Last: a container of 10,000 more blobs slows every later delete on Azurite (its blob index is one
        // collection), so the large video is seeded only now, and its rows are set against (f) and (g) of the rounds above.
        Console.WriteLine();
        Console.WriteLine($"Seeding a {1 + Streams * (LargeSegments + 1) + Snapshots:N0}-blob video of the same 31 records for the recycle bin's (h) and (i) ...");
        var largeVideo = await SeedVideoAsync(binApp, binContainer, Streams, LargeSegments, Snapshots);
        for (var round = 0; round <= rounds; round++)
            Console.WriteLine($"  round {(round == 0 ? "warm-up" : round.ToString()),7}: {await MoveAndRestoreAsync(binApp, largeVideo, round > 0 ? times : null, 'h', 'i')}");
        var (h, i) = (Median(times['h']), Median(times['i']));
        Console.WriteLine($"(h) DeleteVideo into the recycle bin, 10,003 blobs median {h,7:F0} ms   (h)/(f) = {h / f:F2}");
        Console.WriteLine($"(i) RestoreMedia of it                             median {i,7:F0} ms   (i)/(g) = {i / g:F2}   (a restore copies no blob)");
    }

    /// <summary>
    /// DeleteVideo of <paramref name="videoId"/> into the recycle bin, then RestoreMedia of its entry: the two times, added to
    /// <paramref name="times"/> (null in a warm-up round) as <paramref name="moveRow"/> and <paramref name="restoreRow"/>, and as a line.
    /// </summary>
    private static async Task<string> MoveAndRestoreAsync(AppProcess app, string videoId, Dictionary<char, List<double>>? times, char moveRow, char restoreRow)
    {
        var (move, moved) = await TimedAsync(app, "DeleteVideo", new { VideoIds = videoId });
        var entryId = moved.GetProperty("RecycleBin").GetProperty("EntryIds")[0].GetString();
        var (restore, _) = await TimedAsync(app, "RestoreMedia", new { EntryIds = new[] { entryId } });
        times?[moveRow].Add(move);
        times?[restoreRow].Add(restore);
        return $"({moveRow}) {move,7:F0} ms  ({restoreRow}) {restore,7:F0} ms";
    }

    private static async Task<double> ApiDeleteAsync(AppProcess app, BlobContainerClient container)
    {
        var videoId = await SeedVideoAsync(app, container, Streams, Segments, Snapshots);
        return (await TimedAsync(app, "DeleteVideo", new { VideoIds = videoId })).Ms;
    }

    /// <summary>
    /// A call, timed; answered 503 (storage did not answer in time: a machine too busy for the storage emulator), it is retried (the
    /// retry finishes what the first began) and its time is NaN, which the medians leave out.
    /// </summary>
    private static async Task<(double Ms, System.Text.Json.JsonElement Answer)> TimedAsync(AppProcess app, string operation, object body)
    {
        for (var attempt = 0; ; attempt++)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                var answer = await app.CallAsync(operation, body);
                return (attempt == 0 ? watch.Elapsed.TotalMilliseconds : double.NaN, answer);
            }
            catch (InvalidOperationException e) when (e.Message.Contains(" answered 503", StringComparison.Ordinal) && attempt < 5)
            {
                Console.WriteLine($"  {operation} answered 503 after {watch.Elapsed.TotalSeconds:F0} s; retried, and left out of the medians");
            }
        }
    }

    /// <summary>
    /// One DeleteVideo of a 631-blob video by an app whose storage goes through a tracing proxy (after one untraced delete
    /// that warms the app up): each storage request, when it began and ended from the call's start. The proxy adds its own
    /// hop to each request, so the trace shows the order and overlap of the requests more than their exact cost.
    /// </summary>
    public static async Task TraceAsync(string storage)
    {
        await using var proxy = await CountingProxy.StartAsync(storage);
        await using var app = await AppProcess.StartAsync(proxy.ConnectionString);
        var container = new BlobContainerClient(proxy.ConnectionString, app.Container); // the URLs the app registers are the proxy's
        await ApiDeleteAsync(app, container);
        var videoId = await SeedVideoAsync(app, container, Streams, Segments, Snapshots);
        proxy.Tracing = true;
        var watch = Stopwatch.StartNew();
        await app.CallAsync("DeleteVideo", new { VideoIds = videoId });
        var total = watch.Elapsed.TotalMilliseconds;
        proxy.Tracing = false;
        Console.WriteLine($"Trace of one DeleteVideo (631 blobs) through a proxy: {total:F0} ms in all; its storage requests, ms from the call's start:");
        foreach (var r in proxy.Trace)
            Console.WriteLine($"  {r.Start,7:F1} .. {r.End,7:F1}  {r.End - r.Start,6:F1} ms  {r.Service,-5} {r.What} -> {r.Status}");
        var blobs = proxy.Trace.Where(r => r.What.StartsWith("Blob Batch", StringComparison.Ordinal)).ToList();
        if (blobs.Count == 0) return;
        var (first, last) = (blobs.Min(r => r.Start), blobs.Max(r => r.End));
        Console.WriteLine($"  before the first Blob Batch {first,6:F0} ms, Blob Batches {last - first,6:F0} ms, after the last {total - last,6:F0} ms");
    }

    private static async Task<double> BareLoopAsync(BlobContainerClient container)
    {
        var names = await UploadAsync(container, $"bare/{Guid.NewGuid():N}/", 631);
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (name, ct) =>
            await container.DeleteBlobAsync(name, cancellationToken: ct));
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> BatchFloorAsync(BlobContainerClient container)
    {
        var names = await UploadAsync(container, $"floor/{Guid.NewGuid():N}/", 631);
        var batch = BlobBatch.For(container)!;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(names.Chunk(BlobBatch.MaxSize), new ParallelOptions { MaxDegreeOfParallelism = BlobDeleter.BatchesInFlight }, async (chunk, ct) =>
        {
            var statuses = await batch.DeleteAsync(chunk, ct);
            if (statuses is null || statuses.Any(s => s != 202)) throw new InvalidOperationException("The storage did not delete a batch.");
        });
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> NaiveAsync(BlobContainerClient container)
    {
        var prefix = $"naive/{Guid.NewGuid():N}/";
        await UploadAsync(container, prefix, 631);
        var watch = Stopwatch.StartNew();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
            await container.DeleteBlobAsync(blob.Name);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<long> PeakAsync(AppProcess app, BlobContainerClient container, int blobs, int streams)
    {
        var segments = (blobs - 1) / streams - 1;
        Console.Write($"  seeding a {blobs:N0}-blob video...");
        var videoId = await SeedVideoAsync(app, container, streams, segments, 0);
        Console.WriteLine(" deleting");
        return await app.PeakWorkingSetDuringAsync(() => app.CallAsync("DeleteVideo", new { VideoIds = videoId }));
    }

    /// <summary>A video registered through the API with real blobs: mezzanine, HLS streams (playlist + segments), snapshots.</summary>
    internal static async Task<string> SeedVideoAsync(AppProcess app, BlobContainerClient container, int streams, int segments, int snapshots)
    {
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "Benchmark", FileName = "source.mp4" });
        var videoId = created.GetProperty("VideoId").GetString()!;
        var folder = $"videos/{videoId}/";
        var jobs = Enumerable.Range(0, streams).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        var names = new List<string> { folder + "mezzanine/source.mp4" };
        foreach (var job in jobs) names.AddRange(Enumerable.Range(0, segments).Select(i => $"{folder}streams/{job}/seg-{i:D5}.ts").Prepend($"{folder}streams/{job}/index.m3u8"));
        var images = Enumerable.Range(0, snapshots).Select(i => (Type: SnapshotTypes[i % 4], Name: $"{folder}snapshots/{SnapshotTypes[i % 4]}/{i:D3}.jpg")).ToList();
        names.AddRange(images.Select(i => i.Name));
        await UploadAllAsync(container, names);
        await app.CallAsync("CompleteUpload", new { MediaId = videoId });
        await app.CallAsync("RegisterMediaFiles", new
        {
            VideoId = videoId,
            Streams = jobs.Select(j => new { Definition = "HD", Format = "m3u8", FileURL = container.GetBlobClient($"{folder}streams/{j}/index.m3u8").Uri.AbsoluteUri }),
            Images = images.Select(i => new { ImageType = i.Type, FileURL = container.GetBlobClient(i.Name).Uri.AbsoluteUri }),
        });
        return videoId;
    }

    private static async Task<List<string>> UploadAsync(BlobContainerClient container, string prefix, int count)
    {
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}{i:D5}.ts").ToList();
        await UploadAllAsync(container, names);
        return names;
    }

    private static readonly BinaryData Content = new(new byte[1024]);

    private static Task UploadAllAsync(BlobContainerClient container, IEnumerable<string> names) =>
        Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (name, ct) =>
            await container.GetBlobClient(name).UploadAsync(Content, overwrite: true, ct));

    /// <summary>The median, leaving out NaN (a call that had to be retried).</summary>
    public static double Median(List<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
