using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace VodFunctions.Testing;

/// <summary>
/// An HTTP/1.1 address on loopback whose every request goes through <see cref="FunctionsHost.SendAsync"/>, for clients
/// that need a URL (Alibaba Cloud's Node clients): method, path, query, headers and body as sent, the host's answer as it is.
/// </summary>
public sealed class HostFrontDoor : IAsyncDisposable
{
    private static readonly string[] Skipped = ["Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length"];
    private readonly WebApplication _server;

    private HostFrontDoor(WebApplication server, Uri address) => (_server, Address) = (server, address);

    public Uri Address { get; }

    public static async Task<HostFrontDoor> StartAsync(FunctionsHost host)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var server = builder.Build();
        server.Run(async http =>
        {
            var request = http.Request;
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), $"http://{request.Host}{request.Path}{request.QueryString}");
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (body.Length > 0 || request.ContentType is not null) message.Content = new ByteArrayContent(body.ToArray());
            foreach (var (name, values) in request.Headers.Where(h => !Skipped.Contains(h.Key, StringComparer.OrdinalIgnoreCase)))
                if (!message.Headers.TryAddWithoutValidation(name, values.ToArray())) message.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            using var answer = (await host.SendAsync(message)).Response;
            http.Response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers).Where(h => !Skipped.Contains(h.Key, StringComparer.OrdinalIgnoreCase)))
                http.Response.Headers[name] = values.ToArray();
            await answer.Content.CopyToAsync(http.Response.Body);
        });
        await server.StartAsync();
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HostFrontDoor(server, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
