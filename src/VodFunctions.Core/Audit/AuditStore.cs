using VodFunctions.Core.Policies;

namespace VodFunctions.Core.Audit;

/// <summary>Settings of the audit log (<c>Vod__Audit__...</c>).</summary>
public sealed class AuditOptions : RunOptions
{
    public const string Section = "Vod:Audit";

    /// <summary>How long records are kept: an ISO-8601 duration, default <c>P400D</c>; <c>PurgeAuditLog</c> removes older days.</summary>
    public string Retention { get; set; } = "P400D";

    public IsoDuration Parsed => IsoDuration.TryParse(Retention, out var duration) ? duration : throw new InvalidOperationException($"Vod__Audit__Retention '{Retention}' is not an ISO-8601 duration.");

    /// <summary>Refuses a retention that is not a duration, at start.</summary>
    public sealed class Validator : IValidateOptions<AuditOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuditOptions options) => IsoDuration.TryParse(options.Retention, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Vod__Audit__Retention '{options.Retention}' is not an ISO-8601 duration such as P400D.");
    }
}

/// <summary>What <see cref="AuditStore.ListAsync"/> lists: records of a time range, of one media, application or key, within a caller's applications.</summary>
public sealed record AuditQuery(DateTimeOffset Start, DateTimeOffset End, AppScope Scope)
{
    public string? MediaId { get; init; }
    public string? AppId { get; init; }
    public string? KeyName { get; init; }
}

/// <summary>
/// The audit log, append-only, in the <c>{prefix}Audit</c> table. One partition per UTC day (<see cref="DayKey"/>: the day number
/// inverted, so newer days sort first), rows newest first within it (<c>{inverted ticks}|{RecordId}</c>), so one range query lists any
/// time range newest first across days, and retention drops whole old partitions. Each record has a twin row in its day,
/// <c>m|{MediaId}|{inverted ticks}|{RecordId}</c>, written in the same transaction, so a MediaId's records are a key range of each
/// day rather than a scan. AppId and KeyName are filters within the time range. A row key comes from the record alone (a journalled
/// delete's from its start time and OperationId), so a record written twice (a retry, the reconcile sweep) stays one.
/// </summary>
public sealed class AuditStore(TableServiceClient tables, IOptions<VodOptions> options, ILogger<AuditStore> logger)
{
    /// <summary>Azure Tables allow at most 15 comparisons in a filter: applications beyond this are asked for one AppId at a time.</summary>
    public const int MaxScopeApps = 8;

    private const string MediaRowPrefix = "m|";
    private readonly TableClient _table = tables.GetTableClient(options.Value.TablePrefix + "Audit");

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => await _table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>The partition of a UTC day: newer days sort first.</summary>
    public static string DayKey(DateTimeOffset time) => (DateOnly.MaxValue.DayNumber - DateOnly.FromDateTime(time.UtcDateTime).DayNumber).ToString("D7");

    private static string TimeRow(AuditRecord record) => CatalogStore.TimeRow(record.At(), record.RecordId);

    /// <summary>
    /// Appends records: each with its MediaId twin, a day's records in transactions of up to 50. A record already there (the same
    /// RecordId at the same time) is kept as it is: nothing is ever overwritten.
    /// </summary>
    public async Task AppendAsync(IEnumerable<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        foreach (var day in records.GroupBy(r => DayKey(r.At())))
        {
            foreach (var chunk in day.DistinctBy(r => r.RecordId).Chunk(CatalogStore.MaxTransactionActions / 2))
            {
                try
                {
                    await _table.SubmitTransactionAsync(chunk.SelectMany(Actions), cancellationToken);
                }
                catch (TableTransactionFailedException e) when (e.Status == 409 && chunk.Length > 1)
                {
                    foreach (var record in chunk) await AppendOneAsync(record, cancellationToken);
                }
                catch (TableTransactionFailedException e) when (e.Status == 409)
                {
                    // Written already, by whoever finished the same delete.
                }
            }
        }
        logger.LogDebug("Audit records appended");
    }

    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default) => AppendAsync([record], cancellationToken);

    private async Task AppendOneAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(Actions(record), cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
        }
    }

    private static IEnumerable<TableTransactionAction> Actions(AuditRecord record)
    {
        var entity = AuditEntity.Of(record, DayKey(record.At()), TimeRow(record));
        yield return new(TableTransactionActionType.Add, entity);
        if (IndexedId(record.MediaId))
            yield return new(TableTransactionActionType.Add, AuditEntity.Of(record, entity.PartitionKey, MediaRowPrefix + record.MediaId + "|" + entity.RowKey));
    }

    /// <summary>Only IDs that can be part of a row key get a twin (the service's IDs always can).</summary>
    private static bool IndexedId(string id) => id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>
    /// One page of records, newest first. The page token is the storage's continuation; a page may hold fewer than
    /// <paramref name="pageSize"/> records (the filters are applied as storage reads) and still have a next one.
    /// </summary>
    public async Task<Result<(IReadOnlyList<AuditRecord> Records, string? NextToken)>> ListAsync(
        AuditQuery query, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var scope = query.Scope;
        if (query.AppId is not null && !scope.CanAccess(query.AppId)) return VodError.Forbidden();
        if (query.AppId is null && !scope.IsAll && scope.AppIds.Count == 0) return ((IReadOnlyList<AuditRecord>)[], null);
        if (query.AppId is null && !scope.IsAll && scope.AppIds.Count > MaxScopeApps)
            return VodError.InvalidParameter($"A key of more than {MaxScopeApps} applications lists the deletions of one AppId at a time.");
        if (query.MediaId is not null && !IndexedId(query.MediaId)) return ((IReadOnlyList<AuditRecord>)[], null);

        // Partitions from the end's day to the start's; rows from the end's ticks to the start's (inverted: newest first).
        var first = CatalogStore.TimeRow(query.End, "");
        var last = CatalogStore.TimeRow(query.Start, "~");
        var rows = query.MediaId is null ? (From: first, To: last) : (From: MediaRowPrefix + query.MediaId + "|" + first, To: MediaRowPrefix + query.MediaId + "|" + last);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {DayKey(query.End)} and PartitionKey le {DayKey(query.Start)} and RowKey ge {rows.From} and RowKey le {rows.To}");
        if (query.AppId is not null) filter += " and " + TableClient.CreateQueryFilter($"AppId eq {query.AppId}");
        else if (!scope.IsAll) filter += " and (" + string.Join(" or ", scope.AppIds.Select(a => TableClient.CreateQueryFilter($"AppId eq {a}"))) + ")";
        if (query.KeyName is not null) filter += " and " + TableClient.CreateQueryFilter($"KeyName eq {query.KeyName}");
        Page<AuditEntity>? page;
        try
        {
            page = await _table.QueryAsync<AuditEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(pageToken, pageSize).FirstOrDefaultAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 400 && pageToken is not null)
        {
            return VodError.InvalidParameter("PageToken does not belong to this listing.");
        }
        if (page is null) return ((IReadOnlyList<AuditRecord>)[], null);
        return (page.Values.Select(e => e.ToRecord()).ToList(), page.ContinuationToken is { Length: > 0 } next ? next : null);
    }

    /// <summary>
    /// Removes the days that ended before <paramref name="cutoff"/>, whole partitions oldest first, in transactions of 100 rows;
    /// stops when <paramref name="stop"/> says so (the next run goes on). Answers the records (not their twins) removed.
    /// </summary>
    public async Task<int> PurgeAsync(DateTimeOffset cutoff, Func<int, bool> stop, CancellationToken cancellationToken = default)
    {
        // The cutoff's own day is kept whole: a record is removed only once its whole day is older than the retention.
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {DayKey(cutoff)}");
        var removed = 0;
        var steps = 0;
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, 1000, ["PartitionKey", "RowKey"], cancellationToken).AsPages())
        {
            foreach (var batch in page.Values.GroupBy(r => r.PartitionKey).SelectMany(day => day.Chunk(CatalogStore.MaxTransactionActions)))
            {
                if (stop(steps++)) return removed;
                try
                {
                    await _table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
                }
                catch (TableTransactionFailedException e) when (e.Status == 404)
                {
                    // Another run removed some of them: one at a time.
                    foreach (var row in batch) await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                }
                removed += batch.Count(r => !r.RowKey.StartsWith(MediaRowPrefix, StringComparison.Ordinal));
            }
        }
        return removed;
    }
}

/// <summary>An audit record as a table row (lists as JSON).</summary>
public sealed class AuditEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string RecordId { get; set; } = "";
    public DateTimeOffset Time { get; set; }
    public string Operation { get; set; } = "";
    public string Trigger { get; set; } = "";
    public string? KeyName { get; set; }
    public string? PolicyId { get; set; }
    public string? PolicyName { get; set; }
    public string? FinishedBy { get; set; }
    public string AppId { get; set; } = "";
    public string MediaType { get; set; } = "";
    public string MediaId { get; set; } = "";
    public string? DeleteType { get; set; }
    public string? JobIds { get; set; }
    public string? ImageIds { get; set; }
    public string? EntryId { get; set; }
    public bool DryRun { get; set; }
    public string Outcome { get; set; } = "";
    public string? ErrorCode { get; set; }
    public int Files { get; set; }
    public long Bytes { get; set; }
    public string RequestId { get; set; } = "";
    public string? OperationId { get; set; }
    public long? DurationMs { get; set; }

    public static AuditEntity Of(AuditRecord r, string partition, string row) => new()
    {
        PartitionKey = partition, RowKey = row, RecordId = r.RecordId, Time = r.At(), Operation = r.Operation, Trigger = r.Trigger,
        KeyName = r.KeyName, PolicyId = r.PolicyId, PolicyName = r.PolicyName, FinishedBy = r.FinishedBy, AppId = r.AppId,
        MediaType = r.MediaType, MediaId = r.MediaId, DeleteType = r.DeleteType,
        JobIds = r.JobIds is null ? null : JournalEntity.Checked(JsonSerializer.Serialize(r.JobIds)),
        ImageIds = r.ImageIds is null ? null : JournalEntity.Checked(JsonSerializer.Serialize(r.ImageIds)),
        EntryId = r.EntryId, DryRun = r.DryRun, Outcome = r.Outcome, ErrorCode = r.ErrorCode, Files = r.Files, Bytes = r.Bytes,
        RequestId = r.RequestId, OperationId = r.OperationId, DurationMs = r.DurationMs,
    };

    public AuditRecord ToRecord() => new()
    {
        RecordId = RecordId, Time = AuditRecord.TimeOf(Time), Operation = Operation, Trigger = Trigger, KeyName = KeyName, PolicyId = PolicyId, PolicyName = PolicyName,
        FinishedBy = FinishedBy, AppId = AppId, MediaType = MediaType, MediaId = MediaId, DeleteType = DeleteType,
        JobIds = JobIds is null ? null : JsonSerializer.Deserialize<List<string>>(JobIds),
        ImageIds = ImageIds is null ? null : JsonSerializer.Deserialize<List<string>>(ImageIds),
        EntryId = EntryId, DryRun = DryRun, Outcome = Outcome, ErrorCode = ErrorCode, Files = Files, Bytes = Bytes,
        RequestId = RequestId, OperationId = OperationId, DurationMs = DurationMs,
    };
}
