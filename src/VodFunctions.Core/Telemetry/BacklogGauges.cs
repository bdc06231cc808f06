using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Storage.Queues;
using VodFunctions.Core.Policies;

namespace VodFunctions.Core.Telemetry;

/// <summary>
/// The backlog figures, as observable gauges: interrupted deletes waiting to be finished and events waiting to be resent
/// (the journal's index entries with no live owner), the work queues' depths, and the recycle bin's entries. They come from
/// storage, so a collection never waits for it: it reports the last figures read, and asks for new ones at most every
/// <see cref="RefreshAfter"/>, in the background. Made only when telemetry is on (the app registers it with its exporters).
/// </summary>
public sealed class BacklogGauges : IDisposable
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);

    /// <summary>Journal entries looked at per refresh: the unfinished deletes, normally few.</summary>
    private const int MaxEntries = 1000;

    // One set of instruments for the process; each app instance in it (one in production) reports its own figures.
    private static readonly ConcurrentDictionary<BacklogGauges, bool> Instances = new();

    static BacklogGauges()
    {
        VodTelemetry.Meter.CreateObservableGauge("vod.interrupted_deletes", () => Observe(g => Interlocked.Read(ref g._interrupted)), "{delete}",
            "Journalled deletes with no live owner, waiting for a retry or ReconcileStorage to finish them");
        VodTelemetry.Meter.CreateObservableGauge("vod.events.pending", () => Observe(g => Interlocked.Read(ref g._pendingEvents)), "{event}",
            "Events of finished deletes the queue refused, waiting for ReconcileStorage to send them");
        VodTelemetry.Meter.CreateObservableGauge("vod.recycle_bin.entries", () => Observe(g => Interlocked.Read(ref g._binEntries)), "{entry}",
            "Entries in the recycle bin");
        VodTelemetry.Meter.CreateObservableGauge("vod.work_queue.depth", ObserveQueues, "{message}",
            "Messages waiting in the policy work queue and the callbacks queue (approximate, as storage counts them)");
    }

    private readonly JournalStore _journals;
    private readonly PolicyWorkStore _work;
    private readonly Callbacks _callbacks;
    private readonly TableClient _index;
    private readonly TimeProvider _time;
    private readonly ILogger<BacklogGauges> _logger;
    private long _interrupted, _pendingEvents, _binEntries, _policyQueue, _callbackQueue;
    private long _refreshedAt = long.MinValue;
    private int _refreshing;

    public BacklogGauges(JournalStore journals, PolicyWorkStore work, Callbacks callbacks, TableServiceClient tables, IOptions<VodOptions> options,
        TimeProvider time, ILogger<BacklogGauges> logger)
    {
        (_journals, _work, _callbacks, _time, _logger) = (journals, work, callbacks, time, logger);
        _index = CatalogStore.IndexTable(tables, options.Value);
        Instances[this] = true;
    }

    private static IEnumerable<Measurement<long>> Observe(Func<BacklogGauges, long> figure)
    {
        foreach (var gauges in Instances.Keys)
        {
            gauges.RefreshIfDue();
            yield return new Measurement<long>(figure(gauges));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveQueues()
    {
        foreach (var gauges in Instances.Keys)
        {
            gauges.RefreshIfDue();
            if (gauges._work.FansOut) yield return new(Interlocked.Read(ref gauges._policyQueue), new KeyValuePair<string, object?>(VodTelemetry.Queue, "policy-work"));
            if (gauges._callbacks.Enabled) yield return new(Interlocked.Read(ref gauges._callbackQueue), new KeyValuePair<string, object?>(VodTelemetry.Queue, "callbacks"));
        }
    }

    /// <summary>Starts reading the figures afresh when the last read is older than <see cref="RefreshAfter"/> and none is under way.</summary>
    private void RefreshIfDue()
    {
        var now = _time.GetTimestamp();
        if (Interlocked.Read(ref _refreshedAt) != long.MinValue && _time.GetElapsedTime(Interlocked.Read(ref _refreshedAt), now) < RefreshAfter) return;
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        Interlocked.Exchange(ref _refreshedAt, now);
        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Could not read the backlog figures for the telemetry gauges; the last ones stay");
            }
            finally
            {
                Interlocked.Exchange(ref _refreshing, 0);
            }
        });
    }

    /// <summary>Reads every figure from storage now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var (interrupted, pending) = (0L, 0L);
        var now = _time.GetUtcNow();
        await foreach (var entry in _journals.EntriesAsync(cancellationToken).Take(MaxEntries).WithCancellation(cancellationToken))
        {
            if (JournalStore.HasOwner(entry, now)) continue;
            if (await _journals.JournalOfAsync(entry, cancellationToken) is not null) interrupted++;
            else if (await _journals.PendingEventOfAsync(entry, cancellationToken) is not null) pending++;
        }
        Interlocked.Exchange(ref _interrupted, interrupted);
        Interlocked.Exchange(ref _pendingEvents, pending);
        Interlocked.Exchange(ref _binEntries, await _index.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {RecycleBin.BinIndex.ListKey(CatalogStore.Everyone)}"), select: ["RowKey"], cancellationToken: cancellationToken)
            .CountAsync(cancellationToken));
        if (_work.FansOut) Interlocked.Exchange(ref _policyQueue, await DepthAsync(_work.Queue, cancellationToken));
        if (_callbacks.Enabled) Interlocked.Exchange(ref _callbackQueue, await DepthAsync(_callbacks.Queue, cancellationToken));
    }

    private static async Task<long> DepthAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        var properties = await queue.GetPropertiesAsync(cancellationToken);
        return properties.Value.ApproximateMessagesCount;
    }

    public void Dispose() => Instances.TryRemove(this, out _);
}
