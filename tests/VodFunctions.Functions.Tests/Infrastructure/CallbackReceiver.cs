using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VodFunctions.Functions.Tests.Infrastructure;

/// <summary>One POST the receiver got: its path, body and VOD headers, whether the signature checked out, and what it answered (0 while unanswered).</summary>
public sealed record ReceivedCallback(int Number, string Path, string Body, string? Timestamp, string? Signature, bool SignatureValid)
{
    public int Answer { get; internal set; }

    public JsonElement Event => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// A callback receiver on 127.0.0.1, as a team moving from VOD runs one: with an AuthKey it checks each POST as VOD's
/// documentation says (<c>X-VOD-SIGNATURE</c> is the MD5 of <c>{callback URL}|{X-VOD-TIMESTAMP}|{AuthKey}</c>, the timestamp
/// 10 digits within 5 minutes of now) and answers 403 when it does not check out; else it answers what the test's
/// <c>answer</c> says, which may hang until the request is aborted or the test lets it go.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly Func<ReceivedCallback, CancellationToken, Task<int>> _answer;
    private readonly List<ReceivedCallback> _calls = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CallbackReceiver(WebApplication server, Func<ReceivedCallback, CancellationToken, Task<int>> answer) => (_server, _answer) = (server, answer);

    /// <summary>The receiver's base URL (no trailing slash); POST to any path under it.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Checks the signature against this key (and the URL the request came to) when set.</summary>
    public string? AuthKey { get; init; }

    /// <summary>Whether the timestamp must be within 5 minutes of now (off for an app on a fake clock).</summary>
    public bool CheckTime { get; init; } = true;

    public IReadOnlyList<ReceivedCallback> Calls
    {
        get { lock (_lock) return [.. _calls]; }
    }

    public static async Task<CallbackReceiver> StartAsync(Func<ReceivedCallback, CancellationToken, Task<int>> answer, string? authKey = null, bool checkTime = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var server = builder.Build();
        var receiver = new CallbackReceiver(server, answer) { AuthKey = authKey, CheckTime = checkTime };
        server.MapPost("/{**path}", receiver.ReceiveAsync);
        await server.StartAsync();
        receiver.BaseUrl = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>An answer that is always <paramref name="status"/>.</summary>
    public static Func<ReceivedCallback, CancellationToken, Task<int>> Always(int status) => (_, _) => Task.FromResult(status);

    /// <summary>Waits, at most 60 s, until the calls so far satisfy <paramref name="done"/>; fails with the calls seen otherwise.</summary>
    public async Task<IReadOnlyList<ReceivedCallback>> WaitForAsync(Func<IReadOnlyList<ReceivedCallback>, bool> done, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Task changed;
            lock (_lock) changed = _changed.Task;
            var calls = Calls;
            if (done(calls)) return calls;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
                throw new TimeoutException($"The receiver never saw {because}; it saw: {string.Join("; ", calls.Select(c => $"#{c.Number} {c.Path} -> {c.Answer}"))}");
        }
    }

    /// <summary>VOD's callback signature, computed here as its documentation gives it.</summary>
    public static string SignatureOf(string url, string timestamp, string authKey) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(url + "|" + timestamp + "|" + authKey)));

    private async Task ReceiveAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        string? Header(string name) => http.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;
        var (timestamp, signature) = (Header("X-VOD-TIMESTAMP"), Header("X-VOD-SIGNATURE"));
        var url = BaseUrl + http.Request.Path;
        var valid = AuthKey is null || timestamp is { Length: 10 } && long.TryParse(timestamp, out var seconds)
            && (!CheckTime || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) <= 300)
            && signature == SignatureOf(url, timestamp, AuthKey);
        ReceivedCallback call;
        lock (_lock)
        {
            call = new ReceivedCallback(_calls.Count + 1, http.Request.Path.Value!, body, timestamp, signature, valid);
            _calls.Add(call);
            Pulse();
        }
        int status;
        try
        {
            status = valid ? await _answer(call, http.RequestAborted) : StatusCodes.Status403Forbidden;
        }
        catch (OperationCanceledException)
        {
            status = -1; // the sender gave up
        }
        lock (_lock)
        {
            call.Answer = status;
            Pulse();
        }
        if (status > 0) http.Response.StatusCode = status;
    }

    private void Pulse()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
