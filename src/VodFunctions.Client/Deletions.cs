namespace VodFunctions.Client;

// The audit log: a record of every deletion attempt (ListDeletions).

public sealed record ListDeletionsRequest
{
    public string? MediaId { get; init; }
    public string? AppId { get; init; }

    /// <summary>The key's name (<c>Vod__Keys__{n}__Name</c>, else its AccessKeyId).</summary>
    public string? KeyName { get; init; }

    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    public int? PageSize { get; init; }
    public string? PageToken { get; init; }
}

/// <summary>One record of the audit log: one item of one deletion attempt.</summary>
public sealed record DeletionRecord
{
    public string RecordId { get; init; } = "";
    public DateTimeOffset Time { get; init; }
    public string Operation { get; init; } = "";

    /// <summary><c>api</c>, <c>policy</c>, <c>reconcile</c> or <c>bin</c>.</summary>
    public string Trigger { get; init; } = "";

    public string? KeyName { get; init; }
    public string? PolicyId { get; init; }
    public string? PolicyName { get; init; }
    public string? FinishedBy { get; init; }
    public string AppId { get; init; } = "";
    public string MediaType { get; init; } = "";
    public string MediaId { get; init; } = "";
    public string? DeleteType { get; init; }
    public IReadOnlyList<string>? JobIds { get; init; }
    public IReadOnlyList<string>? ImageIds { get; init; }
    public string? EntryId { get; init; }
    public bool DryRun { get; init; }

    /// <summary><c>Deleted</c>, <c>NotFound</c>, <c>Forbidden</c>, <c>NotRemovable</c>, <c>Failed</c>, <c>MovedToBin</c>, <c>Restored</c> or <c>Purged</c>.</summary>
    public string Outcome { get; init; } = "";

    public string? ErrorCode { get; init; }
    public long Files { get; init; }
    public long Bytes { get; init; }
    public string RequestId { get; init; } = "";
    public string? OperationId { get; init; }

    /// <summary>A journalled delete its caller finished: how long it took, from its journal to its last records.</summary>
    public long? DurationMs { get; init; }
}

public sealed record ListDeletionsResponse : VodResponse
{
    public IReadOnlyList<DeletionRecord> Deletions { get; init; } = [];
    public string? NextPageToken { get; init; }
}
