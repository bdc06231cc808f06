using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace VodFunctions.Bench;

/// <summary>
/// The function app as its own process on a loopback port, with storage names of its own, so its memory can be measured alone.
/// Disposing it kills the process (SIGKILL), as a crash would.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    public const string Key = "bench-admin-key";
    private readonly Process _process;

    private AppProcess(Process process, Uri address, string container, string tablePrefix)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        Client.DefaultRequestHeaders.Add("x-functions-key", Key);
        Container = container;
        TablePrefix = tablePrefix;
    }

    public HttpClient Client { get; }
    public string Container { get; }
    public string TablePrefix { get; }
    public int ProcessId => _process.Id;

    /// <summary>The app's settings: the storage, storage names of its own, one admin key, no throttling, warnings only.</summary>
    public static Dictionary<string, string> Settings(string storage)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storage, ["Vod__MediaContainer"] = "bench-" + suffix, ["Vod__TablePrefix"] = "b" + suffix,
            ["Vod__EventsQueue"] = "bench-events-" + suffix, ["Vod__RequestsPerSecond"] = "0",
            ["Vod__Keys__0__Secret"] = Key, ["Vod__Keys__0__Role"] = "Admin", ["Vod__Keys__0__AppIds"] = "*",
            ["Logging__LogLevel__Default"] = "Warning", ["DOTNET_gcServer"] = "0",
        };
    }

    /// <param name="dll">The app's build output; by default the copy next to this program.</param>
    /// <param name="log">Gets the app's output lines; by default its standard error goes to this program's, prefixed.</param>
    public static async Task<AppProcess> StartAsync(
        string storage, IDictionary<string, string>? settings = null, string? dll = null, Action<string>? log = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll ?? Path.Combine(AppContext.BaseDirectory, "VodFunctions.Functions.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var env = Settings(storage);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) env[key] = value;
        foreach (var (key, value) in env) info.Environment[key] = value;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log?.Invoke(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) (log ?? (line => Console.Error.WriteLine("app: " + line)))(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}"), env["Vod__MediaContainer"], env["Vod__TablePrefix"]);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var health = await app.Client.GetAsync("/api/health");
                if (health.IsSuccessStatusCode) return app;
            }
            catch (HttpRequestException) when (attempt < 300)
            {
            }
            if (process.HasExited || attempt >= 300) throw new InvalidOperationException("The app did not start.");
            await Task.Delay(100);
        }
    }

    public async Task<JsonElement> CallAsync(string operation, object body)
    {
        using var response = await Client.PostAsJsonAsync($"/api/{operation}", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? json : throw new InvalidOperationException($"{operation} answered {(int)response.StatusCode}: {json}");
    }

    /// <summary>Runs <paramref name="work"/> while sampling the app's working set; answers the peak in bytes.</summary>
    public async Task<long> PeakWorkingSetDuringAsync(Func<Task> work)
    {
        var peak = 0L;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                _process.Refresh();
                peak = Math.Max(peak, _process.WorkingSet64);
                await Task.Delay(5);
            }
        });
        await work();
        await stop.CancelAsync();
        await sampler;
        return peak;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
