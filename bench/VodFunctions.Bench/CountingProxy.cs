using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace VodFunctions.Bench;

/// <summary>
/// A loopback forwarder in front of the storage endpoints of a connection string, counting the requests that
/// pass by service and kind (table queries apart from point reads), so a benchmark can show what an app sends
/// whatever the storage's speed, and, while <see cref="Tracing"/>, when each one began and ended. Requests are
/// forwarded unchanged: the shared-key signatures stay valid.
/// </summary>
public sealed partial class CountingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive" };
    private readonly WebApplication _web;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 256 });
    private readonly ConcurrentDictionary<string, int> _counts = new();

    private readonly Dictionary<int, (string Service, Uri Target)> _targets = [];
    private readonly List<TracedRequest> _trace = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>One request seen while tracing: when it began and ended (ms since the trace began), what it was, its answer.</summary>
    public sealed record TracedRequest(double Start, double End, string Service, string What, int Status);

    private CountingProxy(WebApplication web) => _web = web;

    /// <summary>The connection string that sends everything through the proxy.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The kind of a queue read that found no message (an idle worker's poll).</summary>
    public const string EmptyPoll = "empty poll";

    /// <summary>Requests counted since the last <see cref="Reset"/>, by "{service} {kind}".</summary>
    public IReadOnlyDictionary<string, int> Counts => new SortedDictionary<string, int>(_counts);

    public void Reset() => _counts.Clear();

    /// <summary>Whether requests are traced; setting it true starts a fresh trace.</summary>
    public bool Tracing
    {
        get;
        set
        {
            lock (_trace)
            {
                if (value && !field)
                {
                    _trace.Clear();
                    _clock.Restart();
                }
                field = value;
            }
        }
    }

    /// <summary>The requests traced, in the order they began.</summary>
    public IReadOnlyList<TracedRequest> Trace
    {
        get
        {
            lock (_trace) return [.. _trace.OrderBy(r => r.Start)];
        }
    }

    public static async Task<CountingProxy> StartAsync(string connectionString)
    {
        var endpoints = EndpointPattern().Matches(connectionString).Select(m => (Service: m.Groups["service"].Value.ToLowerInvariant(), Target: new Uri(m.Groups["uri"].Value))).ToList();
        var ports = endpoints.Select(_ => AppProcess.FreePort()).ToList();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(ports.Select(port => $"http://127.0.0.1:{port}").ToArray());
        var proxy = new CountingProxy(builder.Build()) { ConnectionString = connectionString };
        foreach (var (endpoint, port) in endpoints.Zip(ports))
        {
            proxy._targets[port] = endpoint;
            proxy.ConnectionString = proxy.ConnectionString.Replace(endpoint.Target.GetLeftPart(UriPartial.Authority) + "/", $"http://127.0.0.1:{port}/");
        }
        proxy._web.Run(context => proxy.ForwardAsync(context, proxy._targets[context.Connection.LocalPort]));
        await proxy._web.StartAsync();
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context, (string Service, Uri Target) to)
    {
        var request = context.Request;
        var kind = to.Service == "table" && request.Method == "GET" && request.Query.ContainsKey("$filter") ? "query" : request.Method;
        var (traced, start) = (Tracing, _clock.Elapsed.TotalMilliseconds);

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(to.Target.GetLeftPart(UriPartial.Authority) + context.Features.Get<IHttpRequestFeature>()!.RawTarget));
        if (request.ContentLength is not null || request.ContentType is not null) message.Content = new StreamContent(request.Body);
        foreach (var (name, values) in request.Headers)
        {
            if (HopHeaders.Contains(name)) continue;
            if (!message.Headers.TryAddWithoutValidation(name, values.ToArray())) message.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (!HopHeaders.Contains(name)) context.Response.Headers[name] = values.ToArray();
        if (to.Service == "queue" && request.Method == "GET" && request.Path.Value?.EndsWith("/messages", StringComparison.Ordinal) == true)
        {
            // A queue read that got nothing is an idle worker's poll, counted apart: it costs time, not anything per asset.
            var body = await response.Content.ReadAsStringAsync(context.RequestAborted);
            if (!body.Contains("<QueueMessage>", StringComparison.Ordinal)) kind = EmptyPoll;
            await context.Response.WriteAsync(body, context.RequestAborted);
        }
        else await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        _counts.AddOrUpdate($"{to.Service} {kind}", 1, (_, n) => n + 1);
        lock (_trace)
            if (traced && Tracing) _trace.Add(new TracedRequest(start, _clock.Elapsed.TotalMilliseconds, to.Service, Describe(to.Service, request), (int)response.StatusCode));
    }

    /// <summary>A request in a few words: the table and the kind of table operation, the blob or queue operation.</summary>
    private static string Describe(string service, HttpRequest request)
    {
        var path = Uri.UnescapeDataString(request.Path.Value ?? "");
        var last = path[(path.LastIndexOf('/') + 1)..];
        var table = last.Split('(')[0];
        return (service, request.Method) switch
        {
            ("table", _) when last == "$batch" => "transaction",
            ("table", "GET") when request.Query.ContainsKey("$filter") => $"query {table}",
            ("table", "GET") => $"point read {table}",
            ("table", "PUT") => $"upsert {table}",
            ("table", "MERGE" or "PATCH") => $"merge {table}",
            ("table", "DELETE") => $"delete {table}",
            ("table", "POST") => $"insert {table}",
            ("blob", "GET") when request.Query["comp"] == "list" => "list blobs",
            ("blob", "POST") when request.Query["comp"] == "batch" => $"Blob Batch ({request.ContentLength / 1024} KiB)",
            ("queue", "POST") => $"put message {path.Split('/')[^2]}",
            _ => $"{request.Method} {last}",
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
        _client.Dispose();
    }

    [GeneratedRegex(@"(?<service>Blob|Queue|Table)Endpoint=(?<uri>[^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex EndpointPattern();
}
