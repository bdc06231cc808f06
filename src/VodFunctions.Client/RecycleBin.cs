namespace VodFunctions.Client;

// The recycle bin: with Vod__RecycleBin__Retention set on the service, deletes that are not Permanent move what they name into it.

public sealed record ListRecycleBinRequest
{
    public string? AppId { get; init; }

    /// <summary><c>video</c>, <c>image</c> or <c>attached</c>.</summary>
    public string? MediaType { get; init; }

    public int? PageSize { get; init; }
    public string? PageToken { get; init; }
}

/// <summary>One entry of the recycle bin: what one delete moved there.</summary>
public sealed record RecycleBinEntry
{
    public string EntryId { get; init; } = "";
    public string MediaType { get; init; } = "";
    public string MediaId { get; init; } = "";

    /// <summary><c>all</c>, <c>mezzanine</c>, <c>stream</c> or <c>image</c>, as in the events.</summary>
    public string DeleteType { get; init; } = "";

    public IReadOnlyList<string>? JobIds { get; init; }
    public IReadOnlyList<string>? ImageIds { get; init; }
    public string AppId { get; init; } = "";

    /// <summary>The key's name, or the policy's ID.</summary>
    public string DeletedBy { get; init; } = "";

    public DateTimeOffset DeleteTime { get; init; }
    public DateTimeOffset PurgeTime { get; init; }
    public long Files { get; init; }
    public long Bytes { get; init; }
}

public sealed record ListRecycleBinResponse : VodResponse
{
    public IReadOnlyList<RecycleBinEntry> Entries { get; init; } = [];
    public string? NextPageToken { get; init; }
}

public sealed record RestoreMediaResponse : VodResponse
{
    public IReadOnlyList<string> RestoredEntryIds { get; init; } = [];
}

public sealed record PurgeRecycleBinRequest
{
    public IReadOnlyList<string>? EntryIds { get; init; }

    /// <summary>Every entry (of <see cref="AppId"/> when given).</summary>
    public bool? All { get; init; }

    public string? AppId { get; init; }
}

public sealed record PurgeRecycleBinResponse : VodResponse
{
    public IReadOnlyList<string> PurgedEntryIds { get; init; } = [];
    public IReadOnlyList<string> NonExistEntryIds { get; init; } = [];
    public DeletedFiles Purged { get; init; } = new();
}
