using System.Collections.Concurrent;
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
/// whatever the storage's speed. Requests are forwarded unchanged: the shared-key signatures stay valid.
/// </summary>
public sealed partial class CountingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive" };
    private readonly WebApplication _web;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 256 });
    private readonly ConcurrentDictionary<string, int> _counts = new();

    private readonly Dictionary<int, (string Service, Uri Target)> _targets = [];

    private CountingProxy(WebApplication web) => _web = web;

    /// <summary>The connection string that sends everything through the proxy.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Requests counted since the last <see cref="Reset"/>, by "{service} {kind}".</summary>
    public IReadOnlyDictionary<string, int> Counts => new SortedDictionary<string, int>(_counts);

    public void Reset() => _counts.Clear();

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
        _counts.AddOrUpdate($"{to.Service} {kind}", 1, (_, n) => n + 1);

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
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
        _client.Dispose();
    }

    [GeneratedRegex(@"(?<service>Blob|Queue|Table)Endpoint=(?<uri>[^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex EndpointPattern();
}
