namespace VodFunctions.Core.RecycleBin;

/// <summary>
/// An entry of the recycle bin (<c>bin|{EntryId}</c>), in the partition its media came from, with the records its delete took as
/// copies beside it (<c>bin|{EntryId}|{row}</c>): row keys no reader asks for, so the media is gone for every reader while
/// its files stay where they are. The entry ID is the move's OperationId. Its index rows (<c>bin|{AppId}</c> and
/// <c>bin|*</c>, newest first; <c>binid|{EntryId}</c>) list and find it.
/// </summary>
public sealed class BinEntryEntity : CatalogEntity
{
    public const string Prefix = "bin|";

    public string EntryId => RowKey[Prefix.Length..];
    public string MediaType { get; set; } = "";
    public string MediaId { get; set; } = "";
    public string DeleteType { get; set; } = "";
    public string? JobIds { get; set; }
    public string? ImageIds { get; set; }
    public string DeletedBy { get; set; } = "";
    public DateTimeOffset PurgeTime { get; set; }
    public int Files { get; set; }

    /// <summary>Whether the entry holds a whole video, uploaded image or attached media (its owner row is among its copies).</summary>
    public bool Whole { get; set; }

    /// <summary>Where its files are: the storage location, and the folders and single files its delete named (JSON lists).</summary>
    public string Location { get; set; } = "";
    public string Prefixes { get; set; } = "[]";
    public string Blobs { get; set; } = "[]";

    /// <summary>Property values the video row takes back on a restore (a mezzanine's status and size), JSON.</summary>
    public string? RestoreUpdate { get; set; }

    public static string RowOf(string entryId) => Prefix + entryId;

    /// <summary>The row key of the copy of <paramref name="row"/> held by entry <paramref name="entryId"/>.</summary>
    public static string CopyRow(string entryId, string row) => RowOf(entryId) + "|" + row;

    public static bool IsEntryRow(string rowKey) => rowKey.StartsWith(Prefix, StringComparison.Ordinal) && rowKey.IndexOf('|', Prefix.Length) < 0;

    /// <summary>The row a copy was, and the entry holding it; null for an entry row.</summary>
    public static (string EntryId, string Row)? OriginalOf(string rowKey)
    {
        if (!rowKey.StartsWith(Prefix, StringComparison.Ordinal) || rowKey.IndexOf('|', Prefix.Length) is not (var bar and > 0)) return null;
        return (rowKey[Prefix.Length..bar], rowKey[(bar + 1)..]);
    }

    public IReadOnlyList<string> JobIdList() => JobIds is null ? [] : JsonSerializer.Deserialize<List<string>>(JobIds)!;
    public IReadOnlyList<string> ImageIdList() => ImageIds is null ? [] : JsonSerializer.Deserialize<List<string>>(ImageIds)!;

    /// <summary>The event fields of what this entry holds (for its restore and purge events).</summary>
    public DeleteEvent EventOf(string eventType, DeleteRequest request) => new()
    {
        EventType = eventType, MediaType = MediaType, MediaId = MediaId, AppId = AppId, RequestId = request.RequestId, Trigger = request.Trigger,
        DeleteType = JsonSerializer.Deserialize<DeleteKind>(JsonSerializer.Serialize(DeleteType)),
        JobIds = JobIds is null ? null : JobIdList(), ImageIds = ImageIds is null ? null : ImageIdList(),
        RecycleBinEntryId = EntryId, DeletedFiles = Files, DeletedBytes = Size,
    };
}

/// <summary>A row that a bin entry holds or the entry itself, read by its keys alone (to remove it).</summary>
public sealed class BinRowEntity : CatalogEntity;

/// <summary>
/// What a journal of the bin does instead of deleting files: <c>move</c> (a delete into the bin: records to copies, the files
/// stay) or <c>restore</c> (the copies of <see cref="EntryId"/> back to records).
/// </summary>
public sealed record BinOp(string Op, string DeletedBy, DateTimeOffset PurgeTime)
{
    public const string Move = "move";
    public const string Restore = "restore";

    public string? EntryId { get; init; }

    /// <summary>A move's: what the video row takes back on a restore.</summary>
    public IReadOnlyDictionary<string, object>? RestoreUpdate { get; init; }
}
