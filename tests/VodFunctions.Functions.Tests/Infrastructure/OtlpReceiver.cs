using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VodFunctions.Functions.Tests.Infrastructure;

/// <summary>One OTLP/HTTP export the receiver got: its path (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>), content type and body.</summary>
public sealed record OtlpExport(string Path, string? ContentType, byte[] Body);

/// <summary>
/// An OTLP/HTTP collector on 127.0.0.1 as far as an exporter can tell: it takes every POST, keeps it, and answers 200 with an
/// empty body (an empty Export*ServiceResponse).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly List<OtlpExport> _exports = [];
    private readonly Lock _lock = new();

    private OtlpReceiver(WebApplication server) => _server = server;

    /// <summary>The receiver's base URL, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes it.</summary>
    public string Endpoint { get; private set; } = "";

    public IReadOnlyList<OtlpExport> Exports
    {
        get { lock (_lock) return [.. _exports]; }
    }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var server = builder.Build();
        var receiver = new OtlpReceiver(server);
        server.MapPost("/{**path}", receiver.ReceiveAsync);
        await server.StartAsync();
        receiver.Endpoint = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        lock (_lock) _exports.Add(new OtlpExport(http.Request.Path.Value!, http.Request.ContentType, body.ToArray()));
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/x-protobuf";
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
