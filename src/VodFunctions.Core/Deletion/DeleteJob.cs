namespace VodFunctions.Core.Deletion;

/// <summary>
/// Who asked for a delete (for its events) and whether it is a dry run; whether it skips the recycle bin (<paramref name="Permanent"/>)
/// and who it is for the bin's entries (<paramref name="By"/>: the key's name; the trigger when none).
/// </summary>
public sealed record DeleteRequest(string RequestId, DeleteTrigger Trigger, bool DryRun = false, bool Permanent = false, string? By = null)
{
    /// <summary>A policy's deletes: its name, for the audit log (its ID is the <see cref="Trigger"/>).</summary>
    public string? PolicyName { get; init; }

    /// <summary>Whether its dry runs are recorded in the audit log (a delete call's are; a policy preview's are not).</summary>
    public bool Audited { get; init; }

    public string DeletedBy => By ?? Trigger.Name;
}

/// <summary>
/// One delete an operation asks of the <see cref="DeletionEngine"/> (which builds it): the catalog partition it removes records
/// from, the error code of its failure, and its prepare step, run afresh before every attempt.
/// </summary>
public sealed record DeleteJob(string Partition, string FailedCode, Func<CancellationToken, Task<DeleteWork>> Prepare);

public enum DeleteState
{
    /// <summary>A target to journal, and the records to mark with it.</summary>
    Ready,
    /// <summary>Nothing (left) to delete.</summary>
    Nothing,
    /// <summary>Records marked by a delete begun meanwhile: that delete is finished first, then the job prepared again.</summary>
    Busy,
}

/// <summary>What a job's prepare step found: a target and its marks (records with their ETags) when <see cref="DeleteState.Ready"/>.</summary>
public sealed record DeleteWork(DeleteState State, DeleteTarget? Target = null, IReadOnlyList<ITableEntity>? Marks = null)
{
    public static DeleteWork Nothing { get; } = new(DeleteState.Nothing);
    public static DeleteWork Busy { get; } = new(DeleteState.Busy);
}

/// <summary>
/// What an operation deletes from its owner's partition, picked from the owner record read afresh: folders, single
/// files and the records that go (marked with the journal, removed once the files are gone), or the whole partition.
/// </summary>
public sealed record DeleteParts(DeleteKind Kind, IReadOnlyList<string> Folders, IReadOnlyList<CatalogEntity> Records)
{
    public IReadOnlyList<string> Blobs { get; init; } = [];

    /// <summary>Every record of the partition: the owner row is marked, so readers no longer see it.</summary>
    public bool Whole { get; init; }

    /// <summary>Held by a delete begun meanwhile (records it marked are seen without this).</summary>
    public bool Held { get; init; }

    /// <summary>Property values the owner row takes with the last records (by whoever finishes the delete).</summary>
    public IReadOnlyDictionary<string, object>? OwnerUpdate { get; init; }

    /// <summary>The owner's folder and every record of its partition.</summary>
    public static DeleteParts All(DeleteKind kind, string folder) => new(kind, [folder], []) { Whole = true };
}

/// <summary>What one job came to: <see cref="Ok"/> false when storage failed (the journal stays); <see cref="Deleted"/> null when another caller finished it, or nothing was left.</summary>
public sealed record DeleteOutcome(bool Ok, DeleteTally? Deleted)
{
    /// <summary>The recycle bin entry it made, when it moved what it names into the bin, and when that is purged.</summary>
    public string? EntryId { get; init; }
    public DateTimeOffset? PurgeTime { get; init; }
}

/// <summary>The counts of a dry run: what the real call would delete now.</summary>
public sealed record DeletePlan(int Files, long Bytes, int Records, IReadOnlyList<string> Paths)
{
    /// <summary>Whether the real call moves it into the recycle bin (else it deletes it permanently).</summary>
    public bool ToRecycleBin { get; init; }

    /// <summary>With <see cref="ToRecycleBin"/>: when it would be purged, were the real call made now.</summary>
    public string? PurgeTime { get; init; }
}

/// <summary>What a call moved into the recycle bin: its entries, and when they are purged.</summary>
public sealed record RecycleBinMove(IReadOnlyList<string> EntryIds, string PurgeTime);

/// <summary>What a call removed: its files and their bytes (files a concurrent caller removed first are theirs to count).</summary>
public sealed record DeletedFiles(int Files, long Bytes);

/// <summary>A delete call's outcome: in a dry run its <see cref="Plan"/>, else what it <see cref="Deleted"/>.</summary>
public sealed record DeleteResult(DeletePlan? Plan, DeletedFiles? Deleted)
{
    /// <summary>What the call moved into the recycle bin (its <see cref="Deleted"/> files are then there, not removed); null when none.</summary>
    public RecycleBinMove? RecycleBin { get; init; }

    public static DeleteResult Of(DeletedFiles deleted) => new(null, deleted);
    public static DeleteResult Of(DeletePlan plan) => new(plan, null);

    /// <summary>Two parts of one call (the slices of a long video's snapshots) as one.</summary>
    public DeleteResult Add(DeleteResult other) => new(Plan ?? other.Plan,
        Deleted is null ? other.Deleted : other.Deleted is null ? Deleted : new(Deleted.Files + other.Deleted.Files, Deleted.Bytes + other.Deleted.Bytes))
    {
        RecycleBin = RecycleBin is null ? other.RecycleBin : other.RecycleBin is null ? RecycleBin
            : new([.. RecycleBin.EntryIds, .. other.RecycleBin.EntryIds], other.RecycleBin.PurgeTime),
    };
}
