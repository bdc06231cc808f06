using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VodFunctions.Core.Telemetry;

/// <summary>
/// The app's own traces and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>. Nothing is recorded unless something listens (an OpenTelemetry provider the app registers only when
/// an exporter is configured): spans start only when the source has listeners, measurements are made only when their
/// instrument is enabled. No attribute ever holds a key, a secret, a signature or a SAS.
/// </summary>
public static class VodTelemetry
{
    public const string Name = "VodFunctions";

    public static readonly ActivitySource Source = new(Name, typeof(VodTelemetry).Assembly.GetName().Version?.ToString());
    public static readonly Meter Meter = new(Name, typeof(VodTelemetry).Assembly.GetName().Version?.ToString());

    // ---- attributes ----
    public const string RequestId = "vod.request_id";
    public const string OperationId = "vod.operation_id";
    public const string Operation = "vod.operation";
    public const string Trigger = "vod.trigger";
    public const string Outcome = "vod.outcome";
    public const string Status = "vod.status";
    public const string Code = "vod.code";
    public const string PolicyId = "vod.policy_id";
    public const string MediaId = "vod.media_id";
    public const string Files = "vod.files";
    public const string Bytes = "vod.bytes";
    public const string Queue = "vod.queue";

    // ---- triggers (vod.trigger): who asked ----
    public const string Api = "api";
    public const string Policy = "policy";
    public const string Reconcile = "reconcile";
    public const string Bin = "bin";
    public const string Callback = "callback";

    // ---- outcomes (vod.outcome) ----
    public const string Success = "success";
    public const string Failure = "failure";

    // ---- metrics ----
    public static readonly Counter<long> Deletes = Meter.CreateCounter<long>("vod.deletes", "{delete}", "Journalled deletes that ended, by operation, trigger and outcome");
    public static readonly Counter<long> DeletedFiles = Meter.CreateCounter<long>("vod.deleted.files", "{file}", "Files (blobs) deleted");
    public static readonly Counter<long> DeletedBytes = Meter.CreateCounter<long>("vod.deleted.bytes", "By", "Bytes of the files deleted");
    public static readonly Histogram<double> DeleteDuration = Meter.CreateHistogram("vod.delete.duration", "s",
        "How long a journalled delete took, from its journal to its event", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
    public static readonly Counter<long> PolicyMatches = Meter.CreateCounter<long>("vod.policy.matches", "{asset}", "Assets a media policy matched");
    public static readonly Counter<long> PolicyDeletes = Meter.CreateCounter<long>("vod.policy.deletes", "{asset}", "Assets a media policy deleted");
    public static readonly Counter<long> PolicySkips = Meter.CreateCounter<long>("vod.policy.skips", "{asset}", "Assets a media policy matched and skipped");
    public static readonly Counter<long> ThrottledRequests = Meter.CreateCounter<long>("vod.throttled_requests", "{request}", "Requests refused with Throttling.User");
    public static readonly Counter<long> CallbackDeliveries = Meter.CreateCounter<long>("vod.callback.deliveries", "{delivery}", "HTTP callback attempts, by outcome (delivered, retry, poisoned)");
    public static readonly Histogram<double> CallbackLag = Meter.CreateHistogram("vod.callback.lag", "s",
        "From an event's time to its callback's delivery", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600] });

    /// <summary>Starts a span when something listens; null (and nothing allocated) otherwise.</summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal) =>
        Source.HasListeners() ? Source.StartActivity(name, kind) : null;

    /// <summary>Starts the span of an operation, a timer run, a queue-triggered function or a callback delivery.</summary>
    public static Activity? StartOperation(string operation, string trigger, string? requestId, ActivityKind kind = ActivityKind.Internal)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity(operation, kind);
        activity?.SetTag(Operation, operation).SetTag(Trigger, trigger).SetTag(RequestId, requestId);
        return activity;
    }

    /// <summary>Ends a span with its outcome: <c>vod.outcome</c>, and the status (HTTP or run status) and error code when there is one.</summary>
    public static void End(Activity? activity, bool ok, string? status = null, string? code = null)
    {
        if (activity is null) return;
        activity.SetTag(Outcome, ok ? Success : Failure).SetTag(Status, status).SetTag(Code, code);
        if (!ok) activity.SetStatus(ActivityStatusCode.Error, code);
        activity.Dispose();
    }

    /// <summary>The low-cardinality trigger of a delete (a policy's ID is its own attribute).</summary>
    public static string TriggerOf(DeleteTrigger trigger) => trigger.Name switch
    {
        "api" => Api,
        "EmptyRecycleBin" => Bin,
        "ReconcileStorage" => Reconcile,
        _ => Policy,
    };

    /// <summary>The operation a delete's event stands for.</summary>
    public static string OperationOf(DeleteEvent deleteEvent) => (deleteEvent.DeleteType, deleteEvent.MediaType) switch
    {
        (DeleteKind.All, MediaKinds.Video) => "DeleteVideo",
        (DeleteKind.All, MediaKinds.Attached) => "DeleteAttachedMedia",
        (DeleteKind.All or DeleteKind.Image, _) => "DeleteImage",
        (DeleteKind.Mezzanine, _) => "DeleteMezzanines",
        (DeleteKind.Stream, _) => "DeleteStream",
        _ => "Delete",
    };

    /// <summary>Records an ended delete: its count, and on success its files, bytes and duration.</summary>
    public static void RecordDelete(DeleteEvent deleteEvent, string? trigger, bool ok, DeleteTally? tally, long startedTimestamp)
    {
        if (!Deletes.Enabled && !DeleteDuration.Enabled && !DeletedFiles.Enabled && !DeletedBytes.Enabled) return;
        var tags = new TagList
        {
            { Operation, OperationOf(deleteEvent) }, { Trigger, trigger ?? TriggerOf(deleteEvent.Trigger) }, { Outcome, ok ? Success : Failure },
        };
        Deletes.Add(1, tags);
        if (!ok) return;
        DeleteDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
        if (tally is null) return;
        DeletedFiles.Add(tally.Files, tags);
        DeletedBytes.Add(tally.Bytes, tags);
    }

    /// <summary>Counts a policy's matches, deletes and skips.</summary>
    public static void RecordPolicy(string policyId, int matches, int deletes, int skips)
    {
        var tag = new KeyValuePair<string, object?>(PolicyId, policyId);
        if (matches > 0 && PolicyMatches.Enabled) PolicyMatches.Add(matches, tag);
        if (deletes > 0 && PolicyDeletes.Enabled) PolicyDeletes.Add(deletes, tag);
        if (skips > 0 && PolicySkips.Enabled) PolicySkips.Add(skips, tag);
    }
}
