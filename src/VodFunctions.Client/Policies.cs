namespace VodFunctions.Client;

// Media policies (API.md section 7): rules the ApplyMediaPolicies timer applies every day.

/// <summary>A media policy. <c>SetMediaPolicy</c> creates one (no <see cref="PolicyId"/>) or replaces one whole.</summary>
public sealed record MediaPolicy
{
    /// <summary>32 hex characters; not set to create a policy.</summary>
    public string? PolicyId { get; init; }

    public string Name { get; init; } = "";
    public bool Enabled { get; init; } = true;

    /// <summary>Higher wins: an asset is handled by the single highest-priority policy that matches it.</summary>
    public int Priority { get; init; }

    /// <summary><c>DeleteVideo</c>, <c>DeleteMezzanine</c> or <c>DeleteStreams</c> (with <see cref="Definitions"/>).</summary>
    public string Action { get; init; } = "";

    /// <summary>The definitions whose streams <c>DeleteStreams</c> removes.</summary>
    public IReadOnlyList<string>? Definitions { get; init; }

    /// <summary>Age since <c>CreationTime</c>, an ISO-8601 duration such as <c>P90D</c>.</summary>
    public string MinAge { get; init; } = "";

    public string? AppId { get; init; }
    public IReadOnlyList<string>? CateIds { get; init; }
    public IReadOnlyList<string>? Statuses { get; init; }

    /// <summary>Assets per policy per UTC day; at most and by default 50000.</summary>
    public int? DailyLimit { get; init; }
}

public sealed record SetMediaPolicyResponse : VodResponse
{
    public string PolicyId { get; init; } = "";
}

public sealed record ListMediaPoliciesResponse : VodResponse
{
    public IReadOnlyList<MediaPolicy> Policies { get; init; } = [];
}

/// <summary>One asset a policy run would handle now.</summary>
public sealed record PolicyMatch
{
    public string VideoId { get; init; } = "";
    public string Action { get; init; } = "";
    public long Files { get; init; }
    public long Bytes { get; init; }

    /// <summary>True when the video is on hold: a run leaves it alone and counts it as held.</summary>
    public bool? Held { get; init; }
}

public sealed record PreviewMediaPolicyResponse : VodResponse
{
    public IReadOnlyList<PolicyMatch> Matches { get; init; } = [];

    /// <summary>The number of matches.</summary>
    public int Total { get; init; }
}
