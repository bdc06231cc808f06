using System.Collections.Concurrent;
using VodFunctions.Core;
using VodFunctions.Core.Runs;
using VodFunctions.Core.Telemetry;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Timers;

/// <summary>A timer run that failed: thrown to whoever invoked the function, so that the host records a failed invocation.</summary>
public sealed class TimerRunFailedException(string message) : Exception(message);

/// <summary>
/// Runs timer functions under their lease lock, whoever triggers them: the Azure Functions host's timer, the app's own
/// scheduler (standalone), or an admin on demand (standalone, <c>POST /admin/functions/{FunctionName}</c>, in the
/// background). Each run is logged and its outcome passed on; on shutdown the background runs are cancelled and awaited.
/// </summary>
public sealed class TimerRunner(
    IServiceProvider services, LeaseLock locks, RunStore runs, RunStarts starts, TimeProvider time, ILogger<TimerRunner> logger) : IHostedService
{
    public const string ScheduleTrigger = "Schedule";
    public const string AdminTrigger = "Admin";

    /// <summary>The summary of a run that failed because storage failed.</summary>
    public const string StorageUnavailable = "storage is unavailable";

    private readonly ConcurrentDictionary<string, TaskCompletionSource<TimerInvocation>> _next = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _background = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The timer function named <paramref name="name"/> (matched case-insensitively, as the host does); null when there is none.</summary>
    public static WorkerFunction? Find(string name) =>
        WorkerFunction.TimerFunctions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Completes with the next invocation of <paramref name="function"/> to end (run, busy or failed).</summary>
    public Task<TimerInvocation> NextCompletionAsync(string function) =>
        _next.GetOrAdd(function, _ => new TaskCompletionSource<TimerInvocation>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Runs <paramref name="work"/> unless another instance holds the function's lock; throws <see cref="TimerRunFailedException"/> when it failed.</summary>
    public async Task RunAsync(string function, TimerInfo timer, Func<TimerContext, CancellationToken, Task<TimerResult>> work, CancellationToken cancellationToken)
    {
        var onDemand = timer as OnDemandTimerInfo;
        var context = new TimerContext(onDemand?.RunId ?? Guid.NewGuid().ToString(), onDemand is null ? ScheduleTrigger : AdminTrigger, timer.IsPastDue, onDemand?.Input);
        var invocation = await RunLockedAsync(function, context, work, cancellationToken);
        onDemand?.Ended.TrySetResult(invocation);
        if (_next.TryRemove(function, out var waiting)) waiting.TrySetResult(invocation);
        if (invocation.Status == RunStatus.Failed) throw new TimerRunFailedException(invocation.Summary);
    }

    /// <summary>
    /// Starts a run of <paramref name="function"/> now, in the background. Answers once the run is recorded (listed as
    /// <c>Running</c>; then the outcome is null) or, when it ended without a record (another instance holds the function's
    /// lock, or storage failed before the run began), how it ended.
    /// </summary>
    public async Task<(string RunId, TimerInvocation? NotRecorded)> StartAsync(WorkerFunction function, string? input, CancellationToken cancellationToken)
    {
        var timer = new OnDemandTimerInfo(Guid.NewGuid().ToString(), input);
        var recorded = starts.RecordedAsync(timer.RunId);
        try
        {
            var task = Task.Run(() => function.InvokeAsync(services, p => p.ParameterType == typeof(CancellationToken) ? _stopping.Token : timer));
            _background[task] = true;
            _ = task.ContinueWith(t =>
            {
                // A failed run is logged and recorded already; one that failed before it was run is answered as failed.
                timer.Ended.TrySetResult(new(function.Name, timer.RunId, AdminTrigger, false, RunStatus.Failed, t.Exception?.GetBaseException().Message ?? "ended"));
                _background.TryRemove(t, out _);
            }, TaskScheduler.Default);
            await Task.WhenAny(recorded, timer.Ended.Task).WaitAsync(cancellationToken);
            return (timer.RunId, recorded.IsCompleted ? null : await timer.Ended.Task);
        }
        finally
        {
            starts.Forget(timer.RunId);
        }
    }

    private async Task<TimerInvocation> RunLockedAsync(
        string function, TimerContext context, Func<TimerContext, CancellationToken, Task<TimerResult>> work, CancellationToken cancellationToken)
    {
        using var span = VodTelemetry.StartOperation(function, TriggerOf(function), context.RunId);
        span?.SetTag("vod.run_trigger", context.Trigger).SetTag("vod.is_past_due", context.IsPastDue);
        TimerInvocation Outcome(string status, string summary)
        {
            VodTelemetry.End(span, status != RunStatus.Failed, status);
            return new(function, context.RunId, context.Trigger, context.IsPastDue, status, summary);
        }
        try
        {
            await using var held = await locks.TryAcquireAsync(function, cancellationToken);
            if (held is null) return Outcome(TimerInvocation.Busy, "already running on another instance; this invocation was skipped");
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, held.Lost, _stopping.Token);
            // Holding the lock, no other run of the function is under way: one still recorded as running was stopped.
            if (await runs.EndStoppedAsync(function, time.GetUtcNow(), linked.Token) is > 0 and var stopped)
                logger.LogWarning("{Function}: {Stopped} earlier runs stopped before they ended (their process stopped); recorded as failed", function, stopped);
            logger.LogInformation("{Function} run {RunId} starts ({Trigger}, IsPastDue {IsPastDue})", function, context.RunId, context.Trigger, context.IsPastDue);
            var result = await work(context, linked.Token);
            logger.LogInformation("{Function} run {RunId} {Status}: {Summary}", function, context.RunId, result.Status, result.Summary);
            return Outcome(result.Status, result.Summary);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            return Outcome(RunStatus.Cancelled, "cancelled");
        }
        catch (Exception e)
        {
            // Whatever happens, the run is answered and the schedule goes on.
            logger.LogError(e, "{Function} run {RunId} failed", function, context.RunId);
            return Outcome(RunStatus.Failed, StorageFaults.Is(e) ? StorageUnavailable : e.Message);
        }
    }

    /// <summary>The telemetry's trigger of a timer function's deletes.</summary>
    private static string TriggerOf(string function) => function switch
    {
        "ReconcileStorage" => VodTelemetry.Reconcile,
        "EmptyRecycleBin" => VodTelemetry.Bin,
        _ => VodTelemetry.Policy,
    };

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_background.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
