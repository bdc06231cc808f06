using System.Net;
using System.Net.Sockets;

namespace VodFunctions.Bench;

/// <summary>
/// An OTLP/HTTP endpoint on loopback that takes every export (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>) and answers
/// 200 at once: what an app with telemetry on costs to itself, with a collector that is never the bottleneck.
/// </summary>
public sealed class OtlpSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private long _exports;

    private OtlpSink(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Endpoint { get; }

    /// <summary>Exports taken so far.</summary>
    public long Exports => Interlocked.Read(ref _exports);

    public static OtlpSink Start()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return new OtlpSink(port);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            await context.Request.InputStream.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref _exports);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
