using VodFunctions.Core.RecycleBin;

namespace VodFunctions.Functions.Timers;

/// <summary>
/// Purges what has outlived the recycle bin's retention (schedule <c>Vod__Schedules__EmptyRecycleBin</c>, default <c>0 30 * * * *</c>);
/// with the bin off there is nothing to purge.
/// </summary>
public sealed class EmptyRecycleBin(BinPurger purger, TimerRunner runner)
{
    [Function(BinPurger.FunctionName)]
    public Task Run([TimerTrigger("%Vod__Schedules__EmptyRecycleBin%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunAsync(BinPurger.FunctionName, timer, async (context, token) =>
        {
            var run = await purger.RunAsync(context.RunId, context.Trigger, context.IsPastDue, token);
            return new TimerResult(run.Status, $"{run.PurgedEntries} recycle bin entries purged ({run.FailedEntries} failed), {run.PurgedFiles} files, {run.PurgedBytes} bytes");
        }, cancellationToken);
}
