using System.Security.Cryptography;
using System.Text;

namespace VodFunctions.Core.Reconcile;

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

/// <summary>The <c>{prefix}Reconcile</c> table: what the reconcile walk found (orphan blobs, missing files).</summary>
public sealed class ReconcileStore(TableServiceClient tables, IOptions<VodOptions> options)
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

    public IAsyncEnumerable<OrphanEntity> OrphansAsync(CancellationToken cancellationToken = default) =>
        _table.QueryAsync<OrphanEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {OrphanEntity.Partition}"), cancellationToken: cancellationToken);

    public IAsyncEnumerable<MissingEntity> MissingAsync(CancellationToken cancellationToken = default) =>
        _table.QueryAsync<MissingEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MissingEntity.Partition}"), cancellationToken: cancellationToken);

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
