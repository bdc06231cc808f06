using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using VodFunctions.Core;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Timers;

/// <summary>
/// The two ways in to a timer function besides the app's scheduler:
/// <list type="bullet">
/// <item><c>POST /{FunctionName}</c>: the Azure Functions host's custom-handler invocation, body
/// <c>{"Data": {"timer": {...}}, "Metadata": {...}}</c> (PascalCase or camelCase); answers
/// <c>{"Outputs": {}, "Logs": [...], "ReturnValue": null}</c> when the run is over. Loopback callers (the host)
/// need no key; any other caller needs an admin key.</item>
/// <item><c>POST /admin/functions/{FunctionName}</c> with an admin key, body <c>{"input": "..."}</c> optional:
/// starts a run now and answers 202 (the Azure Functions convention for running a non-HTTP function).</item>
/// </list>
/// </summary>
public static class TimerEndpoints
{
    public static void MapTimerFunctions(this IEndpointRouteBuilder app)
    {
        foreach (var (function, _) in TimerRunner.Functions)
            app.MapPost($"/{function.Name}", (HttpContext http) => InvokeFromHostAsync(http, function.Name));
        app.MapPost("/admin/functions/{name}", (HttpContext http, string name) => RunNowAsync(http, name));
    }

    private static async Task InvokeFromHostAsync(HttpContext http, string function)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-request-id"] = requestId;
        TimerInfo timer;
        try
        {
            if (!IsLoopback(http.Connection.RemoteIpAddress)) AuthorizeAdmin(http);
            timer = TimerInfo.Parse(await HttpFunctions.ReadBodyAsync(http.Request, http.RequestAborted));
        }
        catch (ApiException e)
        {
            await HttpFunctions.WriteAsync(http, requestId, e.Error);
            return;
        }
        var runner = http.RequestServices.GetRequiredService<TimerRunner>();
        var invocation = await runner.RunAsync(function, "Host", timer.IsPastDue, cancellationToken: http.RequestAborted);
        var logs = new JsonArray($"{function} invoked by the host (IsPastDue {timer.IsPastDue}, next scheduled {timer.Next?.ToString("O") ?? "unknown"})");
        foreach (var line in invocation.Logs) logs.Add(line);
        http.Response.StatusCode = invocation.Status == RunStatus.Failed ? 500 : 200;
        await http.Response.WriteAsJsonAsync(new JsonObject { ["Outputs"] = new JsonObject(), ["Logs"] = logs, ["ReturnValue"] = null });
    }

    private static async Task RunNowAsync(HttpContext http, string name)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-request-id"] = requestId;
        try
        {
            AuthorizeAdmin(http);
            var function = TimerRunner.Find(name)
                ?? throw new ApiException(new VodError("InvalidFunction.NotFound", $"There is no timer function named {name}."));
            var input = InputOf(await HttpFunctions.ReadBodyAsync(http.Request, http.RequestAborted));
            var runId = http.RequestServices.GetRequiredService<TimerRunner>().Start(function, "Admin", input);
            http.Response.StatusCode = 202;
            await http.Response.WriteAsJsonAsync(new { RequestId = requestId, FunctionName = function, RunId = runId }, HttpFunctions.Json);
        }
        catch (ApiException e)
        {
            await HttpFunctions.WriteAsync(http, requestId, e.Error);
        }
    }

    /// <summary>No key → 401; a key that is not an admin key → 403.</summary>
    private static void AuthorizeAdmin(HttpContext http)
    {
        var secret = http.Request.Headers["x-functions-key"].FirstOrDefault() ?? http.Request.Query["code"].FirstOrDefault();
        var caller = http.RequestServices.GetRequiredService<KeyStore>().Find(secret)
            ?? throw new ApiException(new VodError("Unauthorized", "An admin key is required in the x-functions-key header or the code query parameter."));
        if (!caller.IsAdmin) throw new ApiException(new VodError("Forbidden", "Only an admin key may run timer functions."));
    }

    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>The optional <c>input</c> of <c>{"input": "..."}</c>.</summary>
    private static string? InputOf(byte[] body)
    {
        if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty) return null;
        var root = TimerInfo.ParseObject(body);
        return TimerInfo.Property(root, "input") switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } text => text.GetString(),
            _ => throw ApiException.Invalid("input must be a string."),
        };
    }
}

/// <summary>
/// The timer binding's data in the host's payload: <c>Data.{binding name}</c> holds
/// <c>{"Schedule": {...}, "ScheduleStatus": {"Last", "Next", "LastUpdated"} or null, "IsPastDue": bool}</c>,
/// as an object or a JSON string; names in either case.
/// </summary>
public sealed record TimerInfo(bool IsPastDue, DateTimeOffset? Last, DateTimeOffset? Next)
{
    public static TimerInfo Parse(byte[] body)
    {
        if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty) return new TimerInfo(false, null, null);
        var root = ParseObject(body);
        if (Property(root, "Data") is not { ValueKind: JsonValueKind.Object } data) return new TimerInfo(false, null, null);
        var timer = Property(data, "timer") ?? data.EnumerateObject().Select(p => (JsonElement?)p.Value).FirstOrDefault();
        if (timer is { ValueKind: JsonValueKind.String } text)
        {
            try
            {
                timer = JsonDocument.Parse(text.GetString()!).RootElement.Clone();
            }
            catch (JsonException)
            {
                throw ApiException.Invalid("Data.timer is not valid JSON.");
            }
        }
        if (timer is not { ValueKind: JsonValueKind.Object } info) return new TimerInfo(false, null, null);
        var pastDue = Property(info, "IsPastDue") switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.String } s when bool.TryParse(s.GetString(), out var b) => b,
            _ => false,
        };
        var status = Property(info, "ScheduleStatus") is { ValueKind: JsonValueKind.Object } s2 ? s2 : (JsonElement?)null;
        return new TimerInfo(pastDue, Time(status, "Last"), Time(status, "Next"));
    }

    internal static JsonElement ParseObject(byte[] body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement.Clone();
            return root.ValueKind == JsonValueKind.Object ? root : throw ApiException.Invalid("The request body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw ApiException.Invalid("The request body is not valid JSON.");
        }
    }

    internal static JsonElement? Property(JsonElement element, string name) =>
        element.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault();

    private static DateTimeOffset? Time(JsonElement? status, string name) =>
        status is { } s && Property(s, name) is { ValueKind: JsonValueKind.String } value && DateTimeOffset.TryParse(value.GetString(), out var time) ? time : null;
}
