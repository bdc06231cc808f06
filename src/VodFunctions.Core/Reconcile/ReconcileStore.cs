using System.Security.Cryptography;
using System.Text;

namespace VodFunctions.Core.Reconcile;

/// <summary>A run of <c>ReconcileStorage</c>.</summary>
public sealed class ReconcileRunEntity : RunEntity
{
    public int FinishedDeletes { get; set; }
    public int FailedDeletes { get; set; }
    public int CleanedJournalEntries { get; set; }
    public int ScannedRecords { get; set; }
    public int ScannedBlobs { get; set; }
    /// <summary>Orphan blobs seen for the first time in this run.</summary>
    public int OrphanBlobs { get; set; }
    public int DeletedOrphans { get; set; }
    /// <summary>Missing files seen in this run.</summary>
    public int MissingFiles { get; set; }
    public bool PassCompleted { get; set; }
    /// <summary>Assets of policy work messages that kept failing (from the policy work queue's poison queue), settled as failed in this run.</summary>
    public int FailedPolicyDeletes { get; set; }

    public void Count(Recovery recovery)
    {
        if (recovery == Recovery.Finished) FinishedDeletes++;
        else if (recovery == Recovery.Failed) FailedDeletes++;
        else CleanedJournalEntries++;
    }
}

/// <summary>A blob that no record owns: partition <c>orphan</c>, row = hash of location and path.</summary>
public sealed class OrphanEntity : ITableEntity
{
    public const string Partition = "orphan";
    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Location { get; set; } = "";
    public string Path { get; set; } = "";
    public long Size { get; set; }
    /// <summary>The blob's ETag when first seen: a blob written again since is a new sighting.</summary>
    public string BlobETag { get; set; } = "";
    public DateTimeOffset BlobLastModified { get; set; }
    public DateTimeOffset FirstSeen { get; set; }
    public string FirstRunId { get; set; } = "";
    public DateTimeOffset LastSeen { get; set; }
}

/// <summary>A file a record names that is gone from storage: partition <c>missing</c>, row = owner ID and hash of the path.</summary>
public sealed class MissingEntity : ITableEntity
{
    public const string Partition = "missing";
    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string MediaId { get; set; } = "";
    /// <summary><c>video</c> (its mezzanine), <c>stream</c>, <c>image</c> or <c>attached</c>.</summary>
    public string MediaType { get; set; } = "";
    /// <summary>The video a stream or snapshot belongs to; empty otherwise.</summary>
    public string VideoId { get; set; } = "";
    public string AppId { get; set; } = "";
    public string Path { get; set; } = "";
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
}

/// <summary>
/// A message of the policy work queue that kept failing, as <c>ReconcileStorage</c> took it from the poison queue: partition
/// <c>policyfailed</c>, row = RunId and batch; the VideoIds it could not delete (reported, never retried by itself).
/// </summary>
public sealed class FailedPolicyWorkEntity : ITableEntity
{
    public const string Partition = "policyfailed";
    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string RunId { get; set; } = "";
    public string PolicyId { get; set; } = "";
    public string VideoIds { get; set; } = "[]";
    public DateTimeOffset Seen { get; set; }
}

public sealed record FailedPolicyDelete(string RunId, string PolicyId, IReadOnlyList<string> VideoIds, string Seen);

public sealed record OrphanBlob(string Path, long Size, string FirstSeen, string Location, string LastSeen);

public sealed record MissingFile(string MediaId, string MediaType, string Path, string? VideoId, string AppId, string FirstSeen);

/// <param name="LastRun">The last run that ended.</param>
/// <param name="RunInProgress">The run under way, if one is (its record has no end yet).</param>
public sealed record ReconcileReport(
    IReadOnlyList<OrphanBlob> OrphanBlobs, int TotalOrphanBlobs, IReadOnlyList<MissingFile> MissingFiles, int TotalMissingFiles,
    int FinishedDeletes, ReconcileRunEntity? LastRun, ReconcileRunEntity? RunInProgress)
{
    public IReadOnlyList<FailedPolicyDelete> FailedPolicyDeletes { get; init; } = [];
}

/// <summary>The <c>{prefix}Reconcile</c> table: what the reconcile walk found (orphan blobs, missing files), and its report.</summary>
public sealed class ReconcileStore(TableServiceClient tables, RunStore runs, IOptions<VodOptions> options)
{
    private readonly TableClient _table = tables.GetTableClient(options.Value.TablePrefix + "Reconcile");

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => await _table.CreateIfNotExistsAsync(cancellationToken);

    public static string OrphanRow(string location, string path) => Hash(location + "|" + path);

    public static string MissingRow(string mediaId, string path) => mediaId + "|" + Hash(path)[..16];

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public async Task<OrphanEntity?> GetOrphanAsync(string location, string path, CancellationToken cancellationToken = default)
    {
        var found = await _table.GetEntityIfExistsAsync<OrphanEntity>(OrphanEntity.Partition, OrphanRow(location, path), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task SaveAsync(ITableEntity entity, CancellationToken cancellationToken = default) =>
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);

    public async Task DeleteAsync(ITableEntity entity, CancellationToken cancellationToken = default) =>
        await _table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);

    /// <summary>Records a missing file, keeping when it was first seen.</summary>
    public async Task ReportMissingAsync(MissingEntity missing, CancellationToken cancellationToken = default)
    {
        missing.RowKey = MissingRow(missing.MediaId, missing.Path);
        try
        {
            await _table.AddEntityAsync(missing, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var seen = new TableEntity(MissingEntity.Partition, missing.RowKey) { [nameof(MissingEntity.LastSeen)] = missing.LastSeen };
            await _table.UpdateEntityAsync(seen, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
    }

    /// <summary>What the walk found, within the caller's applications (orphan blobs belong to none: only for callers of every application).</summary>
    public async Task<ReconcileReport> ReportAsync(AppScope scope, int maxItems, CancellationToken cancellationToken = default)
    {
        var orphans = new List<OrphanBlob>();
        var orphanCount = 0;
        if (scope.IsAll)
        {
            await foreach (var orphan in _table.QueryAsync<OrphanEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {OrphanEntity.Partition}"), cancellationToken: cancellationToken))
            {
                if (orphanCount++ < maxItems)
                    orphans.Add(new OrphanBlob(orphan.Path, orphan.Size, Times.Format(orphan.FirstSeen), orphan.Location, Times.Format(orphan.LastSeen)));
            }
        }
        var missing = new List<MissingFile>();
        var missingCount = 0;
        await foreach (var file in _table.QueryAsync<MissingEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MissingEntity.Partition}"), cancellationToken: cancellationToken))
        {
            if (!scope.CanAccess(file.AppId)) continue;
            if (missingCount++ < maxItems)
                missing.Add(new MissingFile(file.MediaId, file.MediaType, file.Path, file.VideoId is { Length: > 0 } v ? v : null, file.AppId, Times.Format(file.FirstSeen)));
        }
        var failed = new List<FailedPolicyDelete>();
        if (scope.IsAll)
        {
            await foreach (var work in _table.QueryAsync<FailedPolicyWorkEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {FailedPolicyWorkEntity.Partition}"), cancellationToken: cancellationToken))
            {
                if (failed.Count >= maxItems) break;
                failed.Add(new FailedPolicyDelete(work.RunId, work.PolicyId, JsonSerializer.Deserialize<List<string>>(work.VideoIds) ?? [], Times.Format(work.Seen)));
            }
        }
        // A run records itself when it starts: the newest run may be under way, its counts still growing. The report is the
        // last ended run's, and names the one in progress. Runs whose process stopped are ended by the next run (RunStore.EndStoppedAsync).
        var latest = await runs.LatestAsync<ReconcileRunEntity>(StorageReconciler.FunctionName, 5, cancellationToken);
        var inProgress = latest.FirstOrDefault() is { EndTime: null } newest ? newest : null;
        var last = latest.FirstOrDefault(r => r.EndTime is not null);
        return new ReconcileReport(orphans, orphanCount, missing, missingCount, last?.FinishedDeletes ?? 0, last, inProgress) { FailedPolicyDeletes = failed };
    }

    /// <summary>Forgets findings not seen again since <paramref name="passStart"/> (the blob went, or a record owns it now).</summary>
    public async Task<int> ForgetStaleAsync(DateTimeOffset passStart, CancellationToken cancellationToken = default)
    {
        var stale = _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"LastSeen lt {passStart}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken);
        var count = 0;
        await foreach (var row in stale)
        {
            await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
            count++;
        }
        return count;
    }
}
