namespace VodFunctions.Core.Runs;

public static class RunStatus
{
    public const string Running = "Running";
    public const string Completed = "Completed";
    /// <summary>Stopped at its time budget; the next run continues where it stopped.</summary>
    public const string Interrupted = "Interrupted";
    public const string Failed = "Failed";
    public const string Cancelled = "Cancelled";
}

/// <summary>
/// One run of a timer function: partition = function name, row = newest first (inverted start ticks + RunId).
/// Written when the run starts and again as it progresses and ends.
/// </summary>
public abstract class RunEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string RunId { get; set; } = "";
    /// <summary><c>Schedule</c> (a timer: the Azure Functions host's or the app's own scheduler) or <c>Admin</c> (run on demand).</summary>
    public string Trigger { get; set; } = "";
    public bool IsPastDue { get; set; }
    public DateTimeOffset StartTime { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public string Status { get; set; } = RunStatus.Running;
    public string? Error { get; set; }

    public void Begin(string function, string runId, string trigger, bool isPastDue, DateTimeOffset start)
    {
        PartitionKey = function;
        RowKey = CatalogStore.TimeRow(start, runId);
        RunId = runId;
        Trigger = trigger;
        IsPastDue = isPastDue;
        StartTime = start;
    }
}

/// <summary>Where a long walk stopped, so that the next run continues there (it survives restarts).</summary>
public sealed class CursorEntity : ITableEntity
{
    public const string Partition = "cursor";
    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string State { get; set; } = "{}";
}

/// <summary>The <c>{prefix}Runs</c> table: run records of the timer functions and their continuation points.</summary>
public sealed class RunStore(TableServiceClient tables, IOptions<VodOptions> options)
{
    private readonly TableClient _table = tables.GetTableClient(options.Value.TablePrefix + "Runs");

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => await _table.CreateIfNotExistsAsync(cancellationToken);

    public async Task SaveAsync(RunEntity run, CancellationToken cancellationToken = default) =>
        await _table.UpsertEntityAsync(run, TableUpdateMode.Replace, cancellationToken);

    /// <summary>The latest <paramref name="max"/> runs of a function, newest first.</summary>
    public async Task<IReadOnlyList<T>> LatestAsync<T>(string function, int max, CancellationToken cancellationToken = default)
        where T : class, ITableEntity, new()
    {
        var runs = new List<T>();
        await foreach (var page in _table.QueryAsync<T>(TableClient.CreateQueryFilter($"PartitionKey eq {function}"), max, cancellationToken: cancellationToken).AsPages())
        {
            runs.AddRange(page.Values.Take(max - runs.Count));
            if (runs.Count >= max) break;
        }
        return runs;
    }

    /// <summary>The <see cref="RunEntity.Error"/> of a run that <see cref="EndStoppedAsync"/> ended.</summary>
    public const string StoppedError = "The run stopped before it ended (its process stopped); the next run went on from its last saved position.";

    /// <summary>
    /// Ends the runs of <paramref name="function"/> still recorded as running, for a caller that holds the function's lock
    /// (no other run of it can be under way): their process stopped before it wrote their end. Each is recorded as
    /// failed, ended at its last write; its counts stay. A row written again meanwhile is left as it is. Answers how many.
    /// </summary>
    public async Task<int> EndStoppedAsync(string function, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var ended = 0;
        foreach (var run in await LatestAsync<TableEntity>(function, 20, cancellationToken))
        {
            if (run.GetString(nameof(RunEntity.Status)) != RunStatus.Running) continue;
            var end = new TableEntity(run.PartitionKey, run.RowKey)
            {
                [nameof(RunEntity.Status)] = RunStatus.Failed,
                [nameof(RunEntity.EndTime)] = run.Timestamp ?? now,
                [nameof(RunEntity.Error)] = StoppedError,
            };
            try
            {
                await _table.UpdateEntityAsync(end, run.ETag, TableUpdateMode.Merge, cancellationToken);
                ended++;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Written again since it was read: its run is alive after all.
            }
        }
        return ended;
    }

    /// <summary>The saved continuation point; null when there is none, or it has a shape this version does not read (the walk starts afresh).</summary>
    public async Task<T?> GetCursorAsync<T>(string function, CancellationToken cancellationToken = default) where T : class
    {
        var found = await _table.GetEntityIfExistsAsync<CursorEntity>(CursorEntity.Partition, function, cancellationToken: cancellationToken);
        try
        {
            return found.HasValue ? JsonSerializer.Deserialize<T>(found.Value!.State) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Saves the continuation point; null clears it (the next run starts from the beginning).</summary>
    public async Task SetCursorAsync<T>(string function, T? state, CancellationToken cancellationToken = default) where T : class
    {
        if (state is null)
            await _table.DeleteEntityAsync(CursorEntity.Partition, function, ETag.All, cancellationToken);
        else
            await _table.UpsertEntityAsync(new CursorEntity { RowKey = function, State = JsonSerializer.Serialize(state) }, TableUpdateMode.Replace, cancellationToken);
    }
}
