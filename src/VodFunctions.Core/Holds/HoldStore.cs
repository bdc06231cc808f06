namespace VodFunctions.Core.Holds;

/// <summary>A hold as readers show it on held media (<c>Hold</c>).</summary>
public sealed record MediaHold(string Reason, string SetTime, string SetBy);

/// <summary>One hold of <c>ListMediaHolds</c>.</summary>
public sealed record MediaHoldEntry(string MediaType, string MediaId, string AppId, string Reason, string SetTime, string SetBy);

/// <summary>What <c>SetMediaHold</c> and <c>ReleaseMediaHold</c> did not find.</summary>
public sealed record HoldChange(IReadOnlyList<string> NonExistMediaIds);

/// <summary>
/// A hold on a video, an image or attached media: partition = the catalog partition of the held record (a video's, for the video
/// and its snapshots), row = the held record's row key (<c>video|{VideoId}</c>, <c>image|{ImageId}</c>, <c>attached|{MediaId}</c>).
/// So the holds that concern a delete are one partition query, and a held video's hold covers everything in its partition.
/// </summary>
public sealed class HoldEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string MediaType { get; set; } = "";
    public string MediaId { get; set; } = "";
    public string AppId { get; set; } = "";
    public string Reason { get; set; } = "";
    public DateTimeOffset SetTime { get; set; }
    public string SetBy { get; set; } = "";

    /// <summary>A hold on a snapshot of a video (in the video's partition): it stops only deletes of that image or of the whole video.</summary>
    public bool IsPart => MediaType == MediaKinds.Image && MediaId != PartitionKey;

    public MediaHold ToHold() => new(Reason, Times.Format(SetTime), SetBy);
}

/// <summary>
/// Holds (<c>{TablePrefix}Holds</c>): held media is never deleted. The deletion core asks <see cref="StoppingAsync"/> before it
/// journals any delete, whoever asks for it. A hold is written, then the partition's owner row is touched (its ETag moves), so a
/// delete that read the owner before the hold and journals after it fails its journal's ETag condition and is prepared again,
/// now seeing the hold: a hold set before a delete is journalled stops it. A delete journalled already is finished.
/// </summary>
public sealed class HoldStore(CatalogStore catalog, TableServiceClient tables, TimeProvider time, IOptions<VodOptions> options)
{
    public const string HeldCode = "Forbidden.MediaHold";
    public const string AgeCode = "Forbidden.DeleteAge";
    public const int MaxReasonLength = 1024;

    private readonly TableClient _holds = Table(tables, options.Value);

    internal static TableClient Table(TableServiceClient tables, VodOptions options) => tables.GetTableClient(options.TablePrefix + "Holds");

    public static VodError Held(string mediaId) =>
        new(HeldCode, $"Media {mediaId} is on hold (ReleaseMediaHold lifts it); nothing was deleted.", 403);

    public static VodError TooOld(string mediaId) =>
        new(AgeCode, $"Media {mediaId} is older than this key's MaxDeleteAge allows it to delete; nothing was deleted.", 403);

    /// <summary>The hold that stops <paramref name="target"/> now, or null (a restore is never stopped).</summary>
    public async Task<HoldEntity?> StoppingAsync(DeleteTarget target, CancellationToken cancellationToken = default)
    {
        if (target.Bin is { Op: RecycleBin.BinOp.Restore }) return null;
        await foreach (var hold in InPartitionAsync(target.Partition, cancellationToken))
            if (!hold.IsPart || target.WholePartition || target.Rows.Contains(hold.RowKey)) return hold;
        return null;
    }

    /// <summary>The holds in a catalog partition (a video and its snapshots; an uploaded image; attached media).</summary>
    public IAsyncEnumerable<HoldEntity> InPartitionAsync(string partition, CancellationToken cancellationToken = default) =>
        _holds.QueryAsync<HoldEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken);

    /// <summary>Whether anything in the partition is held (the reconcile sweep keeps such files).</summary>
    public Task<bool> AnyAsync(string partition, CancellationToken cancellationToken = default) =>
        InPartitionAsync(partition, cancellationToken).AnyAsync(cancellationToken).AsTask();

    /// <summary>The hold on one record, as readers show it; null when none.</summary>
    public async Task<MediaHold?> OfAsync(CatalogEntity record, CancellationToken cancellationToken = default)
    {
        var found = await _holds.GetEntityIfExistsAsync<HoldEntity>(record.PartitionKey, record.RowKey, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.ToHold() : null;
    }

    /// <summary>
    /// Holds the media that exist (and are not being deleted); answers the others. A repeat replaces the reason. Each partition's
    /// holds go in one transaction, then its owner row is touched.
    /// </summary>
    public async Task<HoldChange> SetAsync(string mediaType, IReadOnlyList<string> mediaIds, string reason, string by, CancellationToken cancellationToken = default)
    {
        var records = await Task.WhenAll(mediaIds.Distinct().Select(id => FindAsync(mediaType, id, cancellationToken)));
        var now = time.GetUtcNow();
        foreach (var group in records.OfType<CatalogEntity>().GroupBy(r => r.PartitionKey))
        {
            var holds = group.Select(r => new HoldEntity
            {
                PartitionKey = r.PartitionKey, RowKey = r.RowKey, MediaType = mediaType, MediaId = IdOf(r), AppId = r.AppId, Reason = reason, SetTime = now, SetBy = by,
            });
            foreach (var chunk in holds.Chunk(CatalogStore.MaxTransactionActions))
                await _holds.SubmitTransactionAsync(chunk.Select(h => new TableTransactionAction(TableTransactionActionType.UpsertReplace, h)), cancellationToken);
            await catalog.TouchAsync(group.Key, OwnerRowOf(group.First()), cancellationToken);
        }
        return new HoldChange(mediaIds.Distinct().Where(id => !records.OfType<CatalogEntity>().Any(r => IdOf(r) == id)).ToList());
    }

    /// <summary>Lifts the holds of the media (gone media too); answers the IDs that held nothing.</summary>
    public async Task<HoldChange> ReleaseAsync(string mediaType, IReadOnlyList<string> mediaIds, CancellationToken cancellationToken = default)
    {
        var found = await Task.WhenAll(mediaIds.Distinct().Select(id => _holds.QueryAsync<HoldEntity>(
            TableClient.CreateQueryFilter($"MediaType eq {mediaType} and MediaId eq {id}"), cancellationToken: cancellationToken).ToListAsync(cancellationToken).AsTask()));
        foreach (var group in found.SelectMany(h => h).GroupBy(h => h.PartitionKey))
            foreach (var chunk in group.Chunk(CatalogStore.MaxTransactionActions))
                await _holds.SubmitTransactionAsync(chunk.Select(h => new TableTransactionAction(TableTransactionActionType.Delete, h, ETag.All)), cancellationToken);
        return new HoldChange(mediaIds.Distinct().Where((_, i) => found[i].Count == 0).ToList());
    }

    /// <summary>One page of holds (of a kind, of an application, within the caller's), in storage order; the page token is the storage's continuation.</summary>
    public async Task<Result<(IReadOnlyList<MediaHoldEntry> Holds, string? NextToken)>> ListAsync(
        AppScope scope, string? appId, string? mediaType, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        if (appId is not null && !scope.CanAccess(appId)) return VodError.Forbidden();
        if (appId is null && !scope.IsAll && scope.AppIds.Count == 0) return ((IReadOnlyList<MediaHoldEntry>)[], null);
        var filters = new List<string>();
        if (mediaType is not null) filters.Add(TableClient.CreateQueryFilter($"MediaType eq {mediaType}"));
        if (appId is not null) filters.Add(TableClient.CreateQueryFilter($"AppId eq {appId}"));
        else if (!scope.IsAll) filters.Add("(" + string.Join(" or ", scope.AppIds.Select(a => TableClient.CreateQueryFilter($"AppId eq {a}"))) + ")");
        Page<HoldEntity>? page;
        try
        {
            page = await _holds.QueryAsync<HoldEntity>(filters.Count == 0 ? null : string.Join(" and ", filters), pageSize, cancellationToken: cancellationToken)
                .AsPages(pageToken, pageSize).FirstOrDefaultAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 400 && pageToken is not null)
        {
            return VodError.InvalidParameter("PageToken does not belong to this listing.");
        }
        if (page is null) return ((IReadOnlyList<MediaHoldEntry>)[], null);
        var holds = page.Values.Select(h => new MediaHoldEntry(h.MediaType, h.MediaId, h.AppId, h.Reason, Times.Format(h.SetTime), h.SetBy)).ToList();
        return (holds, page.ContinuationToken is { Length: > 0 } next ? next : null);
    }

    /// <summary>The record of a media to hold, when it exists and is not being deleted (nor is a snapshot's video).</summary>
    private async Task<CatalogEntity?> FindAsync(string mediaType, string mediaId, CancellationToken cancellationToken)
    {
        CatalogEntity? record = mediaType switch
        {
            MediaKinds.Video => await catalog.GetVideoAsync(mediaId, cancellationToken),
            MediaKinds.Image => await catalog.GetImageAsync(mediaId, cancellationToken),
            _ => await catalog.GetAttachedAsync(mediaId, cancellationToken),
        };
        if (record is null or { Deleting: true }) return null;
        if (record is ImageEntity { VideoId.Length: > 0 } snapshot && await catalog.GetVideoAsync(snapshot.VideoId, cancellationToken) is null or { Deleting: true }) return null;
        return record;
    }

    private static string IdOf(CatalogEntity record) => record switch
    {
        VideoEntity v => v.VideoId,
        ImageEntity i => i.ImageId,
        AttachedEntity a => a.MediaId,
        _ => record.PartitionKey,
    };

    /// <summary>The row every delete in the partition marks: the video's for a video and its snapshots, else the held record's own.</summary>
    private static string OwnerRowOf(CatalogEntity record) =>
        record is ImageEntity { VideoId.Length: > 0 } snapshot ? VideoEntity.RowOf(snapshot.VideoId) : record.RowKey;
}
