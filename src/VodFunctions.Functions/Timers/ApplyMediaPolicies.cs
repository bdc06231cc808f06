using VodFunctions.Core.Policies;

namespace VodFunctions.Functions.Timers;

/// <summary>Runs the enabled media policies (schedule <c>Vod__Schedules__ApplyMediaPolicies</c>, default <c>0 0 3 * * *</c>).</summary>
public sealed class ApplyMediaPolicies(PolicySweep sweep, TimerRunner runner)
{
    [Function(PolicySweep.FunctionName)]
    public Task Run([TimerTrigger("%Vod__Schedules__ApplyMediaPolicies%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunAsync(PolicySweep.FunctionName, timer, async (context, token) =>
        {
            var run = await sweep.RunAsync(context.RunId, context.Trigger, context.IsPastDue, token);
            return new TimerResult(run.Status, $"{run.Matched} matched, {run.Enqueued} enqueued, {run.Deleted} deleted, {run.Skipped} skipped, " +
                $"{run.Failed} failed, {run.Held} held, {run.DeletedBytes} bytes deleted");
        }, cancellationToken);
}
