using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VodFunctions.Functions.Tests.Infrastructure;

/// <summary>One OTLP/HTTP export the receiver got: its path (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>), content type and body.</summary>
public sealed record OtlpExport(string Path, string? ContentType, byte[] Body)
{
    /// <summary>The spans of a <c>/v1/traces</c> export (an ExportTraceServiceRequest in protobuf), as far as the tests need them.</summary>
    public IEnumerable<OtlpSpan> Spans()
    {
        if (Path != "/v1/traces") yield break;
        foreach (var resourceSpans in Fields(Body).Where(f => f.Number == 1))
        foreach (var scopeSpans in Fields(resourceSpans.Bytes).Where(f => f.Number == 2))
        {
            var fields = Fields(scopeSpans.Bytes).ToList();
            var scope = fields.Where(f => f.Number == 1).Select(f => Text(Fields(f.Bytes).FirstOrDefault(n => n.Number == 1).Bytes)).FirstOrDefault() ?? "";
            foreach (var span in fields.Where(f => f.Number == 2).Select(f => Fields(f.Bytes).ToList()))
            {
                string Hex(int number) => Convert.ToHexStringLower(span.FirstOrDefault(f => f.Number == number).Bytes ?? []);
                yield return new OtlpSpan(scope, Hex(1), Hex(2), Hex(4), Text(span.FirstOrDefault(f => f.Number == 5).Bytes));
            }
        }
    }

    private static string Text(byte[]? bytes) => bytes is null ? "" : System.Text.Encoding.UTF8.GetString(bytes);

    /// <summary>The length-delimited fields of a protobuf message (the others are skipped).</summary>
    private static IEnumerable<(int Number, byte[] Bytes)> Fields(byte[] message)
    {
        var position = 0;
        ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = message[position++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
        }
        while (position < message.Length)
        {
            var key = Varint();
            switch (key & 7)
            {
                case 0: Varint(); break;
                case 1: position += 8; break;
                case 5: position += 4; break;
                case 2:
                    var length = (int)Varint();
                    yield return ((int)(key >> 3), message[position..(position + length)]);
                    position += length;
                    break;
                default: throw new InvalidDataException($"Unexpected protobuf wire type {key & 7}.");
            }
        }
    }
}

/// <summary>A span as exported: its instrumentation scope, IDs in lowercase hex (the parent empty for a root) and name.</summary>
public sealed record OtlpSpan(string Scope, string TraceId, string SpanId, string ParentSpanId, string Name);

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
