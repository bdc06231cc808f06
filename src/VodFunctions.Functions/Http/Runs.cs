using Azure.Data.Tables;
using VodFunctions.Core.Media;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Hosting;
using VodFunctions.Functions.Timers;

namespace VodFunctions.Functions.Http;

/// <summary>
/// The recorded runs of a timer function, newest first (<c>FunctionName</c>; <c>PageSize</c> ≤ 100, default 20), however
/// they were started: <c>RunId</c>, <c>FunctionName</c>, <c>Trigger</c>, <c>IsPastDue</c>, <c>StartTime</c>,
/// <c>EndTime</c> (absent while it runs), <c>Status</c>, <c>Error</c> and the function's own counts.
/// </summary>
public sealed class ListFunctionRuns(RunStore runs)
{
    private static readonly HashSet<string> SystemProperties = ["PartitionKey", "RowKey", "Timestamp", "odata.etag"];

    [Function(nameof(ListFunctionRuns))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListFunctionRuns), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var name = request.Parameters.Required("FunctionName");
        var function = TimerRunner.Find(name) ?? throw ApiException.Invalid(
            $"FunctionName must be one of {string.Join(", ", WorkerFunction.TimerFunctions.Select(f => f.Name))}.");
        var pageSize = request.Parameters.Int("PageSize", 20, 1, 100);
        var latest = await runs.LatestAsync<TableEntity>(function.Name, pageSize, cancellationToken);
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
        return fields;
    }
}
