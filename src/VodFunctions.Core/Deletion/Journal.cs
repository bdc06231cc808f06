namespace VodFunctions.Core.Deletion;

/// <summary>
/// What one delete removes from one catalog partition, written before any blob is touched: the files under
/// <paramref name="Prefixes"/> and the <paramref name="Blobs"/>, then the <paramref name="Rows"/>; its event, and the error
/// code its fail event carries, whoever finishes it.
/// </summary>
public sealed record DeleteTarget(
    string Partition,
    string Location,
    IReadOnlyList<string> Prefixes,
    IReadOnlyList<string> Blobs,
    IReadOnlyList<string> Rows,
    DeleteEvent Event,
    string FailedCode)
{
    /// <summary>Row key meaning "every row of the partition" (a whole video).</summary>
    public const string AllRows = "*";

    /// <summary>Property values the owner row takes with the last records, when it stays (a part of a video).</summary>
    public IReadOnlyDictionary<string, object>? OwnerUpdate { get; init; }

    /// <summary>A move into the recycle bin, or a restore from it, instead of a delete of files.</summary>
    public RecycleBin.BinOp? Bin { get; init; }

    /// <summary>Who it is for, in its audit record (whoever finishes it writes that record).</summary>
    public Core.Audit.AuditContext? Audit { get; init; }

    public bool WholePartition => Rows.Contains(AllRows);
}

/// <summary>
/// A finished delete's event (<c>event|{OperationId}</c>), written by the transaction that removes the journal row
/// and removed once the event is on the queue. Until then the journal's index entry stays too, and leads the
/// reconcile sweep to an event that the queue refused or a stopped process never sent.
/// </summary>
public sealed class PendingEventEntity : ITableEntity
{
    public const string Prefix = "event|";
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Event { get; set; } = "{}";

    /// <summary>The delete's audit record (JSON), appended before the event is sent; null in rows written before the audit log.</summary>
    public string? Audit { get; set; }

    public string OperationId => RowKey[Prefix.Length..];

    /// <param name="ended">When the delete ended (its last records go with this row), for its audit record's duration.</param>
    /// <param name="finishedBy">Who finished the delete when not its caller (<c>ReconcileStorage</c>), for its audit record.</param>
    public static PendingEventEntity Of(JournalEntity journal, DeleteEvent deleteEvent, DateTimeOffset ended, string? finishedBy = null) => new()
    {
        PartitionKey = journal.PartitionKey, RowKey = Prefix + journal.OperationId, Event = JournalEntity.Checked(JsonSerializer.Serialize(deleteEvent)),
        Audit = JournalEntity.Checked(JsonSerializer.Serialize(Core.Audit.AuditRecord.Of(journal, deleteEvent, ended, finishedBy))),
    };
}

/// <summary>
/// The journal row (<c>journal|{OperationId}</c>) in the partition it deletes from, added in the same
/// entity-group transaction that marks the records as deleting, so a delete that has begun is never
/// lost: the next call or the reconcile sweep finishes it.
/// </summary>
public sealed class JournalEntity : ITableEntity
{
    public const string Prefix = "journal|";
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Location { get; set; } = "";
    public string Prefixes { get; set; } = "[]";
    public string Blobs { get; set; } = "[]";
    public string Rows { get; set; } = "[]";
    public string Event { get; set; } = "{}";
    public string FailedCode { get; set; } = "";
    public string? OwnerUpdate { get; set; }
    public string? Bin { get; set; }
    public DateTimeOffset Started { get; set; }

    /// <summary>Who the delete is for (<see cref="Core.Audit.AuditContext"/>, JSON), for its audit record.</summary>
    public string? Audit { get; set; }

    public string OperationId => RowKey[Prefix.Length..];

    public static JournalEntity Of(DeleteTarget target, string operationId, DateTimeOffset started) => new()
    {
        PartitionKey = target.Partition,
        RowKey = Prefix + operationId,
        Location = target.Location,
        Prefixes = Checked(JsonSerializer.Serialize(target.Prefixes)),
        Blobs = Checked(JsonSerializer.Serialize(target.Blobs)),
        Rows = Checked(JsonSerializer.Serialize(target.Rows)),
        Event = Checked(JsonSerializer.Serialize(target.Event)),
        FailedCode = target.FailedCode,
        OwnerUpdate = target.OwnerUpdate is null ? null : JsonSerializer.Serialize(target.OwnerUpdate),
        Bin = target.Bin is null ? null : Checked(JsonSerializer.Serialize(target.Bin)),
        Started = started,
        Audit = target.Audit is null ? null : Checked(JsonSerializer.Serialize(target.Audit)),
    };

    /// <summary>Azure Tables holds a string property of at most 64 KiB (32K UTF-16 characters); checked here, so a journal too large fails before anything changes.</summary>
    public const int MaxPropertyChars = 32 * 1024;

    internal static string Checked(string json) => json.Length <= MaxPropertyChars
        ? json
        : throw new InvalidOperationException($"A journal property of {json.Length} characters exceeds Azure's limit of {MaxPropertyChars}.");

    public DeleteTarget ToTarget() => new(
        PartitionKey, Location,
        JsonSerializer.Deserialize<List<string>>(Prefixes)!,
        JsonSerializer.Deserialize<List<string>>(Blobs)!,
        JsonSerializer.Deserialize<List<string>>(Rows)!,
        JsonSerializer.Deserialize<DeleteEvent>(Event)!,
        FailedCode)
    {
        OwnerUpdate = OwnerUpdate is null ? null : JsonSerializer.Deserialize<Dictionary<string, object>>(OwnerUpdate),
        Bin = Bin is null ? null : JsonSerializer.Deserialize<RecycleBin.BinOp>(Bin),
        Audit = Audit is null ? null : JsonSerializer.Deserialize<Core.Audit.AuditContext>(Audit),
    };
}
