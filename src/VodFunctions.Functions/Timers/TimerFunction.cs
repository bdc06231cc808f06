namespace VodFunctions.Functions.Timers;

/// <summary>
/// One timer function (a class with <c>[Function(Name, Trigger = TriggerKind.Timer)]</c>): the same code runs
/// from the app's scheduler, from the Azure Functions host (custom handler) and on demand.
/// </summary>
public interface ITimerFunction
{
    Task<TimerResult> RunAsync(TimerContext context, CancellationToken cancellationToken);
}

/// <param name="Trigger"><c>Schedule</c> (the app's scheduler), <c>Host</c> (the Azure Functions host) or <c>Admin</c> (run on demand).</param>
/// <param name="IsPastDue">The invocation is late: a scheduled run was missed.</param>
/// <param name="Input">The <c>input</c> of an on-demand run, if any.</param>
public sealed record TimerContext(string RunId, string Trigger, bool IsPastDue, string? Input);

/// <summary>A run's outcome: its status (see <see cref="Core.Runs.RunStatus"/>) and lines for the invocation log.</summary>
public sealed record TimerResult(string Status, IReadOnlyList<string> Logs);

/// <summary>One invocation of a timer function; <see cref="Busy"/> when another instance was running it.</summary>
public sealed record TimerInvocation(string Function, string RunId, string Trigger, bool IsPastDue, string Status, IReadOnlyList<string> Logs)
{
    public const string Busy = "Busy";
}
