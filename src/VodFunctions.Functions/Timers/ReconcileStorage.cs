using VodFunctions.Core.Reconcile;

namespace VodFunctions.Functions.Timers;

/// <summary>
/// Finishes interrupted deletes and reports orphan blobs and missing files
/// (schedule <c>Vod__Schedules__ReconcileStorage</c>, default <c>0 */15 * * * *</c>).
/// </summary>
public sealed class ReconcileStorage(StorageReconciler reconciler, TimerRunner runner)
{
    [Function(StorageReconciler.FunctionName)]
    public Task Run([TimerTrigger("%Vod__Schedules__ReconcileStorage%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunAsync(StorageReconciler.FunctionName, timer, async (context, token) =>
        {
            var run = await reconciler.RunAsync(context.RunId, context.Trigger, context.IsPastDue, token);
            return new TimerResult(run.Status, $"{run.FinishedDeletes} interrupted deletes finished ({run.FailedDeletes} failed), " +
                $"{run.ScannedRecords} records and {run.ScannedBlobs} blobs scanned, {run.OrphanBlobs} new orphan blobs, " +
                $"{run.DeletedOrphans} orphans deleted, {run.MissingFiles} missing files" + (run.PassCompleted ? ", pass completed" : ""));
        }, cancellationToken);
}
