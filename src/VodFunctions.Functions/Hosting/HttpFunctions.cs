using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using VodFunctions.Core;

namespace VodFunctions.Functions.Hosting;

/// <summary>One HTTP function: parse its parameters, call the core, answer a payload or a <see cref="VodError"/>.</summary>
public interface IHttpFunction
{
    /// <summary>Returns the response fields (any object), a <see cref="VodError"/>, or an <see cref="IResult"/>.</summary>
    Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken);
}

public sealed record ApiRequest(HttpContext Http, string RequestId, Caller Caller, Parameters Parameters)
{
    public AppScope Scope => Caller.Scope;

    /// <summary>A delete asked for through the API, with its <c>DryRun</c> flag.</summary>
    public Core.Deletion.DeleteRequest DeleteRequest() => new(RequestId, Core.Events.DeleteTrigger.Api, Parameters.Bool("DryRun"));
}

/// <summary>Maps every <see cref="FunctionAttribute"/> HTTP function to <c>/api/{route}</c> and runs it with the contract's conventions.</summary>
public static class HttpFunctions
{
    public const string RoutePrefix = "api";
    public const int MaxBodyBytes = 1024 * 1024;
    public static readonly Caller Anonymous = new(KeyRole.ReadOnly, AppScope.Of([]));

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The functions of this app: the single list the routes and the function.json files come from.</summary>
    public static IReadOnlyList<(FunctionAttribute Function, Type Type)> All { get; } = typeof(HttpFunctions).Assembly.GetTypes()
        .Select(t => (Function: t.GetCustomAttribute<FunctionAttribute>()!, Type: t))
        .Where(f => f.Function is not null)
        .OrderBy(f => f.Function.Name, StringComparer.Ordinal)
        .ToList();

    public static IServiceCollection AddHttpFunctions(this IServiceCollection services)
    {
        foreach (var (_, type) in All.Where(f => typeof(IHttpFunction).IsAssignableFrom(f.Type))) services.AddSingleton(type);
        services.AddSingleton<KeyStore>();
        services.AddSingleton<Throttle>();
        return services;
    }

    public static void MapHttpFunctions(this IEndpointRouteBuilder app)
    {
        foreach (var (function, type) in All.Where(f => f.Function.Trigger == TriggerKind.Http))
        {
            app.MapMethods($"/{RoutePrefix}/{function.RouteOrName}", function.Methods.ToUpperInvariant().Split(','),
                (HttpContext http) => RunAsync(http, function, type));
        }

        // Literal routes win over this catch-all: only a POST to an operation that does not exist lands here.
        app.MapPost($"/{RoutePrefix}/{{**operation}}", (HttpContext http) =>
            WriteAsync(http, NewRequestId(http), new VodError("InvalidAction.NotFound", "The operation does not exist.")));
    }

    private static string NewRequestId(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-request-id"] = requestId;
        return requestId;
    }

    private static async Task RunAsync(HttpContext http, FunctionAttribute function, Type type)
    {
        var requestId = NewRequestId(http);
        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("VodFunctions.Http");
        object result;
        try
        {
            var caller = function.Anonymous ? Anonymous : Authenticate(http, function, services);
            var body = await ReadBodyAsync(http.Request, http.RequestAborted);
            var request = new ApiRequest(http, requestId, caller, Parameters.Parse(http.Request.Query, body));
            result = await ((IHttpFunction)services.GetRequiredService(type)).RunAsync(request, http.RequestAborted);
        }
        catch (ApiException e)
        {
            result = e.Error;
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogError(e, "Storage failed in {Function} ({RequestId})", function.Name, requestId);
            result = new VodError(function.StorageFailedCode ?? "ServiceUnavailable", "Storage is unavailable; the request is safe to retry.");
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Function} failed ({RequestId})", function.Name, requestId);
            result = new VodError("InternalError", "The service failed; the request is safe to retry.");
        }
        await WriteAsync(http, requestId, result);
    }

    private static Caller Authenticate(HttpContext http, FunctionAttribute function, IServiceProvider services)
    {
        var secret = http.Request.Headers["x-functions-key"].FirstOrDefault() ?? http.Request.Query["code"].FirstOrDefault();
        var caller = services.GetRequiredService<KeyStore>().Find(secret)
            ?? throw new ApiException(new VodError("Unauthorized", "A valid key is required in the x-functions-key header or the code query parameter."));
        if (!services.GetRequiredService<Throttle>().TryAcquire(caller))
            throw new ApiException(new VodError("Throttling.User", "Too many requests for this key; retry later."));
        return caller.MayCall(function.Name)
            ? caller
            : throw new ApiException(new VodError("Forbidden", $"A {caller.Role} key may not call {function.Name}."));
    }

    internal static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var tooLarge = new ApiException(new VodError("InvalidParameter", "The request body is larger than 1 MiB.", 413));
        if (request.ContentLength > MaxBodyBytes) throw tooLarge;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes) throw tooLarge;
        }
        return buffer.ToArray();
    }

    public static Task WriteAsync(HttpContext http, string requestId, object result)
    {
        if (result is IResult custom) return custom.ExecuteAsync(http);
        var body = new JsonObject { ["RequestId"] = requestId };
        var status = 200;
        if (result is VodError error)
        {
            status = ErrorStatus.Of(error);
            body["Code"] = error.Code;
            body["Message"] = error.Message;
        }
        else if (JsonSerializer.SerializeToNode(result, Json) is JsonObject fields)
        {
            foreach (var (name, value) in fields.ToList())
            {
                fields.Remove(name);
                body[name] = value;
            }
        }
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(body, Json);
    }
}

/// <summary>
/// Requests per second per key (<c>Vod__RequestsPerSecond</c>, 0 for no limit): past it, 429 <c>Throttling.User</c>.
/// A token bucket per key (the <see cref="Caller"/> instance of each configured key, so keys alike in role and
/// applications still count apart) holding up to one second of requests, and at least one request.
/// </summary>
public sealed class Throttle(IOptions<KeysOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Caller, (double Tokens, long Stamp)> _buckets = new(ReferenceEqualityComparer.Instance);

    public bool TryAcquire(Caller caller)
    {
        var rate = options.Value.RequestsPerSecond;
        if (rate <= 0) return true;
        var capacity = Math.Max(1, rate);
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var (tokens, stamp) = _buckets.GetValueOrDefault(caller, (capacity, now));
            tokens = Math.Min(capacity, tokens + time.GetElapsedTime(stamp, now).TotalSeconds * rate);
            var allowed = tokens >= 1;
            _buckets[caller] = (allowed ? tokens - 1 : tokens, now);
            return allowed;
        }
    }
}

public static class ResultExtensions
{
    /// <summary>The response fields of a success, or the error.</summary>
    public static object Answer<T>(this Result<T> result, Func<T, object> fields) => result.Ok ? fields(result.Value!) : result.Error!;
}
