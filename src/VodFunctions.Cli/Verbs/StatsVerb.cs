using System.CommandLine;
using System.Globalization;
using VodFunctions.Client;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary><c>vod stats</c>: the figures of the console's Overview (GetDeletionStatistics), as tables and text bars.</summary>
internal static class StatsVerb
{
    private const int BarWidth = 30;

    public static Command Create()
    {
        var period = Single<string>("--period", "24h (the last 24 hours, by the hour; the default) or 30d (the last 30 days, by the day).", "24h|30d");
        period.AcceptOnlyFromAmong("24h", "30d");
        var appId = Single<string>("--app-id", "Only this application's figures.", "app-id");
        return new Verb("stats", "GetDeletionStatistics: what deletes freed by trigger and per hour or day, failures, policies, and what is waiting now.", async (context, ct) =>
        {
            var answer = await context.Client.GetDeletionStatisticsAsync(new GetDeletionStatisticsRequest
            {
                Period = context.Get(period) == "30d" ? "P30D" : "P1D", AppId = context.Get(appId),
            }, ct);
            if (context.Json) context.WriteJson(answer);
            else Print(context, answer, context.Get(period) == "30d" ? "last 30 days" : "last 24 hours");
            return ExitCodes.Success;
        }) { period, appId };
    }

    private static void Print(Context context, GetDeletionStatisticsResponse answer, string period)
    {
        context.Line($"Deletes, {period} ({Output.Format(answer.StartTime)} to {Output.Format(answer.EndTime)}), from the audit log");
        var d = answer.Deletes;
        context.Table([("api", d.Api), ("policy", d.Policy), ("reconcile", d.Reconcile), ("bin purge", d.Bin), ("all", d.All)],
            ("Trigger", r => r.Item1), ("Deletes", r => r.Item2.Deletes), ("Files", r => r.Item2.DeletedFiles),
            ("Bytes", r => Output.ShortSize(r.Item2.DeletedBytes)), ("Failures", r => r.Item2.Failures));

        context.Line();
        context.Line($"Bytes freed per {(answer.Interval == "P1D" ? "day" : "hour")} (all triggers)");
        var most = Math.Max(1, answer.Series.Max(b => (long?)b.Deletes.All.DeletedBytes) ?? 0);
        foreach (var bucket in answer.Series)
        {
            var all = bucket.Deletes.All;
            var bar = new string('#', (int)Math.Ceiling((double)all.DeletedBytes / most * BarWidth));
            var label = bucket.StartTime.UtcDateTime.ToString(answer.Interval == "P1D" ? "MM-dd" : "MM-dd HH:mm", CultureInfo.InvariantCulture);
            var failures = all.Failures > 0 ? $", {Output.Count(all.Failures, "failure")}" : "";
            context.Line($"{label}  {bar.PadRight(BarWidth)}  {Output.Count(all.Deletes, "delete")}, {Output.ShortSize(all.DeletedBytes)}{failures}");
        }

        context.Line();
        context.Line("Slowest deletes (from the audit log: journal to last records)");
        if (answer.Slowest.Count == 0) context.Line("No delete with a duration in the period.");
        else context.Table(answer.Slowest, ("Began", s => Output.Format(s.Time)), ("Operation", s => s.Operation), ("Trigger", s => s.Trigger),
            ("MediaId", s => s.MediaId), ("Files", s => s.Files), ("Duration", s => $"{s.DurationMs:N0} ms"));

        context.Line();
        context.Line("Policies (from their run records)");
        if (answer.Policies.Count == 0) context.Line("No policy ran in the period.");
        else context.Table(answer.Policies, ("PolicyId", p => p.PolicyId), ("Name", p => p.Name), ("Runs", p => p.Runs), ("Matched", p => p.Matched),
            ("Deleted", p => p.Deleted), ("Skipped", p => p.Skipped), ("Failed", p => p.Failed), ("Bytes", p => Output.ShortSize(p.DeletedBytes)));

        context.Line();
        context.Line("Now");
        var b = answer.Backlog;
        context.Details(
            ("Interrupted deletes", $"{b.InterruptedDeletes} (from the journal){(b.OldestInterrupted is { } oldest ? $", oldest begun {Output.Format(oldest)}" : "")}"),
            ("Deletes in progress", b.DeletesInProgress),
            ("Events pending", $"{b.EventsPending} (finished deletes whose event waits to be sent again)"),
            ("Callback queue", answer.CallbackQueue is { } callbacks ? $"{callbacks.Depth} waiting, {callbacks.Poison} poison" : null),
            ("Work queue", answer.WorkQueue is { } work ? $"{work.Depth} waiting, {work.Poison} poison" : null),
            ("Recycle bin", answer.RecycleBin is { } bin ? $"{Output.Count(bin.Entries, "entry", "entries")}, {Output.Count(bin.Files, "file")}, {Output.Size(bin.Bytes)}" : null));
        foreach (var note in answer.Notes) context.Line($"Note: {note}");
    }
}
