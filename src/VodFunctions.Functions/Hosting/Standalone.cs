using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using VodFunctions.Core;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Timers;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// The app without the Azure Functions host (no Core Tools): every <c>[HttpTrigger]</c> function mapped to
/// its route with its methods (as host.json's empty route prefix has the host map them), called as the worker calls it, and what the host would otherwise answer:
/// <c>POST /admin/functions/{FunctionName}</c> runs a timer function now. The timers are triggered by <see cref="TimerScheduler"/>.
/// </summary>
public static class Standalone
{
    public static void MapFunctions(this WebApplication app)
    {
        foreach (var function in WorkerFunction.HttpFunctions)
        {
            var route = RoutePatternFactory.Parse(function.Route);
            var bind = Binder(function, route);
            app.MapMethods(route.RawText!, function.Methods, http => InvokeAsync(function, http, bind)).WithDisplayName(function.Name);
        }
        app.MapPost("/admin/functions/{name}", RunNowAsync);
    }

    /// <summary>Binds a function's parameters as the worker does: the request, the cancellation token, route values by name.</summary>
    private static Func<ParameterInfo, HttpContext, object?> Binder(WorkerFunction function, RoutePattern route)
    {
        foreach (var parameter in function.Method.GetParameters())
        {
            if (parameter.ParameterType != typeof(HttpRequest) && parameter.ParameterType != typeof(CancellationToken) && route.GetParameter(parameter.Name!) is null)
                throw new InvalidOperationException($"{function.Name}: parameter {parameter.Name} cannot be bound without the Functions host.");
        }
        return (parameter, http) =>
            parameter.ParameterType == typeof(HttpRequest) ? http.Request
            : parameter.ParameterType == typeof(CancellationToken) ? http.RequestAborted
            : http.GetRouteValue(parameter.Name!)?.ToString();
    }

    private static async Task InvokeAsync(WorkerFunction function, HttpContext http, Func<ParameterInfo, HttpContext, object?> bind)
    {
        object? result;
        try
        {
            result = await function.InvokeAsync(http.RequestServices, p => bind(p, http));
        }
        catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            // The function could not even run its preamble (its class could not be made): the contract's 500 all the same.
            http.RequestServices.GetRequiredService<ILogger<WorkerFunction>>().LogError(e, "{Function} failed before it ran", function.Name);
            result = new ApiResult(Guid.NewGuid().ToString(), Api.Unexpected);
        }
        if (result is IActionResult action) await action.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
    }

    /// <summary>
    /// <c>POST /admin/functions/{FunctionName}</c> with an admin key, body <c>{"input": "..."}</c> optional: starts a run
    /// of a timer function now and answers 202, as the host does for a non-HTTP function, once the run is recorded (an
    /// immediate <c>ListFunctionRuns</c> lists it <c>Running</c>); 409 when another instance holds the function's lock.
    /// </summary>
    private static async Task RunNowAsync(HttpContext http, string name)
    {
        var requestId = Guid.NewGuid().ToString();
        try
        {
            var caller = http.RequestServices.GetRequiredService<KeyStore>().Find(Api.SecretOf(http.Request))
                ?? throw new ApiException(new VodError("Unauthorized", "An admin key is required in the x-functions-key header or the code query parameter."));
            if (!caller.IsAdmin) throw new ApiException(new VodError("Forbidden", "Only an admin key may run timer functions."));
            var function = TimerRunner.Find(name)
                ?? throw new ApiException(new VodError("InvalidFunction.NotFound", $"There is no timer function named {name}."));
            var input = InputOf(await Api.ReadBodyAsync(http.Request, http.RequestAborted));
            var (runId, notRecorded) = await http.RequestServices.GetRequiredService<TimerRunner>().StartAsync(function, input, http.RequestAborted);
            if (notRecorded is not null) throw new ApiException(NotStarted(notRecorded));
            http.Response.StatusCode = 202;
            http.Response.Headers["x-request-id"] = requestId;
            await http.Response.WriteAsJsonAsync(new { RequestId = requestId, FunctionName = function.Name, RunId = runId }, Api.Json);
        }
        catch (ApiException e)
        {
            await ApiResult.WriteAsync(http, requestId, e.Error);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller left; the run goes on.
        }
    }

    /// <summary>Why a run ended without a record: another instance runs the function (409), or storage or the app failed it before it began.</summary>
    private static VodError NotStarted(TimerInvocation invocation) => invocation.Status switch
    {
        TimerInvocation.Busy => new("InvalidFunction.Running",
            $"{invocation.Function} is running on another instance (it holds the function's lock); no run was started or recorded. Its run is listed by ListFunctionRuns.",
            StatusCodes.Status409Conflict),
        RunStatus.Failed when invocation.Summary == TimerRunner.StorageUnavailable =>
            new("ServiceUnavailable", $"{invocation.Function} could not start: storage is unavailable; nothing was recorded. The request is safe to retry."),
        RunStatus.Cancelled => new("ServiceUnavailable", $"{invocation.Function} could not start: the app is stopping; nothing was recorded. The request is safe to retry."),
        _ => Api.Unexpected,
    };

    /// <summary>The optional <c>input</c> of <c>{"input": "..."}</c>.</summary>
    private static string? InputOf(byte[] body)
    {
        if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw ApiException.Invalid("The request body must be a JSON object.");
            var input = document.RootElement.EnumerateObject().FirstOrDefault(p => p.Name.Equals("input", StringComparison.OrdinalIgnoreCase));
            return input.Value.ValueKind switch
            {
                JsonValueKind.Undefined or JsonValueKind.Null => null,
                JsonValueKind.String => input.Value.GetString(),
                _ => throw ApiException.Invalid("input must be a string."),
            };
        }
        catch (JsonException)
        {
            throw ApiException.Invalid("The request body is not valid JSON.");
        }
    }
}
