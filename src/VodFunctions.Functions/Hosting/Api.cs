using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VodFunctions.Core;
using VodFunctions.Core.Deletion;
using VodFunctions.Core.Events;
using VodFunctions.Functions.Alibaba;

namespace VodFunctions.Functions.Hosting;

/// <summary>One call of an HTTP function once the preamble is through: its RequestId, caller and parameters.</summary>
public sealed class ApiRequest(HttpContext http, string requestId, Caller caller, string function, ApiOperation operation, Parameters parameters)
{
    public HttpContext Http => http;
    public string RequestId => requestId;
    public Caller Caller => caller;
    public AppScope Scope => caller.Scope;

    /// <summary>A delete asked for through the API, with its <c>DryRun</c> and <c>Permanent</c> flags where the operation takes them.</summary>
    public DeleteRequest DeleteRequest() => new(RequestId, DeleteTrigger.Api,
        operation.Parameters.Contains(Param.DryRun) && Param.DryRun.Read(this), operation.Parameters.Contains(Param.Permanent) && Param.Permanent.Read(this), caller.Name)
    {
        Audited = true,
    };

    /// <summary>The value given for a parameter the operation declares; reading one it does not declare is a bug.</summary>
    internal JsonElement? ValueOf(Parameter parameter) => operation.Parameters.Contains(parameter)
        ? parameters.Raw(parameter.Name)
        : throw new InvalidOperationException($"{function} reads the parameter {parameter.Name} without declaring it.");
}

/// <summary>
/// The preamble every HTTP function runs its body in, the same under the Azure Functions host and standalone:
/// a RequestId, the key and its role and throttle, the parameters, and one answer whatever happens (the contract's
/// JSON error for bad input, 503 for a storage fault, 500 for anything unexpected). It catches everything itself
/// because under the host an exception escaping a function reaches the caller as an empty 200.
/// </summary>
public static class Api
{
    public const string RoutePrefix = "api";
    public const int MaxBodyBytes = 1024 * 1024;
    private static readonly Caller Anonymous = new(KeyRole.ReadOnly, AppScope.Of([]));

    /// <summary>The answer to anything unexpected: safe to retry, nothing about the failure itself.</summary>
    public static readonly VodError Unexpected = new("InternalError", "The service failed; the request is safe to retry.");

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The body of an HTTP function: answers the response fields (any object), a <see cref="VodError"/> or an <see cref="IResult"/>.</summary>
    public delegate Task<object> Body(ApiRequest request, CancellationToken cancellationToken);

    /// <param name="function">The function's name: its declared <see cref="ApiOperation"/> (parameters, key, storage fault code) is
    /// found by it, and what a ReadOnly key may call depends on it.</param>
    public static async Task<IActionResult> RunAsync(HttpRequest request, string function, Body body)
    {
        var http = request.HttpContext;
        var rpc = http.Features.Get<RpcCall>(); // a signed request at /: its key and parameters are already taken
        var requestId = rpc?.RequestId ?? Guid.NewGuid().ToString();
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("VodFunctions.Http");
        object result;
        string? failedCode = null;
        IdempotencyClaim.Claimed? claim = null;
        Func<object, Task>? audit = null;
        try
        {
            var operation = WorkerFunction.Named(function).Operation!;
            failedCode = operation.FailedCode;
            var caller = operation.Anonymous ? Anonymous : Authorize(http, function, rpc is null ? FindCaller(http) : rpc.Caller!);
            var parameters = rpc?.Parameters
                ?? (operation.IgnoresQuery ? Parameters.None : Parameters.Parse(request.Query, await ReadBodyAsync(request, http.RequestAborted)));
            operation.Check(function, parameters);
            if (AuditedCalls.Audits(operation)) audit = answer => AuditedCalls.RecordAsync(http, function, caller, parameters, requestId, answer, logger);
            if (operation.Idempotent && Idempotency.KeyOf(request, parameters) is { } key)
            {
                switch (await http.RequestServices.GetRequiredService<IdempotencyStore>()
                            .ClaimAsync(caller.Key, function, key, IdempotencyStore.Fingerprint(parameters), http.RequestAborted))
                {
                    case IdempotencyClaim.Replay replay:
                        return new StoredResult(replay.Answer, Replayed: true);
                    case IdempotencyClaim.Conflict:
                        throw ApiException.Invalid($"The idempotency key {key} was used for {function} with other parameters in the last 24 hours; a new call takes a new key.");
                    case IdempotencyClaim.InUse:
                        http.Response.Headers.RetryAfter = "1";
                        throw new ApiException(new VodError(Idempotency.InUseCode,
                            $"A call to {function} with the idempotency key {key} is still running; retry shortly for its answer.", StatusCodes.Status409Conflict));
                    case IdempotencyClaim.Claimed claimed:
                        claim = claimed;
                        break;
                }
            }
            result = await body(new ApiRequest(http, requestId, caller, function, operation, parameters), http.RequestAborted);
        }
        catch (ApiException e)
        {
            result = e.Error;
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogError(e, "Storage failed in {Function} ({RequestId})", function, requestId);
            result = new VodError(failedCode ?? "ServiceUnavailable", "Storage is unavailable; the request is safe to retry.");
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            if (claim is not null) await ReleaseAsync(http, claim, logger);
            return new EmptyResult();
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Function} failed ({RequestId})", function, requestId);
            result = Unexpected;
        }
        if (audit is not null) await audit(result);
        return claim is null ? new ApiResult(requestId, result) : await KeepAsync(http, claim, requestId, result, logger);
    }

    /// <summary>Stores a final answer (2xx, 4xx) under its idempotency key, or gives the key up (5xx: a retry runs again).</summary>
    private static async Task<IActionResult> KeepAsync(HttpContext http, IdempotencyClaim.Claimed claim, string requestId, object result, ILogger logger)
    {
        if (result is IResult) // not a delete's answer
        {
            await ReleaseAsync(http, claim, logger);
            return new ApiResult(requestId, result);
        }
        var (status, body) = ApiResult.Render(http, requestId, result);
        var answer = new StoredAnswer(status, requestId, JsonSerializer.SerializeToUtf8Bytes(body, Json));
        if (status >= 500)
        {
            await ReleaseAsync(http, claim, logger);
            return new StoredResult(answer, Replayed: false);
        }
        try
        {
            await http.RequestServices.GetRequiredService<IdempotencyStore>().CompleteAsync(claim, answer, CancellationToken.None);
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            // The delete is done: its answer goes out; a retry finds the claim and, once its lease runs out, runs again.
            logger.LogWarning(e, "Could not keep the answer of {RequestId} under its idempotency key", requestId);
        }
        return new StoredResult(answer, Replayed: false);
    }

    private static async Task ReleaseAsync(HttpContext http, IdempotencyClaim.Claimed claim, ILogger logger)
    {
        try
        {
            await http.RequestServices.GetRequiredService<IdempotencyStore>().ReleaseAsync(claim);
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogWarning(e, "Could not give up an idempotency key; a retry takes it over once its lease runs out");
        }
    }

    private static Caller FindCaller(HttpContext http) => http.RequestServices.GetRequiredService<KeyStore>().Find(SecretOf(http.Request))
        ?? throw new ApiException(new VodError("Unauthorized", "A valid key is required in the x-functions-key header or the code query parameter."));

    /// <summary>The caller's throttle and role.</summary>
    private static Caller Authorize(HttpContext http, string function, Caller caller)
    {
        var services = http.RequestServices;
        if (!services.GetRequiredService<Throttle>().TryAcquire(caller, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new ApiException(new VodError("Throttling.User", "Too many requests for this key; retry later."));
        }
        return caller.MayCall(function)
            ? caller
            : throw new ApiException(new VodError("Forbidden", $"A {caller.Role} key may not call {function}."));
    }

    /// <summary>The caller's key, as the Functions host takes it: the <c>x-functions-key</c> header, else <c>?code=</c>.</summary>
    internal static string? SecretOf(HttpRequest request) =>
        request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();

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

    /// <summary>The response fields of a success, or the error.</summary>
    public static object Answer<T>(this Result<T> result, Func<T, object> fields) => result.Ok ? fields(result.Value!) : result.Error!;
}

/// <summary>
/// What an HTTP function answers: the contract's JSON (PascalCase, <c>RequestId</c> first; an error with the status
/// of its code), or a file or stream (<see cref="IResult"/>). It writes the response itself, so it needs nothing
/// from MVC and reads the same under both hostings.
/// </summary>
public sealed class ApiResult(string requestId, object result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) => WriteAsync(context.HttpContext, requestId, result);

    public static Task WriteAsync(HttpContext http, string requestId, object result)
    {
        http.Response.Headers["x-request-id"] = requestId;
        if (result is IResult custom) return custom.ExecuteAsync(http);
        var (status, body) = Render(http, requestId, result);
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(body, Api.Json);
    }

    /// <summary>The status and JSON body of an answer that is not an <see cref="IResult"/>.</summary>
    public static (int Status, JsonObject Body) Render(HttpContext http, string requestId, object result)
    {
        var body = new JsonObject { ["RequestId"] = requestId };
        var status = 200;
        if (result is VodError error)
        {
            status = ErrorStatus.Of(error);
            var rpc = http.Features.Get<RpcCall>();
            if (rpc is not null) body["HostId"] = rpc.HostId;
            body["Code"] = error.Code;
            body["Message"] = error.Message;
            if (rpc is not null) body["Recommend"] = rpc.Recommend;
        }
        else if (JsonSerializer.SerializeToNode(result, Api.Json) is JsonObject fields)
        {
            foreach (var (name, value) in fields.ToList())
            {
                fields.Remove(name);
                body[name] = value;
            }
        }
        return (status, body);
    }
}

/// <summary>
/// A delete's answer as kept under its idempotency key: the first time, and replayed byte for byte (with
/// <c>Idempotent-Replayed: true</c>) to a repeat.
/// </summary>
public sealed record StoredResult(StoredAnswer Answer, bool Replayed) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.Headers["x-request-id"] = Answer.RequestId;
        if (Replayed) response.Headers[Idempotency.ReplayedHeader] = "true";
        response.StatusCode = Answer.Status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = Answer.Body.Length;
        return response.Body.WriteAsync(Answer.Body).AsTask();
    }
}
