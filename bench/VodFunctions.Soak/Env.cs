using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using VodFunctions.Bench;

namespace VodFunctions.Soak;

/// <summary>The run's log file (the app's and Azurite's output, every violation in full) and the terminal's progress line.</summary>
public static class Log
{
    private static readonly Lock Gate = new();
    private static StreamWriter? _file;
    private static bool _status;

    public static void Open(string directory)
    {
        _file = new StreamWriter(Path.Combine(directory, "soak.log")) { AutoFlush = true };
    }

    public static void File(string source, string line)
    {
        lock (Gate) _file?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {source}: {line}");
    }

    /// <summary>A line on the terminal (and in the log).</summary>
    public static void Line(string line)
    {
        lock (Gate)
        {
            if (_status) Console.Write("\r\x1b[K");
            _status = false;
            Console.WriteLine(line);
            _file?.WriteLine(line);
        }
    }

    /// <summary>The progress line: rewritten in place on a terminal, left out when the output is redirected.</summary>
    public static void Status(string text)
    {
        if (Console.IsOutputRedirected) return;
        lock (Gate)
        {
            Console.Write("\r\x1b[K" + (text.Length > Console.WindowWidth - 1 ? text[..(Console.WindowWidth - 1)] : text));
            _status = true;
        }
    }

    public static string Bar(int done, int total, int width = 24)
    {
        var filled = total == 0 ? width : Math.Min(width, done * width / total);
        return "[" + new string('#', filled) + new string('.', width - filled) + $"] {done}/{total}";
    }
}

/// <summary>
/// Azurite from npm, on loopback ports of its own, with its data on disk: stopped gracefully (SIGTERM, then
/// waited for) and started again on the same ports and data, it keeps every write it acknowledged. (Killed with
/// SIGKILL, its disk persistence loses acknowledged writes, which Azure Storage never does: outages stop it gracefully.)
/// </summary>
public sealed class Azurite(string executable, string location) : IAsyncDisposable
{
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly int[] _ports = [AppProcess.FreePort(), AppProcess.FreePort(), AppProcess.FreePort()];
    private Process? _process;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{_ports[0]}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{_ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{_ports[2]}/devstoreaccount1;";

    /// <summary>When it was last started (a Stopwatch timestamp): the end of an outage.</summary>
    public long Started { get; private set; }

    public async Task StartAsync()
    {
        Started = Stopwatch.GetTimestamp();
        var info = new ProcessStartInfo(executable,
        [
            "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry", "--location", location,
            "--blobHost", "127.0.0.1", "--blobPort", $"{_ports[0]}", "--queueHost", "127.0.0.1", "--queuePort", $"{_ports[1]}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{_ports[2]}",
        ]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Log.File("azurite", e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log.File("azurite", e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        foreach (var port in _ports)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync("127.0.0.1", port);
                    break;
                }
                catch (SocketException) when (attempt < 300 && !process.HasExited)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    /// <summary>SIGTERM, then waits: Azurite closes its servers and saves its data before it exits.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited && Kill(process.Id, 15) != 0) throw new InvalidOperationException($"SIGTERM to Azurite failed ({Marshal.GetLastWin32Error()}).");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(); // not left on its ports; the run stops here, an outage it could not make is no outage
            throw new InvalidOperationException("Azurite did not stop within 60 s of SIGTERM.");
        }
        finally
        {
            process.Dispose();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>
/// The function app under test, started from its build output with the soak's keys (an admin key, a Full key for each
/// of three applications, a read-only key) and storage names of one part; killed (SIGKILL) and started again at will.
/// Its timers are off: the soak runs them through <c>POST /admin/functions/{Name}</c>.
/// </summary>
public sealed class AppUnderTest(string dll, Azurite storage, string part) : IAsyncDisposable
{
    public static readonly string[] Apps = ["app-1000000", "app-2000000", "app-3000000"];
    public const string AdminKey = AppProcess.Key;
    public const string ReadOnlyKey = "soak-readonly-key";
    public static string FullKey(int app) => $"soak-full-key-{app}";

    /// <summary>The keys' AccessKeyIds, for VOD's signed requests at <c>/</c>.</summary>
    public const string AdminId = "LTAIsoakadmin";
    public const string ReadOnlyId = "LTAIsoakreadonly";
    public static string FullId(int app) => $"LTAIsoakfull{app}";

    private AppProcess? _process;

    public string Container { get; } = $"soak-{part}";
    public string TablePrefix { get; } = $"soak{part}";
    public string Queue { get; } = $"soak-{part}-events";
    public Api Api { get; } = new();
    public int ProcessId => _process?.ProcessId ?? 0;
    /// <summary>When it was last killed (a Stopwatch timestamp), 0 before that.</summary>
    public long Killed { get; private set; }

    public async Task StartAsync()
    {
        _process = await AppProcess.StartAsync(storage.ConnectionString, Settings(), dll, line => Log.File("app", line));
        Api.Base = _process.Client.BaseAddress!;
    }

    /// <summary>
    /// Another process of the app with the same settings and storage (the "workers" part: it shares the policy work queue with
    /// the app); killed by the caller's dispose.
    /// </summary>
    public Task<AppProcess> StartWorkerAsync(Action<string> log) => AppProcess.StartAsync(storage.ConnectionString, Settings(), dll, log);

    private Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>
        {
            ["Vod__MediaContainer"] = Container, ["Vod__TablePrefix"] = TablePrefix, ["Vod__EventsQueue"] = Queue,
            // The policy work queue of this part alone (a message left by one part's run is not another part's).
            ["Vod__Policies__Queue"] = $"soak-{part}-work",
            ["Vod__Keys__1__Secret"] = ReadOnlyKey, ["Vod__Keys__1__Role"] = "ReadOnly", ["Vod__Keys__1__AppIds"] = "*",
            ["Vod__Keys__0__Id"] = AdminId, ["Vod__Keys__1__Id"] = ReadOnlyId,
            ["AzureWebJobs__ApplyMediaPolicies__Disabled"] = "true", ["AzureWebJobs__ReconcileStorage__Disabled"] = "true",
            // Short runs: recovery runs come often, and a storage walk of the whole container would crowd out the trials.
            // 15 s still finishes a killed five-video batch in one or two runs (the default, 9 minutes, in one).
            ["Vod__Policies__RunBudget"] = "00:00:30", ["Vod__Reconcile__RunBudget"] = "00:00:15",
            // The timer runs' progress in the log.
            ["Logging__LogLevel__VodFunctions.Core.Policies"] = "Information", ["Logging__LogLevel__VodFunctions.Core.Deletion"] = "Information", ["Logging__LogLevel__VodFunctions.Core.Reconcile"] = "Information",
        };
        for (var app = 0; app < Apps.Length; app++)
        {
            settings[$"Vod__Keys__{app + 2}__Secret"] = FullKey(app);
            settings[$"Vod__Keys__{app + 2}__Role"] = "Full";
            settings[$"Vod__Keys__{app + 2}__AppIds"] = Apps[app];
            settings[$"Vod__Keys__{app + 2}__Id"] = FullId(app);
        }
        // The recycle bin's crash trials: deletes move into the bin.
        if (part == "bin") settings["Vod__RecycleBin__Retention"] = "P7D";
        // Killed workers: a stopped process's messages come back after a lease of 20 s (1 minute by default); idle workers poll often.
        if (part == "workers")
        {
            settings["Vod__Queues__Lease"] = "00:00:20";
            settings["Vod__Queues__MaxPollingInterval"] = "00:00:00.500";
            // Two messages at a time per process: a run of a few messages is shared, the second process gets some.
            settings["Vod__Queues__Workers"] = "2";
            settings["Vod__Queues__BatchSize"] = "1";
        }
        return settings;
    }

    /// <summary>SIGKILL: the process dies wherever it is, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        Killed = Stopwatch.GetTimestamp();
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>The app's resident set (VmRSS of /proc/{pid}/status), in bytes.</summary>
    public long Rss()
    {
        try
        {
            var line = System.IO.File.ReadLines($"/proc/{ProcessId}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}

/// <summary>An answer of the app: status (0 when none came: the app died or the connection broke) and JSON body.</summary>
public sealed record Answer(int Status, JsonElement Json, string Text = "", string? HeaderRequestId = null)
{
    public string? Code => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("Code", out var code) ? code.GetString() : null;
    public JsonElement this[string name] => Json.GetProperty(name);
    public string Str(string name) => Json.GetProperty(name).GetString()!;
    public IEnumerable<JsonElement> Items(string name) =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];
    public override string ToString() => $"{Status} {(Text.Length > 300 ? Text[..300] + "..." : Text)}";
}

/// <summary>The app's HTTP API (following it across restarts); every call is counted in <see cref="Stats"/>.</summary>
public sealed class Api
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(20) })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    public Uri Base { get; set; } = new("http://127.0.0.1/");
    public Stats Stats { get; set; } = new();

    /// <summary>POST /api/{operation} with a JSON body (an object, or raw text) and a key.</summary>
    public Task<Answer> CallAsync(string operation, object? body, string? key = AppUnderTest.AdminKey, string? query = null) =>
        SendAsync(HttpMethod.Post, $"api/{operation}{(query is null ? "" : "?" + query)}", Json(body), key, operation);

    public static HttpContent? Json(object? body) => body switch
    {
        null => null,
        string text => new StringContent(text, Encoding.UTF8, "application/json"),
        byte[] bytes => new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        _ => new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
    };

    /// <summary>Any request, its path sent exactly as given (no dot-segment or escape normalisation).</summary>
    public async Task<Answer> SendAsync(
        HttpMethod method, string path, HttpContent? content, string? key, string label, CancellationToken cancellationToken = default,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var uri = new Uri(Base.AbsoluteUri + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        if (key is not null) request.Headers.TryAddWithoutValidation("x-functions-key", key);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (name.Equals("host", StringComparison.OrdinalIgnoreCase)) request.Headers.Host = value;
            else if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase)) continue; // the content's own
            else request.Headers.TryAddWithoutValidation(name, value);
        }
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var text = response.Content.Headers.ContentType?.MediaType?.Contains("json") == true ? Encoding.UTF8.GetString(bytes) : "";
            JsonElement json = default;
            if (text.Length > 0)
            {
                try
                {
                    json = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException)
                {
                }
            }
            var answer = new Answer((int)response.StatusCode, json, text, response.Headers.TryGetValues("x-request-id", out var ids) ? ids.First() : null);
            Stats.Record(label, answer.Status, start, answer.Code);
            return answer;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Stats.Record(label, 0, start);
            return new Answer(0, default, e.Message);
        }
    }
}

/// <summary>Every answer of one part: latency per operation, count per status, and the windows in which storage was down.</summary>
public sealed class Stats
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<double>> _latencies = [];
    private readonly Dictionary<(string Op, int Status), int> _statuses = [];
    private readonly List<(string Op, int Status, string? Code, DateTime At, long Start, long End)> _serverErrors = [];
    private readonly List<(long Start, long End)> _outages = [];

    public void Record(string op, int status, long start, string? code = null)
    {
        var end = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (!_latencies.TryGetValue(op, out var list)) _latencies[op] = list = [];
            list.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            _statuses[(op, status)] = _statuses.GetValueOrDefault((op, status)) + 1;
            if (status is 0 or >= 500) _serverErrors.Add((op, status, code, DateTime.UtcNow, start, end));
        }
    }

    public void Outage(long start, long end)
    {
        lock (_lock) _outages.Add((start, end));
    }

    public int Total
    {
        get { lock (_lock) return _statuses.Values.Sum(); }
    }

    public IReadOnlyDictionary<(string Op, int Status), int> Statuses
    {
        get { lock (_lock) return new Dictionary<(string, int), int>(_statuses); }
    }

    public IReadOnlyDictionary<string, double[]> Latencies
    {
        get { lock (_lock) return _latencies.ToDictionary(p => p.Key, p => p.Value.ToArray()); }
    }

    /// <summary>
    /// Counts every 500, and every other 5xx of a request that did not overlap an outage window; a request without an
    /// answer too, unless the app was being killed (<paramref name="kills"/>) or storage was down.
    /// </summary>
    public void CountServerErrors(Violations violations, bool kills)
    {
        lock (_lock)
        {
            foreach (var ((op, status, code, at, start, end), i) in _serverErrors.Select((e, i) => (e, i)))
            {
                var item = $"#{i} {op} {status} {code} answered at {at:HH:mm:ss.fff} UTC";
                var outage = _outages.Any(o => start <= o.End && end >= o.Start);
                if (status == 500) violations.Add(Violations.Status500, item, "");
                else if (status == 0 && !kills && !outage) violations.Add(Violations.NoAnswer, item, "");
                else if (status > 500 && !outage) violations.Add(Violations.Status5xx, item, "");
            }
        }
    }
}
