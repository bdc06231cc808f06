namespace VodFunctions.Client;

// Holds: held media is never deleted, by any delete, policy run, purge or sweep, until the hold is released.

/// <summary>Why, when and by which key media was held.</summary>
public sealed record MediaHold
{
    public string Reason { get; init; } = "";
    public DateTimeOffset SetTime { get; init; }

    /// <summary>The key's name (<c>Vod__Keys__{n}__Name</c>, else its AccessKeyId, else its role).</summary>
    public string SetBy { get; init; } = "";
}

public sealed record SetMediaHoldRequest
{
    /// <summary><c>video</c> (with its streams, mezzanine and snapshots), <c>image</c> or <c>attached</c>.</summary>
    public string MediaType { get; init; } = "";

    /// <summary>Up to 20.</summary>
    public IReadOnlyList<string> MediaIds { get; init; } = [];

    /// <summary>Why (required; up to 1,024 characters).</summary>
    public string Reason { get; init; } = "";
}

public sealed record HoldChangeResponse : VodResponse
{
    /// <summary>The given IDs of media that do not exist (a set), or that held nothing (a release).</summary>
    public IReadOnlyList<string> NonExistMediaIds { get; init; } = [];
}

public sealed record ListMediaHoldsRequest
{
    public string? MediaType { get; init; }
    public string? AppId { get; init; }
    public int? PageSize { get; init; }
    public string? PageToken { get; init; }
}

/// <summary>One hold: the media, and why, when and by whom it was held.</summary>
public sealed record MediaHoldEntry
{
    public string MediaType { get; init; } = "";
    public string MediaId { get; init; } = "";
    public string AppId { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTimeOffset SetTime { get; init; }
    public string SetBy { get; init; } = "";
}

public sealed record ListMediaHoldsResponse : VodResponse
{
    public IReadOnlyList<MediaHoldEntry> Holds { get; init; } = [];
    public string? NextPageToken { get; init; }
}
