using System.CommandLine;
using System.Text.Json;
using VodFunctions.Client;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary>The timer functions (runs, run one now), the reconcile report and health.</summary>
internal static class FunctionVerbs
{
    public static IEnumerable<Command> All() => [Runs(), RunFunction(), ReconcileReport(), Health()];

    private static Argument<string> FunctionName()
    {
        var name = new Argument<string>("FUNCTION") { Description = "ApplyMediaPolicies, ReconcileStorage, EmptyRecycleBin or PurgeAuditLog." };
        name.AcceptOnlyFromAmong([.. FunctionRun.Known]);
        return name;
    }

    private static Verb Runs()
    {
        var function = FunctionName();
        var pageSize = Single<int?>("--page-size", "How many runs, at most 100 (default 20).", "n");
        return new Verb("runs", "ListFunctionRuns: the runs of a timer function, newest first, with their counts.", async (context, ct) =>
        {
            var answer = await context.Client.ListFunctionRunsAsync(context.Get(function)!, context.Get(pageSize), ct);
            if (context.Json) context.WriteJson(answer);
            else context.Table(answer.Runs, ("RunId", r => r.RunId), ("Trigger", r => r.Trigger + (r.IsPastDue ? " (past due)" : "")), ("Started", r => r.StartTime),
                ("Ended", r => r.EndTime), ("Status", r => r.Status), ("Counts", r => Counts(r)), ("Error", r => r.Error));
            return ExitCodes.Success;
        }) { function, pageSize };
    }

    /// <summary>"Matched 3, Deleted 3, ...": a run's counts.</summary>
    private static string Counts(FunctionRun run) =>
        string.Join(", ", run.Counts.Where(c => c.Value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False).Select(c => $"{c.Key} {c.Value}"));

    private static Verb RunFunction()
    {
        var name = new Argument<string>("FUNCTION") { Description = "The timer function: ApplyMediaPolicies, ReconcileStorage, EmptyRecycleBin or PurgeAuditLog." };
        name.CompletionSources.Add([.. FunctionRun.Known]);
        var input = Single<string>("--input", "The run's input (the admin endpoint's {\"input\": ...}).", "text");
        var noWait = new Option<bool>("--no-wait") { Description = "Start the run and return (exit 0 once it is accepted)." };
        var timeout = Single<TimeSpan?>("--timeout", "How long to wait for the run to end (default 00:15:00); then exit 3, the run going on.", "hh:mm:ss");
        var yes = Yes();
        yes.Description = "ApplyMediaPolicies deletes: run it without asking (for scripts). Without it, it shows what each enabled policy would delete now "
            + "and asks at a terminal, and is refused elsewhere.";
        return new Verb("run-function", "Runs a timer function now (POST /admin/functions/{name}, admin key) and waits for it to end.", async (context, ct) =>
        {
            if (context.Get(name)!.Equals(FunctionRun.ApplyMediaPolicies, StringComparison.OrdinalIgnoreCase) && !context.Get(yes) && !await ConfirmPoliciesAsync(context, ct))
                return ExitCodes.Declined;
            var started = await context.Client.RunFunctionAsync(context.Get(name)!, context.Get(input), ct);
            var startedJson = started.ToNode();
            startedJson["FunctionName"] = started.FunctionName;
            if (context.Get(noWait))
            {
                if (context.Json) context.WriteJson(startedJson);
                else context.Line($"Started {started.FunctionName}{(started.RunId is { } id ? $" run {id}" : "")}.");
                return ExitCodes.Success;
            }

            context.Host.Error.WriteLine($"Started {started.FunctionName}{(started.RunId is { } runId ? $" run {runId}" : "")}; waiting for it to end...");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(context.Get(timeout) ?? TimeSpan.FromMinutes(15));
            FunctionRun run;
            try
            {
                run = await context.Client.WaitForFunctionRunAsync(started, TimeSpan.FromMilliseconds(500), limit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                context.Host.Error.WriteLine($"vod run-function: {started.FunctionName} has not ended yet; it goes on. See: vod runs {started.FunctionName}");
                return ExitCodes.Unreachable;
            }

            if (context.Json)
            {
                startedJson["Run"] = JsonSerializer.SerializeToNode(run, VodClient.JsonOptions);
                context.WriteJson(startedJson);
            }
            else
            {
                context.Details(("Function", run.FunctionName), ("RunId", run.RunId), ("Status", run.Status), ("Started", run.StartTime),
                    ("Ended", run.EndTime), ("Counts", Counts(run)), ("Error", run.Error));
            }
            if (run.Status is "Completed" or "Interrupted") return ExitCodes.Success;
            context.Host.Error.WriteLine($"vod run-function: the run ended {run.Status}{(run.Error is { } error ? $": {error}" : ".")}");
            return ExitCodes.ServiceError;
        }) { name, input, noWait, timeout, yes };
    }

    /// <summary>
    /// Before a run of ApplyMediaPolicies without <c>--yes</c>: refused where nobody can confirm it, else shows what each enabled
    /// policy would do now (its preview) on standard error and asks.
    /// </summary>
    private static async Task<bool> ConfirmPoliciesAsync(Context context, CancellationToken ct)
    {
        Confirmation.Refuse(context);
        var policies = (await context.Client.ListMediaPoliciesAsync(ct)).Policies.Where(p => p.Enabled).ToList();
        var previews = new List<(MediaPolicy Policy, PreviewMediaPolicyResponse Preview)>();
        foreach (var policy in policies) previews.Add((policy, await context.Client.PreviewMediaPolicyAsync(policy.PolicyId!, ct)));
        context.OnError(() =>
        {
            context.Line($"{FunctionRun.ApplyMediaPolicies} would now apply {Output.Count(previews.Count, "enabled policy", "enabled policies")}:");
            context.Table(previews, ("PolicyId", p => p.Policy.PolicyId), ("Name", p => p.Policy.Name), ("Action", p => p.Policy.Action),
                ("Videos", p => p.Preview.Total), ("Files", p => p.Preview.Matches.Sum(m => m.Files)), ("Bytes", p => Output.ShortSize(p.Preview.Matches.Sum(m => m.Bytes))));
            return 0;
        });
        return context.Ask($"Run {FunctionRun.ApplyMediaPolicies} now? What it deletes cannot be undone.");
    }

    private static Verb ReconcileReport() => new("reconcile-report",
        "GetReconcileReport: what ReconcileStorage found: blobs no record owns, records whose files are gone, its last run.", async (context, ct) =>
    {
        var report = await context.Client.GetReconcileReportAsync(ct);
        if (context.Json)
        {
            context.WriteJson(report);
            return ExitCodes.Success;
        }
        context.Line(report.LastRun is { } run
            ? $"Last run {run.RunId}: {run.Status}, started {Output.Format(run.StartTime)}{(run.EndTime is { } end ? $", ended {Output.Format(end)}" : "")}. {Counts(run)}"
            : "ReconcileStorage has not run yet.");
        if (report.RunInProgress is { } running)
            context.Line($"A run is in progress: {running.RunId}, started {Output.Format(running.StartTime)}; this report is as of the last run that ended.");
        context.Line($"Interrupted deletes it finished: {report.FinishedDeletes}.");
        context.Line($"Orphan blobs (no record owns them; deleted after a second sighting past the grace period): {report.TotalOrphanBlobs}");
        if (report.OrphanBlobs.Count > 0)
            context.Table(report.OrphanBlobs, ("Path", o => o.Path), ("Size", o => Output.ShortSize(o.Size)), ("Location", o => o.Location), ("FirstSeen", o => o.FirstSeen));
        context.Line($"Missing files (records whose files are gone; reported, never deleted): {report.TotalMissingFiles}");
        if (report.MissingFiles.Count > 0)
            context.Table(report.MissingFiles, ("MediaId", m => m.MediaId), ("MediaType", m => m.MediaType), ("Path", m => m.Path), ("FirstSeen", m => m.FirstSeen));
        return ExitCodes.Success;
    });

    private static Verb Health() => new("health", "GET /api/health (no key): whether the app and its storage answer.", async (context, ct) =>
    {
        using var client = context.Anonymous();
        var health = await client.GetHealthAsync(ct);
        if (context.Json) context.WriteJson(health);
        else context.Line($"{context.Url}: {health.Status}");
        return health.IsHealthy ? ExitCodes.Success : ExitCodes.ServiceError;
    });
}
