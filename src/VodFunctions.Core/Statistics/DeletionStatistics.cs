using Azure.Storage.Queues;
using VodFunctions.Core.Audit;
using VodFunctions.Core.Policies;
using VodFunctions.Core.RecycleBin;

namespace VodFunctions.Core.Statistics;

/// <summary>
/// The period the figures cover: from <see cref="Start"/> to <see cref="End"/>, in buckets of <see cref="Interval"/> (an hour or a
/// day) aligned to UTC.
/// </summary>
public sealed record StatsPeriod(DateTimeOffset Start, DateTimeOffset End, TimeSpan Interval)
{
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    public static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>The longest period asked for by its times.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(31);

    /// <summary>
    /// The last <paramref name="length"/> up to <paramref name="now"/>, in whole buckets: the bucket under way and those before it
    /// (the last 24 hours are the hour under way and the 23 before; the last 30 days, today and the 29 days before).
    /// </summary>
    public static StatsPeriod Last(TimeSpan length, TimeSpan interval, DateTimeOffset now) =>
        new(Floor(now.AddTicks(-1), interval) + interval - length, now, interval);

    /// <summary>From <paramref name="start"/> to <paramref name="end"/>, by the hour up to two days, else by the day.</summary>
    public static StatsPeriod Between(DateTimeOffset start, DateTimeOffset end) =>
        new(start, end, end - start <= TimeSpan.FromDays(2) ? Hour : Day);

    public static DateTimeOffset Floor(DateTimeOffset time, TimeSpan interval) =>
        new(time.UtcTicks - time.UtcTicks % interval.Ticks, TimeSpan.Zero);

    /// <summary>The starts of the buckets, oldest first.</summary>
    public IEnumerable<DateTimeOffset> Buckets()
    {
        for (var bucket = Floor(Start, Interval); bucket < End; bucket += Interval) yield return bucket;
    }

    /// <summary>Whether <paramref name="time"/> is in the period, its end included (what happened at this very moment).</summary>
    public bool Contains(DateTimeOffset time) => time >= Start && time <= End;

    /// <summary>The start of the bucket that counts <paramref name="time"/> (the period's very end counts in its last bucket).</summary>
    public DateTimeOffset BucketOf(DateTimeOffset time) => Floor(time == End ? time.AddTicks(-1) : time, Interval);
}

/// <summary>Deletes of one trigger (or all), as counted from their records: how many, files and bytes removed, how many failed.</summary>
public sealed record DeleteFigures(int Deletes, int DeletedFiles, long DeletedBytes, int Failures)
{
    public static readonly DeleteFigures None = new(0, 0, 0, 0);

    public static DeleteFigures operator +(DeleteFigures a, DeleteFigures b) =>
        new(a.Deletes + b.Deletes, a.DeletedFiles + b.DeletedFiles, a.DeletedBytes + b.DeletedBytes, a.Failures + b.Failures);
}

/// <summary>
/// The figures of each trigger: <c>Api</c> (a key's call), <c>Policy</c> (a media policy's run), <c>Reconcile</c> (ReconcileStorage
/// finishing an interrupted delete), <c>Bin</c> (the recycle bin purged), and <c>All</c> of them.
/// </summary>
public sealed record TriggerFigures(DeleteFigures Api, DeleteFigures Policy, DeleteFigures Reconcile, DeleteFigures Bin)
{
    public static readonly TriggerFigures None = new(DeleteFigures.None, DeleteFigures.None, DeleteFigures.None, DeleteFigures.None);

    public DeleteFigures All => Api + Policy + Reconcile + Bin;

    public static TriggerFigures operator +(TriggerFigures a, TriggerFigures b) =>
        new(a.Api + b.Api, a.Policy + b.Policy, a.Reconcile + b.Reconcile, a.Bin + b.Bin);

    public const string ApiTrigger = "api";
    public const string PolicyTrigger = "policy";
    public const string ReconcileTrigger = "reconcile";
    public const string BinTrigger = "bin";
    public static readonly IReadOnlyList<string> Triggers = [ApiTrigger, PolicyTrigger, ReconcileTrigger, BinTrigger];

    /// <summary>These figures with <paramref name="added"/> added to <paramref name="trigger"/>'s (one of <see cref="Triggers"/>).</summary>
    public TriggerFigures Add(string trigger, DeleteFigures added) => trigger switch
    {
        ApiTrigger => this with { Api = Api + added },
        PolicyTrigger => this with { Policy = Policy + added },
        ReconcileTrigger => this with { Reconcile = Reconcile + added },
        BinTrigger => this with { Bin = Bin + added },
        _ => this,
    };
}

/// <summary>The deletes of one bucket (an hour or a day from <see cref="StartTime"/>), by trigger.</summary>
public sealed record StatsBucket(string StartTime, TriggerFigures Deletes);

/// <summary>One policy's runs in the period: assets matched, deleted, skipped and failed, and the bytes deleted.</summary>
public sealed record PolicyFigures(string PolicyId, string? Name, int Runs, int Matched, int Deleted, int Skipped, int Failed, long DeletedBytes, int Held);

/// <summary>Deletes not finished now: begun and stopped with no owner left, under way, and finished with their event still to send.</summary>
public sealed record DeleteBacklog(int InterruptedDeletes, int DeletesInProgress, int EventsPending, string? OldestInterrupted);

/// <summary>A queue's messages waiting (approximate, as storage counts them) and those kept in its poison queue.</summary>
public sealed record QueueFigures(int Depth, int Poison);

/// <summary>What the recycle bin holds now: entries, and their files and bytes.</summary>
public sealed record BinFigures(int Entries, int Files, long Bytes);

/// <summary>One of the period's slowest deletes: when it began, what it was and how long it took from its journal to its end.</summary>
public sealed record SlowDelete(string Time, string Operation, string Trigger, string MediaId, int Files, long DurationMs);

/// <summary>The deletes of the period, as read from the audit log, its slowest, and whether reading stopped at the cap.</summary>
public sealed record DeleteHistory(TriggerFigures Totals, IReadOnlyList<StatsBucket> Series, IReadOnlyList<SlowDelete> Slowest, bool Capped);

/// <summary>Every figure of <c>GetDeletionStatistics</c>; what the caller may not see (queues, for a key of some applications) is null.</summary>
public sealed record DeletionStats(
    StatsPeriod Period, DeleteHistory Deletes, IReadOnlyList<PolicyFigures> Policies, DeleteBacklog Backlog,
    QueueFigures? CallbackQueue, QueueFigures? WorkQueue, BinFigures? RecycleBin, IReadOnlyList<string> Capped);

/// <summary>
/// The figures an operator opens first, read from what the service already stores, each bounded: the audit log for deletes
/// (time-ordered, only the period's rows), the run records of <c>ApplyMediaPolicies</c> for policies (only the period's runs),
/// the journal's index for the deletes not finished, the queues' approximate counts, the recycle bin's index. No scan reads
/// more than <see cref="Cap"/> rows; a figure whose scan stopped there is named in <see cref="DeletionStats.Capped"/>.
/// </summary>
public sealed class DeletionStatistics(
    PolicyStore policies, PolicyWorkStore work, JournalStore journals, Callbacks callbacks,
    QueueServiceClient queues, TableServiceClient tables, IOptions<VodOptions> vod, IOptions<CallbackOptions> callbackOptions,
    IOptions<RecycleBinOptions> binOptions, TimeProvider time)
{
    /// <summary>The slowest deletes answered.</summary>
    public const int SlowestCount = 5;

    /// <summary>Rows read at most by each scan.</summary>
    public const int Cap = 20_000;

    /// <summary>Journal entries looked at, at most (each costs a read or two).</summary>
    public const int JournalCap = 1000;

    private readonly TableClient _index = CatalogStore.IndexTable(tables, vod.Value);

    /// <summary>The audit log's table (<see cref="AuditStore"/>).</summary>
    private readonly TableClient _audit = tables.GetTableClient(vod.Value.TablePrefix + "Audit");

    public async Task<DeletionStats> GetAsync(AppScope scope, string? appId, StatsPeriod period, CancellationToken cancellationToken = default)
    {
        var deletes = DeletesAsync(scope, appId, period, cancellationToken);
        var policyFigures = PoliciesAsync(scope, appId, period, cancellationToken);
        var backlog = BacklogAsync(scope, appId, cancellationToken);
        var bin = BinAsync(scope, appId, cancellationToken);
        // The queues hold every application's messages: only a key of every application sees them.
        var everyApp = scope.IsAll && appId is null;
        var callbackQueue = everyApp && callbacks.Enabled
            ? QueueAsync(callbackOptions.Value.Queue, callbackOptions.Value.PoisonQueue, cancellationToken) : Task.FromResult<QueueFigures?>(null);
        var workQueue = everyApp && work.FansOut
            ? QueueAsync(work.Queue.Name, work.PoisonQueue.Name, cancellationToken) : Task.FromResult<QueueFigures?>(null);
        await Task.WhenAll(deletes, policyFigures, backlog, bin, callbackQueue, workQueue);
        var capped = new List<string>();
        if (deletes.Result.Capped) capped.Add("Deletes");
        if (policyFigures.Result.Capped) capped.Add("Policies");
        if (backlog.Result.Capped) capped.Add("Backlog");
        if (bin.Result.Capped) capped.Add("RecycleBin");
        return new DeletionStats(period, deletes.Result, policyFigures.Result.Figures, backlog.Result.Backlog, callbackQueue.Result, workQueue.Result,
            bin.Result.Figures, capped);
    }

    /// <summary>
    /// The audit log's records of the period, oldest day last (its rows are newest first, a partition per day, so the period is one
    /// key range; the <c>m|</c> twin rows sort after it). A delete that removed files for good (<c>Deleted</c>, or a bin entry
    /// <c>Purged</c>) counts with its files and bytes under its trigger, a <c>Failed</c> one as a failure; dry runs, refusals
    /// (<c>NotFound</c>, <c>Forbidden</c>, <c>NotRemovable</c>) and moves into and out of the recycle bin (nothing freed) do not count.
    /// </summary>
    private async Task<DeleteHistory> DeletesAsync(AppScope scope, string? appId, StatsPeriod period, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {AuditStore.DayKey(period.End)} and PartitionKey le {AuditStore.DayKey(period.Start)} and RowKey ge {CatalogStore.TimeRow(period.End, "")} and RowKey le {CatalogStore.TimeRow(period.Start, "~")} and DryRun eq false");
        if (appId is not null) filter += " and " + TableClient.CreateQueryFilter($"AppId eq {appId}");
        else if (!scope.IsAll && scope.AppIds.Count <= AuditStore.MaxScopeApps)
            filter += " and (" + string.Join(" or ", scope.AppIds.Select(a => TableClient.CreateQueryFilter($"AppId eq {a}"))) + ")";
        var buckets = period.Buckets().ToDictionary(b => b, _ => TriggerFigures.None);
        var (read, capped) = (0, false);
        var none = appId is null && !scope.IsAll && scope.AppIds.Count == 0;
        string[] columns = [nameof(AuditEntity.Time), nameof(AuditEntity.Trigger), nameof(AuditEntity.Outcome), nameof(AuditEntity.Files), nameof(AuditEntity.Bytes), nameof(AuditEntity.AppId),
            nameof(AuditEntity.DurationMs), nameof(AuditEntity.Operation), nameof(AuditEntity.MediaId)];
        var slowest = new List<SlowDelete>();
        await foreach (var record in none ? AsyncEnumerable.Empty<AuditEntity>() : _audit.QueryAsync<AuditEntity>(filter, 1000, columns, cancellationToken))
        {
            if (++read > Cap)
            {
                capped = true;
                break;
            }
            if (!scope.CanAccess(record.AppId) || !period.Contains(record.Time)) continue;
            DeleteFigures? figures = record.Outcome switch
            {
                AuditOutcomes.Deleted or AuditOutcomes.Purged => new(1, record.Files, record.Bytes, 0),
                AuditOutcomes.Failed => new(0, 0, 0, 1),
                _ => null,
            };
            var bucket = period.BucketOf(record.Time);
            if (figures is not null && buckets.TryGetValue(bucket, out var sum)) buckets[bucket] = sum.Add(record.Trigger, figures);
            if (record.DurationMs is { } ms && (slowest.Count < SlowestCount || ms > slowest[^1].DurationMs))
            {
                slowest.Add(new SlowDelete(AuditRecord.TimeOf(record.Time), record.Operation, record.Trigger, record.MediaId, record.Files, ms));
                slowest = slowest.OrderByDescending(s => s.DurationMs).Take(SlowestCount).ToList();
            }
        }
        var series = buckets.OrderBy(b => b.Key).Select(b => new StatsBucket(Times.Format(b.Key), b.Value)).ToList();
        return new DeleteHistory(series.Aggregate(TriggerFigures.None, (sum, b) => sum + b.Deletes), series, slowest, capped);
    }

    /// <summary>
    /// The runs of <c>ApplyMediaPolicies</c> that started in the period, newest first (their rows sort so), per policy: the run's own
    /// counts, and for a run that put assets on the work queue, its batches' counts too.
    /// </summary>
    private async Task<(IReadOnlyList<PolicyFigures> Figures, bool Capped)> PoliciesAsync(AppScope scope, string? appId, StatsPeriod period, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {PolicySweep.FunctionName} and RowKey ge {CatalogStore.TimeRow(period.End, "")} and RowKey lt {CatalogStore.TimeRow(period.Start, "~")}");
        var totals = new Dictionary<string, (int Runs, PolicyCounts Counts)>();
        var read = 0;
        var capped = false;
        var table = tables.GetTableClient(vod.Value.TablePrefix + "Runs");
        await foreach (var run in table.QueryAsync<PolicyRunEntity>(filter, cancellationToken: cancellationToken))
        {
            if (++read > Cap)
            {
                capped = true;
                break;
            }
            var counts = run.PolicyCountsMap();
            if (run.Enqueued > 0)
                foreach (var (policyId, queued) in await work.TallyByPolicyAsync(run.RunId, cancellationToken))
                    counts[policyId] = counts.TryGetValue(policyId, out var own) ? own + queued : queued;
            foreach (var (policyId, added) in counts)
                totals[policyId] = totals.TryGetValue(policyId, out var sum) ? (sum.Runs + 1, sum.Counts + added) : (1, added);
        }
        var known = (await policies.ListAsync(cancellationToken)).ToDictionary(p => p.PolicyId);
        // A policy of every application (no AppId) is shown only to a key of every application; one of an application, to its keys.
        bool Visible(string policyId) => known.GetValueOrDefault(policyId)?.AppId is { } app
            ? scope.CanAccess(app) && (appId is null || app == appId)
            : scope.IsAll && appId is null;
        var figures = totals.Where(t => Visible(t.Key)).OrderByDescending(t => t.Value.Counts.Deleted).ThenBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new PolicyFigures(t.Key, known.GetValueOrDefault(t.Key)?.Name, t.Value.Runs, t.Value.Counts.Matched, t.Value.Counts.Deleted,
                t.Value.Counts.Skipped, t.Value.Counts.Failed, t.Value.Counts.DeletedBytes, t.Value.Counts.Held))
            .ToList();
        return (figures, capped);
    }

    /// <summary>
    /// The journal's index entries (the deletes not ended): one whose owner is alive is in progress; one without is interrupted while its
    /// journal stands, and an event to resend once only its pending event is left.
    /// </summary>
    private async Task<(DeleteBacklog Backlog, bool Capped)> BacklogAsync(AppScope scope, string? appId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entries = new List<IndexEntity>();
        var capped = false;
        await foreach (var entry in journals.EntriesAsync(cancellationToken))
        {
            if (!scope.CanAccess(entry.AppId) || appId is not null && entry.AppId != appId) continue;
            if (entries.Count == JournalCap)
            {
                capped = true;
                break;
            }
            entries.Add(entry);
        }
        var inProgress = entries.Count(e => JournalStore.HasOwner(e, now));
        var states = await Task.WhenAll(entries.Where(e => !JournalStore.HasOwner(e, now)).Select(async entry =>
            await journals.JournalOfAsync(entry, cancellationToken) is not null ? (entry, 'I')
            : await journals.PendingEventOfAsync(entry, cancellationToken) is not null ? (entry, 'E')
            : (entry, '-')));
        var interrupted = states.Where(s => s.Item2 == 'I').Select(s => s.entry).ToList();
        return (new DeleteBacklog(interrupted.Count, inProgress, states.Count(s => s.Item2 == 'E'),
            interrupted.Count == 0 ? null : Times.Format(interrupted.Min(e => e.CreationTime))), capped);
    }

    /// <summary>The recycle bin's index rows of the caller's applications: entries, files and bytes.</summary>
    private async Task<(BinFigures? Figures, bool Capped)> BinAsync(AppScope scope, string? appId, CancellationToken cancellationToken)
    {
        var app = appId ?? (scope.AppIds.Count == 1 && !scope.IsAll ? scope.AppIds.First() : CatalogStore.Everyone);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {BinIndex.ListKey(app)}");
        var (entries, files, bytes, capped) = (0, 0, 0L, false);
        await foreach (var row in _index.QueryAsync<IndexEntity>(filter, select: ["AppId", "OwnerPartition", "OwnerRow", "Files", "Size"], cancellationToken: cancellationToken))
        {
            if (!scope.CanAccess(row.AppId)) continue;
            if (entries == Cap)
            {
                capped = true;
                break;
            }
            entries++;
            if (row.Size is null && await GetEntryAsync(row, cancellationToken) is { } entry) (row.Files, row.Size) = (entry.Files, entry.Size);
            files += row.Files ?? 0;
            bytes += row.Size ?? 0;
        }
        return (binOptions.Value.Enabled || entries > 0 ? new BinFigures(entries, files, bytes) : null, capped);
    }

    private async Task<BinEntryEntity?> GetEntryAsync(IndexEntity row, CancellationToken cancellationToken)
    {
        var media = CatalogStore.MediaTable(tables, vod.Value);
        var found = await media.GetEntityIfExistsAsync<BinEntryEntity>(row.OwnerPartition, row.OwnerRow, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private async Task<QueueFigures?> QueueAsync(string queue, string poison, CancellationToken cancellationToken) =>
        new(await DepthAsync(queue, cancellationToken), await DepthAsync(poison, cancellationToken));

    /// <summary>A queue's approximate message count; 0 when it does not exist (a poison queue before its first message).</summary>
    private async Task<int> DepthAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await queues.GetQueueClient(queue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }
}
