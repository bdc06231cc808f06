using System.Collections.Concurrent;
using VodFunctions.Core;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Timers;

/// <summary>
/// Runs timer functions under their lease lock, whoever asks: the app's scheduler, the Azure Functions
/// host (<c>POST /{FunctionName}</c>) or an admin (<c>POST /admin/functions/{FunctionName}</c>, in the
/// background). On shutdown it cancels the background runs and waits for them.
/// </summary>
public sealed class TimerRunner(IServiceProvider services, LeaseLock locks, ILogger<TimerRunner> logger) : IHostedService
{
    /// <summary>The trigger of the runs the app's own scheduler starts.</summary>
    public const string ScheduleTrigger = "Schedule";

    /// <summary>The timer functions of this app, from the same list the routes and function.json files come from.</summary>
    public static IReadOnlyList<(FunctionAttribute Function, Type Type)> Functions { get; } =
        HttpFunctions.All.Where(f => f.Function.Trigger == TriggerKind.Timer && typeof(ITimerFunction).IsAssignableFrom(f.Type)).ToList();

    private readonly ConcurrentDictionary<string, TaskCompletionSource<TimerInvocation>> _next = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _background = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The function's own name for <paramref name="name"/> (matched case-insensitively, as the host does); null when there is none.</summary>
    public static string? Find(string name) =>
        Functions.Select(f => f.Function.Name).FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Completes with the next invocation of <paramref name="function"/> to end (run, busy or failed).</summary>
    public Task<TimerInvocation> NextCompletionAsync(string function) =>
        _next.GetOrAdd(function, _ => new TaskCompletionSource<TimerInvocation>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Runs the function now unless another instance holds its lock, and answers when it is over.</summary>
    public async Task<TimerInvocation> RunAsync(string function, string trigger, bool isPastDue, string? input = null, string? runId = null,
        CancellationToken cancellationToken = default)
    {
        runId ??= Guid.NewGuid().ToString();
        var invocation = await RunLockedAsync(function, new TimerContext(runId, trigger, isPastDue, input), cancellationToken);
        if (_next.TryRemove(function, out var waiting)) waiting.TrySetResult(invocation);
        return invocation;
    }

    /// <summary>Starts a run in the background (an on-demand run); answers its RunId.</summary>
    public string Start(string function, string trigger, string? input)
    {
        var runId = Guid.NewGuid().ToString();
        var task = Task.Run(() => RunAsync(function, trigger, false, input, runId, _stopping.Token));
        _background[task] = true;
        task.ContinueWith(t =>
        {
            if (t.Exception is { } error) logger.LogError(error, "{Function} run {RunId} failed", function, runId);
            _background.TryRemove(t, out _);
        }, TaskScheduler.Default);
        return runId;
    }

    private async Task<TimerInvocation> RunLockedAsync(string function, TimerContext context, CancellationToken cancellationToken)
    {
        var type = Functions.Single(f => f.Function.Name == function).Type;
        TimerInvocation Outcome(string status, params IReadOnlyList<string> logs) =>
            new(function, context.RunId, context.Trigger, context.IsPastDue, status, logs);
        try
        {
            await using var held = await locks.TryAcquireAsync(function, cancellationToken);
            if (held is null) return Outcome(TimerInvocation.Busy, $"{function} is already running on another instance; this invocation was skipped.");
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, held.Lost, _stopping.Token);
            logger.LogInformation("{Function} run {RunId} starts ({Trigger}, IsPastDue {IsPastDue})", function, context.RunId, context.Trigger, context.IsPastDue);
            var result = await ((ITimerFunction)services.GetRequiredService(type)).RunAsync(context, linked.Token);
            return Outcome(result.Status, result.Logs);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            return Outcome(RunStatus.Cancelled, $"{function} run {context.RunId} was cancelled.");
        }
        catch (Exception e)
        {
            // Whatever happens, the invocation is answered and the schedule goes on.
            logger.LogError(e, "{Function} run {RunId} failed", function, context.RunId);
            return Outcome(RunStatus.Failed, $"{function} run {context.RunId} failed: {(StorageFaults.Is(e) ? "storage is unavailable" : e.Message)}.");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_background.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
