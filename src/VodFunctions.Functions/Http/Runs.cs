using Azure.Data.Tables;
using VodFunctions.Core.Media;
using VodFunctions.Core.Policies;
using VodFunctions.Core.Reconcile;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>
/// The recorded runs of a timer function, newest first (<c>FunctionName</c>; <c>PageSize</c> ≤ 100, default 20), however
/// they were started: <c>RunId</c>, <c>FunctionName</c>, <c>Trigger</c>, <c>IsPastDue</c>, <c>StartTime</c>,
/// <c>EndTime</c> (absent while it runs), <c>Status</c>, <c>Error</c> and the function's own counts.
/// </summary>
public sealed class ListFunctionRuns(RunStore runs, PolicySweep sweep) : IApiFunction
{
    private static readonly Parameter<string> FunctionName = Param.OneOf("FunctionName", "The timer function (matched case-insensitively).",
        [PolicySweep.FunctionName, StorageReconciler.FunctionName, Core.RecycleBin.BinPurger.FunctionName, Core.Audit.AuditPurger.FunctionName], ignoreCase: true);
    private static readonly Parameter<int> PageSize = Param.Int("PageSize", "Runs to list.", 20, 1, 100);

    public static ApiOperation Operation { get; } = new("Runs",
        "The recorded runs of a timer function, newest first, however they were started (on schedule or `POST /admin/functions/{FunctionName}`).")
    {
        Description = "A caller that starts a run waits for it by polling this until a run that started after its call has an `EndTime`. "
            + "Run by the app itself, `POST /admin/functions/{FunctionName}` answers 202 with the run's `RunId` once the run is listed here "
            + "(`Running`), and 409 `InvalidFunction.Running`, starting and recording nothing, while another instance runs the function; "
            + "under the Functions host, the host answers that route itself, before the run is recorded. "
            + "A run whose process stopped before it ended (killed, or its instance recycled) shows `Running` until the function's next run "
            + "starts; that run records it as `Failed`, ended at its last write, with an `Error` that says so. A run of `ApplyMediaPolicies` that "
            + "put its deletes on the policy work queue counts them as every instance deletes them (`Enqueued`, `Deleted`, `Skipped`, `Failed`), "
            + "and shows `Running`, with `Remaining` assets, until the last is settled; its `EndTime` is then the last one's.",
        Parameters = [FunctionName, PageSize],
        Answers =
        [
            new("Runs", Shape.ArrayOf(Shape.Object("`RunId`, `FunctionName`, `Trigger` (`Schedule` or `Admin`), `IsPastDue`, `StartTime`, "
                + "`EndTime` (absent while it runs), `Status` (`Running`, `Completed`, `Interrupted`, `Failed`), `Error`, and the function's counts")),
                "The runs."),
        ],
        Example = new { FunctionName = "ReconcileStorage", PageSize = 5 },
    };

    /// <summary>Not counts: the table's own, and a policy run's per-policy counts (JSON, which <c>GetDeletionStatistics</c> adds up).</summary>
    private static readonly HashSet<string> SystemProperties = ["PartitionKey", "RowKey", "Timestamp", "odata.etag", nameof(PolicyRunEntity.Policies)];

    [Function(nameof(ListFunctionRuns))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ListFunctionRuns")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListFunctionRuns), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var function = FunctionName.Read(request);
        var latest = await runs.LatestAsync<TableEntity>(function, PageSize.Read(request), cancellationToken);
        if (function == PolicySweep.FunctionName && latest.Any(r => (r.GetInt32(nameof(PolicyRunEntity.Enqueued)) ?? 0) > 0))
        {
            // Fanned-out runs: their counts added up over what every instance settled so far.
            foreach (var typed in await runs.LatestAsync<PolicyRunEntity>(function, latest.Count, cancellationToken))
            {
                if (latest.FirstOrDefault(r => r.RowKey == typed.RowKey) is not { } row || typed.Enqueued == 0) continue;
                var (current, remaining) = await sweep.CurrentAsync(typed, cancellationToken);
                row[nameof(RunEntity.Status)] = current.Status;
                row[nameof(RunEntity.EndTime)] = current.EndTime;
                row[nameof(PolicyRunEntity.Deleted)] = current.Deleted;
                row[nameof(PolicyRunEntity.Skipped)] = current.Skipped;
                row[nameof(PolicyRunEntity.Failed)] = current.Failed;
                row[nameof(PolicyRunEntity.DeletedBytes)] = current.DeletedBytes;
                row[nameof(PolicyRunEntity.WorkDone)] = current.WorkDone;
                row["Remaining"] = remaining;
            }
        }
        return new { Runs = latest.Select(Describe) };
    }

    private static Dictionary<string, object?> Describe(TableEntity run)
    {
        var fields = new Dictionary<string, object?>
        {
            [nameof(RunEntity.RunId)] = run.GetString(nameof(RunEntity.RunId)),
            ["FunctionName"] = run.PartitionKey,
            [nameof(RunEntity.Trigger)] = run.GetString(nameof(RunEntity.Trigger)),
            [nameof(RunEntity.IsPastDue)] = run.GetBoolean(nameof(RunEntity.IsPastDue)) ?? false,
            [nameof(RunEntity.StartTime)] = Times.Format(run.GetDateTimeOffset(nameof(RunEntity.StartTime))!.Value),
            [nameof(RunEntity.EndTime)] = run.GetDateTimeOffset(nameof(RunEntity.EndTime)) is { } end ? Times.Format(end) : null,
            [nameof(RunEntity.Status)] = run.GetString(nameof(RunEntity.Status)),
            [nameof(RunEntity.Error)] = run.GetString(nameof(RunEntity.Error)),
        };
        foreach (var (key, value) in run.Where(p => !SystemProperties.Contains(p.Key) && !p.Key.EndsWith("@odata.type", StringComparison.Ordinal)))
            fields.TryAdd(key, value);
        return fields.Where(f => f.Value is not null).ToDictionary(); // absent, as every answer leaves out what is null (EndTime while it runs)
    }
}
