namespace VodFunctions.Functions.Timers;

/// <summary>The run a timer function is asked for.</summary>
/// <param name="Trigger"><c>Schedule</c> (a timer: the host's or, standalone, the app's scheduler) or <c>Admin</c> (run on demand).</param>
/// <param name="IsPastDue">The invocation is late: a scheduled run was missed.</param>
/// <param name="Input">The <c>input</c> of an on-demand run, if any.</param>
public sealed record TimerContext(string RunId, string Trigger, bool IsPastDue, string? Input);

/// <summary>A run's outcome: its status (see <see cref="Core.Runs.RunStatus"/>) and a line that sums it up.</summary>
public sealed record TimerResult(string Status, string Summary);

/// <summary>One invocation of a timer function; <see cref="Busy"/> when another instance was running it.</summary>
public sealed record TimerInvocation(string Function, string RunId, string Trigger, bool IsPastDue, string Status, string Summary)
{
    public const string Busy = "Busy";
}

/// <summary>The timer data of a run started on demand (<c>POST /admin/functions/{FunctionName}</c> without the host).</summary>
public sealed class OnDemandTimerInfo(string runId, string? input) : TimerInfo
{
    public string RunId { get; } = runId;
    public string? Input { get; } = input;

    /// <summary>How the invocation ended (set by <see cref="TimerRunner"/>, whatever happened).</summary>
    internal TaskCompletionSource<TimerInvocation> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
