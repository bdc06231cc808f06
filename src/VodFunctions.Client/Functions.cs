using System.Text.Json;
using System.Text.Json.Serialization;

namespace VodFunctions.Client;

// Timer function runs, the reconcile report, health and thumbnails.

/// <summary>The answer to starting a timer function with <see cref="VodClient.RunFunctionAsync"/>.</summary>
public sealed record RunFunctionResponse : VodResponse
{
    public string FunctionName { get; init; } = "";

    /// <summary>The started run's ID when the app answers it (the Functions host does not).</summary>
    public string? RunId { get; init; }

    /// <summary>A moment on the server's clock before the run started: runs that started since may be this one.</summary>
    [JsonIgnore]
    public DateTimeOffset StartedAfter { get; init; }
}

/// <summary>One run of a timer function.</summary>
public sealed record FunctionRun
{
    public const string ApplyMediaPolicies = "ApplyMediaPolicies";
    public const string ReconcileStorage = "ReconcileStorage";
    public const string EmptyRecycleBin = "EmptyRecycleBin";
    public const string PurgeAuditLog = "PurgeAuditLog";

    /// <summary>The timer functions of the app.</summary>
    public static IReadOnlyList<string> Known { get; } = [ApplyMediaPolicies, ReconcileStorage, EmptyRecycleBin, PurgeAuditLog];

    public string RunId { get; init; } = "";
    public string FunctionName { get; init; } = "";

    /// <summary><c>Schedule</c>, <c>Host</c> or <c>Admin</c>.</summary>
    public string Trigger { get; init; } = "";

    public bool IsPastDue { get; init; }
    public DateTimeOffset StartTime { get; init; }

    /// <summary>Null while the run goes on.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary><c>Running</c>, <c>Completed</c>, <c>Interrupted</c> (stopped at its time budget), <c>Failed</c>.</summary>
    public string Status { get; init; } = "";

    public string? Error { get; init; }

    /// <summary>The function's counts (<c>Matched</c>, <c>Deleted</c>, ... or <c>FinishedDeletes</c>, <c>ScannedBlobs</c>, ...), as answered.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Counts { get; init; } = [];
}

public sealed record ListFunctionRunsResponse : VodResponse
{
    /// <summary>Newest first.</summary>
    public IReadOnlyList<FunctionRun> Runs { get; init; } = [];
}

/// <summary>A blob under <c>videos/</c>, <c>images/</c> or <c>attached/</c> that no record owns.</summary>
public sealed record OrphanBlob
{
    public string Path { get; init; } = "";
    public long Size { get; init; }
    public string Location { get; init; } = "";
    public DateTimeOffset FirstSeen { get; init; }
    public DateTimeOffset LastSeen { get; init; }
}

/// <summary>A file a record names that is gone from storage.</summary>
public sealed record MissingFile
{
    public string MediaId { get; init; } = "";
    public string MediaType { get; init; } = "";
    public string Path { get; init; } = "";
    public string? VideoId { get; init; }
    public string AppId { get; init; } = "";
    public DateTimeOffset FirstSeen { get; init; }
}

public sealed record GetReconcileReportResponse : VodResponse
{
    /// <summary>At most 1000; <see cref="TotalOrphanBlobs"/> counts them all.</summary>
    public IReadOnlyList<OrphanBlob> OrphanBlobs { get; init; } = [];

    public int TotalOrphanBlobs { get; init; }

    /// <summary>At most 1000; <see cref="TotalMissingFiles"/> counts them all.</summary>
    public IReadOnlyList<MissingFile> MissingFiles { get; init; } = [];

    public int TotalMissingFiles { get; init; }

    /// <summary>Interrupted deletes the last run finished.</summary>
    public int FinishedDeletes { get; init; }

    /// <summary>The last ReconcileStorage run that ended; null before the first has ended.</summary>
    public FunctionRun? LastRun { get; init; }

    /// <summary>The run under way (<c>RunId</c>, <c>Trigger</c>, <c>IsPastDue</c>, <c>StartTime</c>), when one is; the report is still the last ended run's.</summary>
    public FunctionRun? RunInProgress { get; init; }
}

public sealed record HealthResponse : VodResponse
{
    /// <summary><c>Healthy</c> or <c>Unhealthy</c>.</summary>
    public string Status { get; init; } = "";

    public bool IsHealthy => Status == "Healthy";
}

/// <summary>An image's bytes, as <c>GetThumbnail</c> answers them.</summary>
public sealed record Thumbnail
{
    /// <summary>An image type such as <c>image/jpeg</c>.</summary>
    public string ContentType { get; init; } = "";

    public byte[] Content { get; init; } = [];
}
