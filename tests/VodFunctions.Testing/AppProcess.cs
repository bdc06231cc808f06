using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;

namespace VodFunctions.Testing;

/// <summary>
/// The built function app as a process of its own on a loopback port of its own, standalone (as <c>./run.sh</c> runs it), with
/// the settings given as environment variables; its output lines are kept. <see cref="KillAsync"/> stops it with SIGKILL, as a crash would.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private AppProcess(Process process, HttpClient client)
    {
        _process = process;
        Client = client;
    }

    public HttpClient Client { get; }
    public IEnumerable<string> Lines => _lines;
    public bool HasExited => _process.HasExited;

    /// <summary>The app's build output in the configuration these tests were built in.</summary>
    public static string Dll { get; } = Path.Combine(Repository.Root, "src", "VodFunctions.Functions", "bin",
        typeof(AppProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration, "net10.0", "VodFunctions.Functions.dll");

    /// <summary>Starts the app and answers once <c>/api/health</c> answers 200 (at most a minute).</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string key)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Dll, "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(argument);
        foreach (var (name, value) in settings) start.Environment[name] = value;
        var process = Process.Start(start)!;
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        var app = new AppProcess(process, client);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) app._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) app._lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            try
            {
                using var health = await client.GetAsync("/api/health", timeout.Token);
                if (health.IsSuccessStatusCode) return app;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (process.HasExited) throw new InvalidOperationException("The app stopped at start:\n" + string.Join('\n', app.Lines));
            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>POST /api/{operation} with a JSON body; answers the JSON of a 2xx answer, throws otherwise.</summary>
    public async Task<JsonElement> CallAsync(string operation, object body)
    {
        using var response = await Client.PostAsJsonAsync($"/api/{operation}", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? json : throw new InvalidOperationException($"{operation} answered {(int)response.StatusCode}: {json}");
    }

    /// <summary>Kills the process (SIGKILL) and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
    }
}
