namespace VodFunctions.Core.Policies;

public static class PolicyActions
{
    public const string DeleteVideo = "DeleteVideo";
    public const string DeleteMezzanine = "DeleteMezzanine";
    public const string DeleteStreams = "DeleteStreams";
    public static readonly string[] All = [DeleteVideo, DeleteMezzanine, DeleteStreams];
}

/// <summary>
/// A media policy (API.md section 7): videos of at least <see cref="MinAge"/> (since CreationTime) that
/// match the filters get <see cref="Action"/>, at most <see cref="DailyLimit"/> per UTC day. An asset is
/// handled only by the single enabled policy of highest <see cref="Priority"/> that matches it
/// (equal priorities: the smaller PolicyId wins).
/// </summary>
public sealed record MediaPolicy
{
    public const int MaxDailyLimit = 50000;
    public const int MaxPriority = 10000;
    public const int MaxNameLength = 128;
    public const int MaxCateIds = 100;

    public string PolicyId { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Enabled { get; init; } = true;
    public int Priority { get; init; }
    public string Action { get; init; } = "";
    public IReadOnlyList<string> Definitions { get; init; } = [];
    public string MinAge { get; init; } = "";
    public string? AppId { get; init; }
    public IReadOnlyList<string> CateIds { get; init; } = [];
    public IReadOnlyList<string> Statuses { get; init; } = [];
    public int DailyLimit { get; init; } = MaxDailyLimit;

    /// <summary>The contract's rules on a policy's fields; null when it is valid.</summary>
    public VodError? Validate()
    {
        if (Name.Length > MaxNameLength) return VodError.InvalidParameter($"Name may hold at most {MaxNameLength} characters.");
        if (Priority is < 0 or > MaxPriority) return VodError.InvalidParameter($"Priority must be from 0 to {MaxPriority}.");
        if (!PolicyActions.All.Contains(Action)) return VodError.InvalidParameter($"Action must be one of {string.Join(", ", PolicyActions.All)}.");
        if (Action == PolicyActions.DeleteStreams && Definitions.Count == 0)
            return VodError.InvalidParameter("Definitions (a JSON array) is required with Action DeleteStreams.");
        if (Action != PolicyActions.DeleteStreams && Definitions.Count > 0) return VodError.InvalidParameter("Definitions applies only to Action DeleteStreams.");
        if (Definitions.FirstOrDefault(d => !Media.Definitions.All.Contains(d)) is { } definition)
            return VodError.InvalidParameter($"Definition '{definition}' must be one of {string.Join(", ", Media.Definitions.All)}.");
        if (!IsoDuration.TryParse(MinAge, out _))
            return VodError.InvalidParameter("MinAge must be a positive ISO-8601 duration of at most 100 years, such as P90D or PT1H.");
        if (AppId is { Length: 0 or > 64 }) return VodError.InvalidParameter("AppId must be 1 to 64 characters.");
        if (CateIds.Count > MaxCateIds) return VodError.InvalidParameter($"CateIds may hold at most {MaxCateIds} items.");
        if (Statuses.FirstOrDefault(s => !VideoStatus.All.Contains(s)) is { } status)
            return VodError.InvalidParameter($"Status '{status}' must be one of {string.Join(", ", VideoStatus.All)}.");
        if (DailyLimit is < 1 or > MaxDailyLimit) return VodError.InvalidParameter($"DailyLimit must be from 1 to {MaxDailyLimit}.");
        return null;
    }

    /// <summary>Videos created at or before this moment are old enough.</summary>
    public DateTimeOffset Cutoff(DateTimeOffset now) => IsoDuration.TryParse(MinAge, out var age) ? age.SubtractFrom(now) : DateTimeOffset.MinValue;

    /// <summary>Whether the video passes this policy's filters (age, application, category, status) at <paramref name="now"/>.</summary>
    public bool Matches(VideoEntity video, DateTimeOffset now) =>
        video.CreationTime <= Cutoff(now)
        && (AppId is null || video.AppId == AppId)
        && (CateIds.Count == 0 || (video.CateId is { } cate && CateIds.Contains(cate)))
        && (Statuses.Count == 0 || Statuses.Contains(video.Status));

    /// <summary>The order in which policies claim assets: highest priority first, then PolicyId.</summary>
    public static IReadOnlyList<MediaPolicy> InPriorityOrder(IEnumerable<MediaPolicy> policies) =>
        policies.OrderByDescending(p => p.Priority).ThenBy(p => p.PolicyId, StringComparer.Ordinal).ToList();
}
