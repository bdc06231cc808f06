using Azure.Storage.Queues;

namespace VodFunctions.Core.Policies;

/// <summary>
/// A message of the policy work queue (<c>Vod__Policies__Queue</c>): a small batch of one run's assets of one policy, to be
/// deleted by whichever instance takes it. <see cref="ReservedAt"/> is when the run took them from the policy's daily limit.
/// </summary>
public sealed record PolicyWorkMessage(string RunId, string Batch, string PolicyId, DateTimeOffset ReservedAt)
{
    public override string ToString() => JsonSerializer.Serialize(this);

    /// <summary>The message, or null when it is not one.</summary>
    public static PolicyWorkMessage? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<PolicyWorkMessage>(text) is { RunId.Length: > 0, Batch.Length: > 0, PolicyId.Length: > 0 } message ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The states of a batch's assets, one character each.</summary>
public static class WorkState
{
    public const char Enqueued = 'E';
    /// <summary>A worker is deleting it (or was, and stopped): a later delivery finishes it and counts what it finds.</summary>
    public const char Deleting = 'D';
    public const char Deleted = 'X';
    public const char Skipped = 'S';
    public const char Failed = 'F';

    public static bool IsSettled(char state) => state is Deleted or Skipped or Failed;
}

/// <summary>
/// A batch of a run's queued assets and what became of each: partition <c>work|{RunId}</c> of the runs table, row = the
/// batch's number. Each asset moves from <see cref="WorkState.Enqueued"/> to a settled state exactly once, under the row's
/// ETag, and its count moves with it: a message delivered twice deletes and counts once.
/// </summary>
public sealed class WorkBatchEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PolicyId { get; set; } = "";
    /// <summary>The assets' VideoIds, as a JSON array.</summary>
    public string VideoIds { get; set; } = "[]";
    /// <summary>One <see cref="WorkState"/> per asset, in the order of <see cref="VideoIds"/>.</summary>
    public string States { get; set; } = "";
    public int Deleted { get; set; }
    public int Skipped { get; set; }
    public int Failed { get; set; }
    public long DeletedBytes { get; set; }

    public static string PartitionOf(string runId) => "work|" + runId;

    public IReadOnlyList<string> Videos() => JsonSerializer.Deserialize<List<string>>(VideoIds) ?? [];
}

/// <summary>What a run's queued work came to so far, added up over its batches (every instance's work).</summary>
public sealed record WorkTally(int Enqueued, int Deleted, int Skipped, int Failed, long DeletedBytes, DateTimeOffset? LastChange)
{
    public int Remaining => Enqueued - Deleted - Skipped - Failed;
}

/// <summary>One asset's end: its state and, when deleted, the bytes removed.</summary>
public readonly record struct WorkOutcome(char State, long Bytes);

/// <summary>The policy work queue and its batches (in the runs table).</summary>
public sealed class PolicyWorkStore(TableServiceClient tables, QueueServiceClient queues, IOptions<VodOptions> vod, IOptions<PolicyOptions> options)
{
    private readonly TableClient _table = tables.GetTableClient(vod.Value.TablePrefix + "Runs");

    /// <summary>Whether runs fan their deletes out over the queue (a queue is set).</summary>
    public bool FansOut => !string.IsNullOrEmpty(options.Value.Queue);

    public QueueClient Queue => queues.GetQueueClient(options.Value.Queue);

    /// <summary>Where the messages that kept failing go (the name the Functions host gives a queue's poison queue).</summary>
    public QueueClient PoisonQueue => queues.GetQueueClient(options.Value.Queue + "-poison");

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (FansOut) await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Stores the batch, then queues its message: every message has its batch.</summary>
    public async Task EnqueueAsync(string runId, int batch, string policyId, IReadOnlyList<string> videoIds, DateTimeOffset reservedAt, CancellationToken cancellationToken)
    {
        var row = batch.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        await _table.UpsertEntityAsync(new WorkBatchEntity
        {
            PartitionKey = WorkBatchEntity.PartitionOf(runId), RowKey = row, PolicyId = policyId,
            VideoIds = JsonSerializer.Serialize(videoIds), States = new string(WorkState.Enqueued, videoIds.Count),
        }, TableUpdateMode.Replace, cancellationToken);
        await Queue.SendMessageAsync(new PolicyWorkMessage(runId, row, policyId, reservedAt).ToString(), cancellationToken: cancellationToken);
    }

    public async Task<WorkBatchEntity?> GetAsync(PolicyWorkMessage message, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<WorkBatchEntity>(WorkBatchEntity.PartitionOf(message.RunId), message.Batch, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Writes the batch under its ETag; false when another delivery wrote it since it was read.</summary>
    public async Task<bool> TryWriteAsync(WorkBatchEntity batch, CancellationToken cancellationToken)
    {
        try
        {
            var written = await _table.UpdateEntityAsync(batch, batch.ETag, TableUpdateMode.Replace, cancellationToken);
            batch.ETag = written.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>The run's work so far, over all its batches; null when it queued none.</summary>
    public async Task<WorkTally?> TallyAsync(string runId, CancellationToken cancellationToken = default)
    {
        string[] columns = ["Timestamp", nameof(WorkBatchEntity.States), nameof(WorkBatchEntity.Deleted), nameof(WorkBatchEntity.Skipped), nameof(WorkBatchEntity.Failed), nameof(WorkBatchEntity.DeletedBytes)];
        WorkTally? tally = null;
        await foreach (var batch in _table.QueryAsync<WorkBatchEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {WorkBatchEntity.PartitionOf(runId)}"), select: columns, cancellationToken: cancellationToken))
        {
            tally ??= new WorkTally(0, 0, 0, 0, 0, null);
            tally = new WorkTally(tally.Enqueued + batch.States.Length, tally.Deleted + batch.Deleted, tally.Skipped + batch.Skipped, tally.Failed + batch.Failed,
                tally.DeletedBytes + batch.DeletedBytes, batch.Timestamp > tally.LastChange || tally.LastChange is null ? batch.Timestamp : tally.LastChange);
        }
        return tally;
    }

    /// <summary>The deletes of a run's queued assets so far, per policy (over all its batches).</summary>
    public async Task<Dictionary<string, PolicyCounts>> TallyByPolicyAsync(string runId, CancellationToken cancellationToken = default)
    {
        string[] columns = [nameof(WorkBatchEntity.PolicyId), nameof(WorkBatchEntity.Deleted), nameof(WorkBatchEntity.Skipped), nameof(WorkBatchEntity.Failed), nameof(WorkBatchEntity.DeletedBytes)];
        var tally = new Dictionary<string, PolicyCounts>();
        await foreach (var batch in _table.QueryAsync<WorkBatchEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {WorkBatchEntity.PartitionOf(runId)}"), select: columns, cancellationToken: cancellationToken))
        {
            var counts = new PolicyCounts(Deleted: batch.Deleted, Skipped: batch.Skipped, Failed: batch.Failed, DeletedBytes: batch.DeletedBytes);
            tally[batch.PolicyId] = tally.TryGetValue(batch.PolicyId, out var sum) ? sum + counts : counts;
        }
        return tally;
    }
}
