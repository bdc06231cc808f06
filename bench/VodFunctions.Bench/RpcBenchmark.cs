using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Azure.Storage.Blobs;
using VodFunctions.Soak;

namespace VodFunctions.Bench;

/// <summary>
/// What VOD's signed syntax at <c>/</c> costs against <c>/api</c>: <c>GetVideoInfo</c> and <c>DeleteVideo</c> (of a 13-blob
/// video) through <c>/api</c> with <c>x-functions-key</c>, through <c>/</c> signed V1 (pop-core's way: a GET, a form POST) and
/// signed V3 (the current SDKs' way), taking turns within each round on one app. The difference is the signature check
/// and the nonce's insert into Table storage.
/// </summary>
public static class RpcBenchmark
{
    private const string AccessKeyId = "LTAIbenchadmin";
    private const int Reads = 100, Deletes = 10;
    private static readonly string[] Variants = ["/api", "/ V1", "/ V3"];

    public static async Task RunAsync(string storage, int rounds)
    {
        await using var app = await AppProcess.StartAsync(storage, new Dictionary<string, string> { ["Vod__Keys__0__Id"] = AccessKeyId });
        var container = new BlobContainerClient(storage, app.Container);
        using var unsigned = new HttpClient { BaseAddress = app.Client.BaseAddress };
        var video = await DeleteBenchmark.SeedVideoAsync(app, container, 1, 10, 0);
        var reads = Variants.ToDictionary(v => v, _ => new List<double>());
        var deletes = Variants.ToDictionary(v => v, _ => new List<double>());
        Console.WriteLine($"/ vs /api: {rounds} rounds (+1 warm-up) of {Reads} GetVideoInfo and {Deletes} DeleteVideo (13-blob videos) per variant, taking turns");
        for (var round = 0; round <= rounds; round++)
        {
            var line = new List<string>();
            foreach (var variant in Variants.Skip(round % 3).Concat(Variants.Take(round % 3)))
            {
                var read = await TimeAsync(Reads, _ => new Dictionary<string, string> { ["VideoId"] = video }, "GetVideoInfo", variant, app, unsigned);
                var doomed = new List<string>();
                for (var i = 0; i < Deletes; i++) doomed.Add(await DeleteBenchmark.SeedVideoAsync(app, container, 1, 10, 0));
                var delete = await TimeAsync(Deletes, i => new Dictionary<string, string> { ["VideoIds"] = doomed[i] }, "DeleteVideo", variant, app, unsigned);
                if (round > 0)
                {
                    reads[variant].Add(read);
                    deletes[variant].Add(delete);
                }
                line.Add($"{variant} {read,5:F1} / {delete,6:F1} ms");
            }
            Console.WriteLine($"  round {(round == 0 ? "warm-up" : round.ToString()),7} (GetVideoInfo / DeleteVideo, per call): {string.Join("   ", line)}");
        }
        Console.WriteLine();
        foreach (var (name, times) in new[] { ("GetVideoInfo", reads), ("DeleteVideo", deletes) })
        {
            var api = DeleteBenchmark.Median(times["/api"]);
            var (v1, v3) = (DeleteBenchmark.Median(times["/ V1"]), DeleteBenchmark.Median(times["/ V3"]));
            Console.WriteLine($"{name,-12} /api {api,6:F1} ms   / V1 {v1,6:F1} ms ({v1 / api:F2}x)   / V3 {v3,6:F1} ms ({v3 / api:F2}x)   (medians of the mean per call)");
        }
    }

    /// <summary>The mean time per call of <paramref name="calls"/> calls one after another, each checked to answer 200.</summary>
    private static async Task<double> TimeAsync(int calls, Func<int, Dictionary<string, string>> parameters, string action, string variant, AppProcess app, HttpClient unsigned)
    {
        var watch = new Stopwatch();
        for (var i = 0; i < calls; i++)
        {
            var p = parameters(i);
            watch.Start();
            using var response = variant switch
            {
                "/api" => await app.Client.PostAsJsonAsync($"/api/{action}", p),
                "/ V1" when action.StartsWith("Get", StringComparison.Ordinal) => await unsigned.GetAsync("/?" + SignedV1("GET", action, p)),
                "/ V1" => await unsigned.PostAsync("/", new StringContent(SignedV1("POST", action, p), Encoding.UTF8, "application/x-www-form-urlencoded")),
                _ => await unsigned.SendAsync(SignedV3(action, p, unsigned.BaseAddress!.Authority)),
            };
            await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{action} through {variant} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return watch.Elapsed.TotalMilliseconds / calls;
    }

    private static string SignedV1(string method, string action, Dictionary<string, string> parameters)
    {
        var all = Signer.V1(action, parameters, AccessKeyId, DateTimeOffset.UtcNow);
        all["Signature"] = Signer.SignV1(method, all, AppProcess.Key);
        return Signer.Canonical(all);
    }

    private static HttpRequestMessage SignedV3(string action, Dictionary<string, string> parameters, string host)
    {
        var headers = Signer.V3("POST", action, parameters, [], null, host, AccessKeyId, AppProcess.Key, DateTimeOffset.UtcNow);
        var request = new HttpRequestMessage(HttpMethod.Post, "/?" + Signer.Canonical(parameters));
        foreach (var (name, value) in headers.Where(h => h.Key != "host")) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
