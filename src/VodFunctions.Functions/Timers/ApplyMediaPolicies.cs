using VodFunctions.Core.Policies;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Timers;

/// <summary>Runs the enabled media policies (schedule <c>Vod__Schedules__ApplyMediaPolicies</c>, default <c>0 0 3 * * *</c>).</summary>
[Function(PolicySweep.FunctionName, Trigger = TriggerKind.Timer)]
public sealed class ApplyMediaPolicies(PolicySweep sweep) : ITimerFunction
{
    public async Task<TimerResult> RunAsync(TimerContext context, CancellationToken cancellationToken)
    {
        var run = await sweep.RunAsync(context.RunId, context.Trigger, context.IsPastDue, cancellationToken);
        return new TimerResult(run.Status,
        [
            $"ApplyMediaPolicies run {run.RunId} {run.Status}: {run.Matched} matched, {run.Deleted} deleted, {run.Skipped} skipped, " +
            $"{run.Failed} failed, {run.DeletedBytes} bytes deleted",
        ]);
    }
}
