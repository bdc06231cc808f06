using System.Globalization;
using VodFunctions.Core;
using VodFunctions.Core.Media;
using VodFunctions.Core.Statistics;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>
/// What deletes freed over the last 24 hours or 30 days (or between two times), by trigger and per hour or day, and what is
/// waiting now: the figures of the console's Overview and <c>vod stats</c>. See <see cref="DeletionStatistics"/> for where each comes from.
/// </summary>
public sealed class GetDeletionStatistics(DeletionStatistics statistics, TimeProvider time) : IApiFunction
{
    private static readonly string[] Periods = ["P1D", "P30D"];
    private static readonly Parameter<string?> AppId = Param.AppId("Only this application's figures (within the key's applications).");
    private static readonly Parameter<string?> Period = Param.OptionalOneOf("Period",
        "`P1D`: the last 24 hours, by the hour (the default); `P30D`: the last 30 days, by the day. Not with `StartTime` and `EndTime`.", Periods);
    private static readonly Parameter<string?> StartTime = Param.Text("StartTime",
        "With `EndTime`, instead of `Period`: the figures from this time (ISO 8601 UTC, `2026-01-02T00:00:00Z`), at most 31 days before `EndTime`; "
        + "by the hour up to two days, else by the day.");
    private static readonly Parameter<string?> EndTime = Param.Text("EndTime", "With `StartTime`: the figures up to this time (ISO 8601 UTC).");

    public static ApiOperation Operation { get; } = new("Statistics",
        "What deletes freed in the last 24 hours or 30 days, by trigger and per hour or day, and what is waiting now: the figures of the console's Overview.")
    {
        Description = "Each figure comes from what the service already stores, read within the period only: deletes from the audit log (one record per delete, "
            + "in time order), policies from the run records of `ApplyMediaPolicies`, the backlog from the journal of deletes not finished, the queues from "
            + "their approximate message counts, the recycle bin from its index. A key of some applications sees only their figures, and no queue "
            + "(queues hold every application's messages). A scan stops after " + DeletionStatistics.Cap.ToString("N0", CultureInfo.InvariantCulture)
            + " rows (the journal's after " + DeletionStatistics.JournalCap.ToString("N0", CultureInfo.InvariantCulture) + " entries): the figures it feeds are then named in `Capped`.",
        Parameters = [AppId, Period, StartTime, EndTime],
        Answers =
        [
            new("StartTime", Shape.Text, "Where the period starts: the last 24 hours are the hour under way and the 23 before, the last 30 days today (UTC) and the 29 days before."),
            new("EndTime", Shape.Text, "Where it ends (now, for a `Period`)."),
            new("Interval", Shape.OneOf(["PT1H", "P1D"]), "The length of each of `Series`' buckets."),
            new("Deletes", Shape.Of<TriggerFigures>(),
                "From the audit log: the deletes of the period by trigger (`Api`, `Policy`, `Reconcile`, `Bin` purges by `EmptyRecycleBin`, and `All`): how many "
                + "removed files for good (deleted, or a recycle bin entry purged), their `DeletedFiles` and `DeletedBytes`, and how many `Failures` (an item whose "
                + "delete failed). Dry runs, refusals (not found, forbidden, not removable) and moves into or out of the recycle bin free nothing and are not counted; "
                + "a delete finished by `ReconcileStorage` counts under the trigger that began it."),
            new("Series", Shape.ArrayOf(Shape.Of<StatsBucket>()), "The same per hour or day, oldest first, every bucket of the period present."),
            new("Slowest", Shape.ArrayOf(Shape.Of<SlowDelete>()),
                "From the audit log: the period's " + DeletionStatistics.SlowestCount.ToString(CultureInfo.InvariantCulture) + " slowest deletes (moves into and out of the recycle bin "
                + "and purges too), slowest first: how long each took from its journal to its last records (`DurationMs`). Deletes finished later by "
                + "`ReconcileStorage`, and records written before durations were recorded, have none and are not listed."),
            new("Policies", Shape.ArrayOf(Shape.Of<PolicyFigures>()),
                "From the run records of `ApplyMediaPolicies` started in the period (and their work queue batches): per policy, runs, assets matched, "
                + "deleted, skipped and failed, and the bytes deleted; most deletes first."),
            new("Backlog", Shape.Of<DeleteBacklog>(),
                "From the journal, now: `InterruptedDeletes` (begun, their owner gone; `ReconcileStorage` finishes them), `DeletesInProgress`, "
                + "`EventsPending` (finished deletes whose event waits to be sent again), and when the oldest interrupted one began."),
            new("CallbackQueue", Shape.Of<QueueFigures>(),
                "When callbacks are on (`Vod__Callback__Url`), for a key of every application: the callbacks queue's messages (`Depth`) and its poison queue's.") { Optional = true },
            new("WorkQueue", Shape.Of<QueueFigures>(),
                "When policy runs fan out (`Vod__Policies__Queue`), for a key of every application: the policy work queue's messages and its poison queue's.") { Optional = true },
            new("RecycleBin", Shape.Of<BinFigures>(),
                "When the recycle bin is on or holds anything: its entries (of the caller's applications) and their files and bytes, now.") { Optional = true },
            new("Capped", Shape.Texts, "The figures whose scan stopped at the cap, so they count only part of the period (`Deletes`, `Policies`, `Backlog`, `RecycleBin`); empty when none."),
            new("Notes", Shape.Texts, "What the figures cannot tell, in words: which scans stopped at the cap."),
        ],
        Example = new { Period = "P30D", AppId = "app-1000000" },
    };

    [Function(nameof(GetDeletionStatistics))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/GetDeletionStatistics")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetDeletionStatistics), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var appId = AppId.Read(request);
        if (appId is not null && !request.Scope.CanAccess(appId)) return new VodError("Forbidden", $"The key may not read the figures of {appId}.");
        var period = PeriodOf(Period.Read(request), StartTime.Read(request), EndTime.Read(request), time.GetUtcNow());
        var stats = await statistics.GetAsync(request.Scope, appId, period, cancellationToken);
        var notes = new List<string>();
        if (stats.Capped.Count > 0)
            notes.Add($"{string.Join(", ", stats.Capped)}: the scan stopped at its cap and counts only part of the period.");
        return new
        {
            StartTime = Times.Format(period.Start), EndTime = Times.Format(period.End), Interval = period.Interval == StatsPeriod.Hour ? "PT1H" : "P1D",
            Deletes = stats.Deletes.Totals, stats.Deletes.Series, stats.Deletes.Slowest, stats.Policies, stats.Backlog, stats.CallbackQueue, stats.WorkQueue,
            stats.RecycleBin, stats.Capped, Notes = notes,
        };
    }

    private static StatsPeriod PeriodOf(string? period, string? start, string? end, DateTimeOffset now)
    {
        if (start is null != (end is null)) throw ApiException.Invalid("StartTime and EndTime go together.");
        if (start is null) return period == "P30D" ? StatsPeriod.Last(TimeSpan.FromDays(30), StatsPeriod.Day, now) : StatsPeriod.Last(TimeSpan.FromDays(1), StatsPeriod.Hour, now);
        if (period is not null) throw ApiException.Invalid("Give either Period, or StartTime and EndTime.");
        var (from, to) = (Utc(start, "StartTime"), Utc(end!, "EndTime"));
        if (from >= to) throw ApiException.Invalid("StartTime must be before EndTime.");
        if (to - from > StatsPeriod.Longest) throw ApiException.Invalid("StartTime may be at most 31 days before EndTime.");
        return StatsPeriod.Between(from, to);
    }

    private static DateTimeOffset Utc(string text, string name) =>
        DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : throw ApiException.Invalid($"{name} must be a UTC time in ISO 8601, such as 2026-01-02T00:00:00Z.");
}
