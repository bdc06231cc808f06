using System.Text.Json;

namespace VodFunctions.Testing;

/// <summary>A function as the worker reported it in its FunctionMetadataResponse.</summary>
public sealed record HostedFunction(string Name, string EntryPoint, string ScriptFile, IReadOnlyList<HostedBinding> Bindings)
{
    /// <summary>The binding whose type ends in "Trigger" (httpTrigger, timerTrigger, ...).</summary>
    public HostedBinding Trigger => Bindings.First(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    public bool IsHttp => Trigger.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>An HTTP function's route below the route prefix: its "route", or its name when it has none.</summary>
    public string? Route => IsHttp ? Trigger.Property("route") ?? Name : null;

    /// <summary>An HTTP function's methods, upper case; empty when it accepts every method.</summary>
    public IReadOnlyList<string> Methods => IsHttp && Trigger.Json.TryGetProperty("methods", out var methods)
        && methods.ValueKind == JsonValueKind.Array
            ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray()
            : [];
}

/// <summary>One binding of a function: its raw JSON is what the SDK wrote (route, methods, authLevel, schedule, ...).</summary>
public sealed record HostedBinding(string Name, string Type, string Direction, JsonElement Json)
{
    /// <summary>A property of the raw binding as text (case-insensitive name), or null when absent.</summary>
    public string? Property(string name) => Json.EnumerateObject()
        .Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        .Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())
        .FirstOrDefault();
}

public enum InvocationStatus { Failure, Success, Cancelled }

/// <summary>A log line the worker sent over the stream during an invocation.</summary>
public sealed record WorkerLog(string Level, string Category, string Message, string? Exception);

/// <summary>The worker's InvocationResponse: its status, the exception it reported, and the invocation's logs.</summary>
public sealed record InvocationOutcome(
    string FunctionName, string InvocationId, InvocationStatus Status, string? ExceptionMessage, string? Exception,
    IReadOnlyList<WorkerLog> Logs)
{
    public override string ToString() =>
        $"{FunctionName} {InvocationId}: {Status}{(Exception is null ? "" : Environment.NewLine + Exception)}";
}

/// <summary>The timer's last run, next run and last update, as the host's schedule monitor records them.</summary>
public sealed record TimerStatus(DateTime Last, DateTime Next, DateTime LastUpdated);

/// <summary>
/// What the host answered an HTTP request with: the worker's response, and the invocation's outcome
/// (null when no function matched and the host answered 404 itself).
/// </summary>
public sealed class HostHttpResponse(HttpResponseMessage response, InvocationOutcome? invocation) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    public InvocationOutcome? Invocation { get; } = invocation;

    public void Dispose() => Response.Dispose();
}
