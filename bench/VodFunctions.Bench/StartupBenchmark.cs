using System.Diagnostics;

namespace VodFunctions.Bench;

/// <summary>
/// Cold start: from process start to the first 200 on <c>/api/health</c>, for the function app started without the
/// Functions host (its health answers only once storage does) and for a bare ASP.NET Core app with one route. The two
/// take turns, each a fresh process; the app's tables and containers exist after the warm-up round, as they do on Azure.
/// </summary>
public static class StartupBenchmark
{
    public static async Task RunAsync(string storage, int rounds)
    {
        var settings = AppProcess.Settings(storage);
        var bare = Path.Combine(AppContext.BaseDirectory, "VodFunctions.BareApp.dll");
        var app = Path.Combine(AppContext.BaseDirectory, "VodFunctions.Functions.dll");
        var times = new Dictionary<string, List<double>> { ["app"] = [], ["bare"] = [] };
        Console.WriteLine($"Startup benchmark: {rounds} rounds (+1 warm-up), process start to the first 200 on /api/health");
        for (var round = 0; round <= rounds; round++)
        {
            var order = round % 2 == 0 ? new[] { "app", "bare" } : ["bare", "app"];
            var line = new List<string>();
            foreach (var which in order)
            {
                var ms = await TimeToHealthyAsync(which == "app" ? app : bare, settings);
                if (round > 0) times[which].Add(ms);
                line.Add($"{which} {ms,6:F0} ms");
            }
            Console.WriteLine($"  round {(round == 0 ? "warm-up" : round.ToString()),7}: {string.Join("  ", line)}");
        }
        var (a, b) = (DeleteBenchmark.Median(times["app"]), DeleteBenchmark.Median(times["bare"]));
        Console.WriteLine();
        Console.WriteLine($"function app (standalone)  median {a,6:F0} ms");
        Console.WriteLine($"bare ASP.NET Core app      median {b,6:F0} ms");
        Console.WriteLine($"app / bare = {a / b:F2}   (target <= 1.5)");
    }

    private static async Task<double> TimeToHealthyAsync(string dll, IDictionary<string, string> settings)
    {
        var port = AppProcess.FreePort();
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in settings) info.Environment[key] = value;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (clock.Elapsed < TimeSpan.FromMinutes(1))
            {
                try
                {
                    using var response = await http.GetAsync("/api/health");
                    if (response.IsSuccessStatusCode) return clock.Elapsed.TotalMilliseconds;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                if (process.HasExited) throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with {process.ExitCode}.");
                await Task.Delay(5);
            }
            throw new TimeoutException($"{Path.GetFileName(dll)} did not answer within a minute.");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
