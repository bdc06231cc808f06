using VodFunctions.Core.Audit;

namespace VodFunctions.Functions.Timers;

/// <summary>
/// Removes the audit log's days older than <c>Vod__Audit__Retention</c> (default <c>P400D</c>; schedule
/// <c>Vod__Schedules__PurgeAuditLog</c>, default <c>0 15 4 * * *</c>).
/// </summary>
public sealed class PurgeAuditLog(AuditPurger purger, TimerRunner runner)
{
    [Function(AuditPurger.FunctionName)]
    public Task Run([TimerTrigger("%Vod__Schedules__PurgeAuditLog%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunAsync(AuditPurger.FunctionName, timer, async (context, token) =>
        {
            var run = await purger.RunAsync(context.RunId, context.Trigger, context.IsPastDue, token);
            return new TimerResult(run.Status, $"{run.PurgedRecords} audit records removed");
        }, cancellationToken);
}
