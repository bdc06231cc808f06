using System.Security.Cryptography;
using System.Text;

namespace VodFunctions.Core.Audit;

/// <summary>What asked for a deletion: a key through the API, a media policy, the reconcile sweep, or the recycle bin's timer.</summary>
public static class AuditTriggers
{
    public const string Api = "api";
    public const string Policy = "policy";
    public const string Reconcile = "reconcile";
    public const string Bin = "bin";

    /// <summary>The trigger of a delete asked for with the event trigger <paramref name="trigger"/>.</summary>
    public static string Of(DeleteTrigger trigger) => trigger.Name switch
    {
        "api" => Api,
        RecycleBin.BinPurger.FunctionName => Bin,
        Core.Reconcile.StorageReconciler.FunctionName => Reconcile,
        _ => Policy,
    };
}

/// <summary>What became of one item of a deletion attempt.</summary>
public static class AuditOutcomes
{
    public const string Deleted = "Deleted";
    public const string NotFound = "NotFound";
    public const string Forbidden = "Forbidden";
    /// <summary>Kept: a mezzanine that is the video's playback without <c>Force</c>.</summary>
    public const string NotRemovable = "NotRemovable";
    public const string Failed = "Failed";
    public const string MovedToBin = "MovedToBin";
    public const string Restored = "Restored";
    public const string Purged = "Purged";
}

/// <summary>
/// Who a journalled delete was for, carried by its journal so that whoever finishes it writes its audit record: the key's name
/// (<c>Vod__Keys__{n}__Name</c>, else its AccessKeyId; never its secret) or the policy's name (its ID is the event's trigger).
/// </summary>
public sealed record AuditContext(string? KeyName, string? PolicyName)
{
    public static AuditContext Of(DeleteRequest request) =>
        new(request.Trigger == DeleteTrigger.Api ? request.By : null, request.PolicyName);
}

/// <summary>
/// One record of the audit log: one item (a video, image, attached media or recycle bin entry) of one deletion attempt. A call
/// naming three videos writes three records with its <c>RequestId</c>; a journalled delete's record is the delete's
/// (<see cref="RecordId"/> its <c>OperationId</c>), written once whoever finishes it.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>The record's own ID: a journalled delete's <c>OperationId</c>, else a digest of what identifies the attempt.</summary>
    public string RecordId { get; init; } = "";

    /// <summary>When the attempt began (a journalled delete: when its journal was written), UTC to the millisecond.</summary>
    public string Time { get; init; } = "";

    /// <summary>The operation: <c>DeleteVideo</c>, <c>DeleteStream</c>, ..., <c>RestoreMedia</c>, <c>PurgeRecycleBin</c>, <c>DeleteOrphanBlob</c>.</summary>
    public string Operation { get; init; } = "";

    /// <summary><c>api</c>, <c>policy</c>, <c>reconcile</c> or <c>bin</c> (see <see cref="AuditTriggers"/>).</summary>
    public string Trigger { get; init; } = AuditTriggers.Api;

    /// <summary>With trigger <c>api</c>: the key's name or AccessKeyId (never its secret).</summary>
    public string? KeyName { get; init; }

    public string? PolicyId { get; init; }
    public string? PolicyName { get; init; }

    /// <summary>Set when not the caller finished the delete: <c>ReconcileStorage</c> (the caller stopped or storage failed).</summary>
    public string? FinishedBy { get; init; }

    /// <summary>The item's application; empty when unknown (an ID not found, a blob no record owns).</summary>
    public string AppId { get; init; } = "";

    public string MediaType { get; init; } = "";
    public string MediaId { get; init; } = "";

    /// <summary>What of the media the attempt named: <c>all</c>, <c>mezzanine</c>, <c>stream</c>, <c>image</c> (as the events' DeleteType).</summary>
    public string? DeleteType { get; init; }

    public IReadOnlyList<string>? JobIds { get; init; }
    public IReadOnlyList<string>? ImageIds { get; init; }

    /// <summary>The recycle bin entry moved into, restored or purged.</summary>
    public string? EntryId { get; init; }

    public bool DryRun { get; init; }

    /// <summary>See <see cref="AuditOutcomes"/>. A dry run's is what the real call would do.</summary>
    public string Outcome { get; init; } = AuditOutcomes.Deleted;

    /// <summary>With <c>Failed</c> or <c>Forbidden</c>: the error code.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The files removed (moved into the bin, restored, purged; a dry run's: that would be) and their bytes.</summary>
    public int Files { get; init; }
    public long Bytes { get; init; }

    public string RequestId { get; init; } = "";
    public string? OperationId { get; init; }

    /// <summary>
    /// A journalled delete that its caller finished: how long it took, from its journal to its last records (not the call's
    /// reads before the journal, nor the event after). Null for the rest (a delete finished later by another is not slow, only late).
    /// </summary>
    public long? DurationMs { get; init; }

    /// <summary>The <see cref="Time"/> of <paramref name="time"/>: UTC, to the millisecond.</summary>
    public static string TimeOf(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The <see cref="Time"/> as a moment.</summary>
    public DateTimeOffset At() => DateTimeOffset.Parse(Time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    /// <summary>A stable ID for an attempt that no journal names: the same parts give the same ID, so writing it twice keeps one.</summary>
    public static string IdOf(params string?[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", parts))))[..32];

    /// <summary>The record of a journalled delete that ended, from its journal and its event (with what was removed).</summary>
    public static AuditRecord Of(JournalEntity journal, DeleteEvent deleteEvent, DateTimeOffset ended, string? finishedBy)
    {
        var context = journal.Audit is null ? null : JsonSerializer.Deserialize<AuditContext>(journal.Audit);
        var bin = journal.Bin is null ? null : JsonSerializer.Deserialize<RecycleBin.BinOp>(journal.Bin);
        var outcome = bin?.Op switch
        {
            RecycleBin.BinOp.Move => AuditOutcomes.MovedToBin,
            RecycleBin.BinOp.Restore => AuditOutcomes.Restored,
            _ => deleteEvent.EventType == RecycleBin.BinMoves.PurgeEvent ? AuditOutcomes.Purged : AuditOutcomes.Deleted,
        };
        return FromEvent(deleteEvent, context, outcome) with
        {
            RecordId = journal.OperationId, Time = TimeOf(journal.Started), FinishedBy = finishedBy, OperationId = journal.OperationId,
            EntryId = deleteEvent.RecycleBinEntryId ?? bin?.EntryId,
            DurationMs = finishedBy is null ? Math.Max(0, (long)(ended - journal.Started).TotalMilliseconds) : null,
        };
    }

    /// <summary>The fields an event gives: who, what, which application, and what was removed.</summary>
    public static AuditRecord FromEvent(DeleteEvent e, AuditContext? context, string outcome)
    {
        var trigger = AuditTriggers.Of(e.Trigger);
        return new AuditRecord
        {
            Operation = OperationOf(e), Trigger = trigger, KeyName = context?.KeyName,
            PolicyId = trigger == AuditTriggers.Policy ? e.Trigger.Name : null, PolicyName = context?.PolicyName,
            AppId = e.AppId, MediaType = e.MediaType, MediaId = e.MediaId, DeleteType = JsonSerializer.Serialize(e.DeleteType).Trim('"'),
            JobIds = e.JobIds, ImageIds = e.ImageIds, Outcome = outcome, Files = e.DeletedFiles, Bytes = e.DeletedBytes,
            RequestId = e.RequestId, OperationId = e.OperationId,
        };
    }

    /// <summary>The operation a delete's event stands for (a policy's deletes are named as the API's).</summary>
    public static string OperationOf(DeleteEvent e) => e.EventType switch
    {
        RecycleBin.BinMoves.RestoreEvent => "RestoreMedia",
        RecycleBin.BinMoves.PurgeEvent => "PurgeRecycleBin",
        _ => e.DeleteType switch
        {
            DeleteKind.Mezzanine => "DeleteMezzanines",
            DeleteKind.Stream => "DeleteStream",
            DeleteKind.Image => "DeleteImage",
            _ => e.MediaType switch
            {
                MediaKinds.Video => "DeleteVideo",
                MediaKinds.Image => "DeleteImage",
                _ => "DeleteAttachedMedia",
            },
        },
    };
}
