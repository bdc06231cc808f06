namespace VodFunctions.Client;

// The figures of the console's Overview: what deletes freed, by trigger and over time, and what is waiting now.

public sealed record GetDeletionStatisticsRequest
{
    /// <summary>Only this application's figures.</summary>
    public string? AppId { get; init; }

    /// <summary><c>P1D</c> (the last 24 hours, by the hour; the default) or <c>P30D</c> (the last 30 days, by the day).</summary>
    public string? Period { get; init; }

    /// <summary>With <see cref="EndTime"/>, instead of <see cref="Period"/>: at most 31 days.</summary>
    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }
}

/// <summary>Deletes of one trigger: how many succeeded, the files and bytes they removed, how many failed.</summary>
public sealed record DeleteFigures
{
    public int Deletes { get; init; }
    public long DeletedFiles { get; init; }
    public long DeletedBytes { get; init; }
    public int Failures { get; init; }
}

/// <summary>Deletes by trigger: a key's call, a media policy, ReconcileStorage, the recycle bin's purge, and all of them.</summary>
public sealed record TriggerFigures
{
    public DeleteFigures Api { get; init; } = new();
    public DeleteFigures Policy { get; init; } = new();
    public DeleteFigures Reconcile { get; init; } = new();
    public DeleteFigures Bin { get; init; } = new();
    public DeleteFigures All { get; init; } = new();
}

/// <summary>One of the slowest deletes: when it began, what it was, and how long it took from its journal to its end.</summary>
public sealed record SlowDelete(DateTimeOffset Time, string Operation, string Trigger, string MediaId, int Files, long DurationMs);

/// <summary>The deletes of one hour or day from <see cref="StartTime"/>.</summary>
public sealed record StatsBucket
{
    public DateTimeOffset StartTime { get; init; }
    public TriggerFigures Deletes { get; init; } = new();
}

/// <summary>One policy's runs in the period.</summary>
public sealed record PolicyFigures
{
    public string PolicyId { get; init; } = "";
    public string? Name { get; init; }
    public int Runs { get; init; }
    public int Matched { get; init; }
    public int Deleted { get; init; }
    public int Skipped { get; init; }
    public int Failed { get; init; }
    public long DeletedBytes { get; init; }
}

/// <summary>Deletes not finished, now.</summary>
public sealed record DeleteBacklog
{
    /// <summary>Begun, with their owner gone: ReconcileStorage finishes them.</summary>
    public int InterruptedDeletes { get; init; }

    public int DeletesInProgress { get; init; }

    /// <summary>Finished deletes whose event waits to be sent again.</summary>
    public int EventsPending { get; init; }

    public DateTimeOffset? OldestInterrupted { get; init; }
}

public sealed record QueueFigures
{
    /// <summary>Messages waiting (approximate).</summary>
    public int Depth { get; init; }

    /// <summary>Messages kept in its poison queue.</summary>
    public int Poison { get; init; }
}

public sealed record BinFigures
{
    public int Entries { get; init; }
    public long Files { get; init; }
    public long Bytes { get; init; }
}

public sealed record GetDeletionStatisticsResponse : VodResponse
{
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }

    /// <summary><c>PT1H</c> or <c>P1D</c>: the length of each of <see cref="Series"/>' buckets.</summary>
    public string Interval { get; init; } = "";

    public TriggerFigures Deletes { get; init; } = new();
    public IReadOnlyList<StatsBucket> Series { get; init; } = [];

    /// <summary>The period's slowest deletes, slowest first (from the audit log).</summary>
    public IReadOnlyList<SlowDelete> Slowest { get; init; } = [];

    public IReadOnlyList<PolicyFigures> Policies { get; init; } = [];
    public DeleteBacklog Backlog { get; init; } = new();

    /// <summary>Null when callbacks are off, or for a key of some applications.</summary>
    public QueueFigures? CallbackQueue { get; init; }

    /// <summary>Null when policy runs do not fan out, or for a key of some applications.</summary>
    public QueueFigures? WorkQueue { get; init; }

    /// <summary>Null when the recycle bin is off and empty.</summary>
    public BinFigures? RecycleBin { get; init; }

    /// <summary>The figures whose scan stopped at the service's cap (they count only part of the period).</summary>
    public IReadOnlyList<string> Capped { get; init; } = [];

    /// <summary>What the figures cannot tell: which scans were capped.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
