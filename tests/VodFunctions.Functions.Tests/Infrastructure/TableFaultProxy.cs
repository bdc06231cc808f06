using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace VodFunctions.Functions.Tests.Infrastructure;

/// <summary>
/// A loopback forwarder in front of the table endpoint of a connection string that, while <see cref="Failing"/>,
/// answers 503 to every table transaction as a storage outage would, and while <see cref="Stalling"/> answers nothing:
/// it faults the storage of an app running in another process (the worker under the test host) and of one in this
/// process alike. Requests pass unchanged, so the shared-key signatures stay valid; blob URLs are untouched.
/// </summary>
public sealed partial class TableFaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive" };
    private readonly WebApplication _web;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
    private readonly Uri _target;

    private TableFaultProxy(WebApplication web, Uri target) => (_web, _target) = (web, target);

    public volatile bool Failing;

    /// <summary>While set, table requests get no answer at all, as from storage that hangs: the client gives up by itself.</summary>
    public volatile bool Stalling;

    /// <summary>The connection string whose table endpoint is this proxy.</summary>
    public string ConnectionString { get; private set; } = "";

    public static async Task<TableFaultProxy> StartAsync(string connectionString)
    {
        var endpoint = TableEndpoint().Match(connectionString);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var proxy = new TableFaultProxy(builder.Build(), new Uri(endpoint.Groups["uri"].Value));
        proxy._web.Run(proxy.ForwardAsync);
        await proxy._web.StartAsync();
        var address = proxy._web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        proxy.ConnectionString = connectionString.Replace(endpoint.Value, $"TableEndpoint={address}{proxy._target.AbsolutePath.TrimEnd('/')};");
        return proxy;
    }

    private async Task ForwardAsync(HttpContext http)
    {
        if (Stalling)
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }
        if (Failing && http.Request.Method == "POST" && http.Request.Path.Value!.EndsWith("/$batch", StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        // The raw target as sent: re-encoding the path would change what the shared-key signature covers.
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), new Uri(_target, http.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget));
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0) request.Content = new StreamContent(http.Request.Body);
        foreach (var (name, values) in http.Request.Headers.Where(h => !HopHeaders.Contains(h.Key)))
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values)) request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        http.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => !HopHeaders.Contains(h.Key)))
            http.Response.Headers[name] = values.ToArray();
        await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    [GeneratedRegex(@"TableEndpoint=(?<uri>[^;]+);?", RegexOptions.IgnoreCase)]
    private static partial Regex TableEndpoint();

    public async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
        _client.Dispose();
    }
}
