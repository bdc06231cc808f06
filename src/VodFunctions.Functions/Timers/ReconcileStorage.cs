using VodFunctions.Core.Reconcile;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Timers;

/// <summary>
/// Finishes interrupted deletes and reports orphan blobs and missing files
/// (schedule <c>Vod__Schedules__ReconcileStorage</c>, default <c>0 */15 * * * *</c>).
/// </summary>
[Function(StorageReconciler.FunctionName, Trigger = TriggerKind.Timer)]
public sealed class ReconcileStorage(StorageReconciler reconciler) : ITimerFunction
{
    public async Task<TimerResult> RunAsync(TimerContext context, CancellationToken cancellationToken)
    {
        var run = await reconciler.RunAsync(context.RunId, context.Trigger, context.IsPastDue, cancellationToken);
        return new TimerResult(run.Status,
        [
            $"ReconcileStorage run {run.RunId} {run.Status}: {run.FinishedDeletes} interrupted deletes finished ({run.FailedDeletes} failed), " +
            $"{run.ScannedRecords} records and {run.ScannedBlobs} blobs scanned, {run.OrphanBlobs} new orphan blobs, " +
            $"{run.DeletedOrphans} orphans deleted, {run.MissingFiles} missing files" + (run.PassCompleted ? ", pass completed" : ""),
        ]);
    }
}
