using VodFunctions.Core.Policies;
using VodFunctions.Core.Reconcile;
using VodFunctions.Core.RecycleBin;

namespace VodFunctions.Core.Statistics;

/// <summary>
/// The deletes of a period as the timer functions' run records count them, by the run's start: <c>ApplyMediaPolicies</c> (policy),
/// <c>ReconcileStorage</c> (reconcile: interrupted deletes finished, with no sizes) and <c>EmptyRecycleBin</c> (bin). A key's own calls
/// leave no run record, so <c>Api</c> stays 0; runs are not per application, so a key of some applications sees none.
/// </summary>
public sealed class RunRecordHistory(TableServiceClient tables, IOptions<VodOptions> vod) : IDeleteHistory
{
    public bool HasDurations => false;

    public async Task<DeleteHistory> ReadAsync(AppScope scope, string? appId, StatsPeriod period, int cap, CancellationToken cancellationToken)
    {
        var buckets = period.Buckets().ToDictionary(b => b, _ => TriggerFigures.None);
        var capped = false;
        if (scope.IsAll && appId is null)
        {
            var table = tables.GetTableClient(vod.Value.TablePrefix + "Runs");
            var read = 0;
            async Task ReadAsync<T>(string function, string trigger, Func<T, DeleteFigures> figures) where T : RunEntity, new()
            {
                var filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {function} and RowKey ge {CatalogStore.TimeRow(period.End, "")} and RowKey lt {CatalogStore.TimeRow(period.Start, "~")}");
                await foreach (var run in table.QueryAsync<T>(filter, cancellationToken: cancellationToken))
                {
                    if (++read > cap)
                    {
                        capped = true;
                        return;
                    }
                    var bucket = StatsPeriod.Floor(run.StartTime, period.Interval);
                    if (buckets.TryGetValue(bucket, out var sum)) buckets[bucket] = sum.Add(trigger, figures(run));
                }
            }
            await ReadAsync<PolicyRunEntity>(PolicySweep.FunctionName, TriggerFigures.PolicyTrigger, r => new(r.Deleted, 0, r.DeletedBytes, r.Failed));
            await ReadAsync<ReconcileRunEntity>(StorageReconciler.FunctionName, TriggerFigures.ReconcileTrigger, r => new(r.FinishedDeletes, 0, 0, r.FailedDeletes));
            await ReadAsync<PurgeRunEntity>(BinPurger.FunctionName, TriggerFigures.BinTrigger, r => new(r.PurgedEntries, r.PurgedFiles, r.PurgedBytes, r.FailedEntries));
        }
        var series = buckets.OrderBy(b => b.Key).Select(b => new StatsBucket(Times.Format(b.Key), b.Value)).ToList();
        var totals = series.Aggregate(TriggerFigures.None, (sum, b) => sum.Add(TriggerFigures.ApiTrigger, b.Deletes.Api).Add(TriggerFigures.PolicyTrigger, b.Deletes.Policy)
            .Add(TriggerFigures.ReconcileTrigger, b.Deletes.Reconcile).Add(TriggerFigures.BinTrigger, b.Deletes.Bin));
        return new DeleteHistory(totals, series, null, capped);
    }
}
