using VodFunctions.Core.Media;
using VodFunctions.Core.Reconcile;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>
/// What ReconcileStorage found: <c>OrphanBlobs</c> (blobs no record owns; only for keys of every application),
/// <c>MissingFiles</c> (files records name that are gone, within the caller's applications), at most 1000 of
/// each with their totals, <c>FinishedDeletes</c> (interrupted deletes the last run finished), <c>LastRun</c> (the last run
/// that ended) and <c>RunInProgress</c>.
/// </summary>
public sealed class GetReconcileReport(ReconcileStore reconcile) : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Reconcile", "What `ReconcileStorage` found: blobs no record owns, and records whose files are gone.")
    {
        Answers =
        [
            new("OrphanBlobs", Shape.ArrayOf(Shape.Of<OrphanBlob>(), MaxItems),
                "Blobs under `videos/`, `images/` and `attached/` that no record owns (only for keys of every application)."),
            new("TotalOrphanBlobs", Shape.Count, "How many there are in all."),
            new("MissingFiles", Shape.ArrayOf(Shape.Of<MissingFile>(), MaxItems),
                "Files records name that are gone from storage, within the key's applications (reported, never deleted)."),
            new("TotalMissingFiles", Shape.Count, "How many there are in all."),
            new("FinishedDeletes", Shape.Count, "Interrupted deletes the last run finished."),
            new("FailedPolicyDeletes", Shape.ArrayOf(Shape.Of<FailedPolicyDelete>(), MaxItems),
                "Policy work messages that kept failing until the queue gave up on them (only for keys of every application): the run, the policy and "
                + "the VideoIds not deleted (what they had begun is finished; the policy's next runs take them again)."),
            new("LastRun", Shape.Object("`RunId`, `Trigger`, `IsPastDue`, `StartTime`, `EndTime`, `Status`, and the run's counts"),
                "The last run of `ReconcileStorage` that ended; absent before the first has ended.") { Optional = true },
            new("RunInProgress", Shape.Object("`RunId`, `Trigger`, `IsPastDue`, `StartTime`"),
                "The run under way, when one is: `FinishedDeletes` and `LastRun` are still the last ended run's.") { Optional = true },
        ],
    };

    [Function(nameof(GetReconcileReport))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/GetReconcileReport")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetReconcileReport), RunAsync);

    public const int MaxItems = 1000;

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var report = await reconcile.ReportAsync(request.Scope, MaxItems, cancellationToken);
        var last = report.LastRun;
        return new
        {
            report.OrphanBlobs, report.TotalOrphanBlobs, report.MissingFiles, report.TotalMissingFiles, report.FinishedDeletes, report.FailedPolicyDeletes,
            LastRun = last is null ? null : new
            {
                last.RunId, last.Trigger, last.IsPastDue, StartTime = Times.Format(last.StartTime), EndTime = last.EndTime is { } end ? Times.Format(end) : null,
                last.Status, last.FinishedDeletes, last.FailedDeletes, last.CleanedJournalEntries, last.ScannedRecords, last.ScannedBlobs,
                last.OrphanBlobs, last.DeletedOrphans, last.MissingFiles, last.FailedPolicyDeletes, last.PassCompleted, last.Error,
            },
            RunInProgress = report.RunInProgress is { } running
                ? new { running.RunId, running.Trigger, running.IsPastDue, StartTime = Times.Format(running.StartTime) }
                : null,
        };
    }
}
