using System.Security.Cryptography;
using System.Text;

namespace VodFunctions.Core.Catalog;

/// <summary>
/// Media metadata in Azure Table Storage: the <c>{prefix}Media</c> table (records, one partition per
/// video) and the <c>{prefix}Index</c> table (lookups by ID, by file, by title and by age). Every
/// filter is built with <see cref="TableClient.CreateQueryFilter(FormattableString)"/>.
/// </summary>
public sealed class CatalogStore(TableServiceClient tables, IOptions<VodOptions> options)
{
    public const string Everyone = "*";

    /// <summary>Azure's limit on the actions of one entity-group transaction.</summary>
    internal const int MaxTransactionActions = 100;

    /// <summary>Azure Tables allow at most 15 comparisons in a filter; longer category lists are left to the caller to check.</summary>
    private const int MaxFilteredCategories = 8;

    private readonly TableClient _media = MediaTable(tables, options.Value);
    private readonly TableClient _index = IndexTable(tables, options.Value);

    internal static TableClient MediaTable(TableServiceClient tables, VodOptions options) => tables.GetTableClient(options.TablePrefix + "Media");
    internal static TableClient IndexTable(TableServiceClient tables, VodOptions options) => tables.GetTableClient(options.TablePrefix + "Index");

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await _media.CreateIfNotExistsAsync(cancellationToken);
        await _index.CreateIfNotExistsAsync(cancellationToken);
        await Holds.HoldStore.Table(tables, options.Value).CreateIfNotExistsAsync(cancellationToken);
    }

    /// <summary>Reads one row of the media table: completes when the catalog answers.</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default) =>
        await _media.QueryAsync<TableEntity>(maxPerPage: 1, cancellationToken: cancellationToken).AsPages().FirstAsync(cancellationToken);

    // ---- keys of the index table ----

    public static string IdKey(string mediaId) => "id|" + mediaId;
    public static string BlobKey(string location, string blobName) => "blob|" + FileHash(location, blobName);

    /// <summary>
    /// A snapshot's ID, which follows from its file as a stream's JobId follows from its folder: concurrent or retried
    /// registrations of one file then agree on its ID, and the image is found from its file alone (<see cref="ByPath"/>).
    /// </summary>
    public static string SnapshotId(string location, string blobName) => FileHash(location, blobName)[..32];

    private static string FileHash(string location, string blobName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(location + "|" + blobName)));

    /// <summary>
    /// Where the image that owns a file lives, from the file's path alone: a snapshot (<c>videos/{VideoId}/snapshots/...</c>) in
    /// its video's partition under the ID its file gives it, an uploaded image (<c>images/{ImageId}/...</c>) in its own; null for
    /// any other path.
    /// </summary>
    public static (string Partition, string Row)? ByPath(string location, string blobName)
    {
        var parts = blobName.Split('/', 4);
        if (parts.Length < 3 || !MediaIds.IsValid(parts[1])) return null;
        return parts[0] switch
        {
            "videos" when parts.Length == 4 && parts[2] == "snapshots" => (parts[1], ImageEntity.RowOf(SnapshotId(location, blobName))),
            "images" => (parts[1], ImageEntity.RowOf(parts[1])),
            _ => null,
        };
    }
    public static string TitleKey(string kind, string appId) => $"title|{kind}|{appId}";
    public static string TimeKey(string kind, string appId) => $"time|{kind}|{appId}";

    /// <summary>Newest first: inverted ticks sort ascending.</summary>
    public static string TimeRow(DateTimeOffset time, string mediaId) =>
        (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D19") + "|" + mediaId;

    public static string TitleRow(string title, string mediaId) => EncodeTitle(title) + "|" + mediaId;

    /// <summary>Lower-cased title with the characters a key may not hold escaped; order-preserving for prefixes.</summary>
    public static string EncodeTitle(string title)
    {
        var builder = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (builder.Length > 400) break;
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c)) builder.Append('%').Append(((int)c).ToString("X4"));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Every index row a record needs; written before the record, removed before it.</summary>
    public static IEnumerable<IndexEntity> IndexEntriesOf(CatalogEntity record)
    {
        if (record is RecycleBin.BinEntryEntity binned)
        {
            foreach (var entry in RecycleBin.BinIndex.EntriesOf(binned)) yield return entry;
            yield break;
        }
        var (kind, mediaId, title, location, blobName) = record switch
        {
            VideoEntity v => (MediaKinds.Video, v.VideoId, v.Title, null, null),
            ImageEntity { VideoId: "" } i => (MediaKinds.Image, i.ImageId, i.Title ?? "", i.StorageLocation, i.BlobName),
            ImageEntity i => (MediaKinds.Image, i.ImageId, null, i.StorageLocation, i.BlobName),
            AttachedEntity a => (MediaKinds.Attached, a.MediaId, a.Title ?? "", null, (string?)null),
            _ => (null, null, null, null, null),
        };
        if (kind is null || mediaId is null) yield break;
        IndexEntity Entry(string partition, string row) => new()
        {
            PartitionKey = partition, RowKey = row, Kind = kind, MediaId = mediaId,
            OwnerPartition = record.PartitionKey, OwnerRow = record.RowKey,
            AppId = record.AppId, CateId = (record as VideoEntity)?.CateId, CreationTime = record.CreationTime,
        };
        yield return Entry(IdKey(mediaId), IdKey(mediaId));
        if (blobName is not null && record is not ImageEntity { FoundByPath: true }) yield return Entry(BlobKey(location!, blobName), BlobKey(location!, blobName));
        if (title is null) yield break;
        foreach (var app in new[] { record.AppId, Everyone })
        {
            yield return Entry(TitleKey(kind, app), TitleRow(title, mediaId));
            yield return Entry(TimeKey(kind, app), TimeRow(record.CreationTime, mediaId));
        }
    }

    // ---- writing ----

    /// <summary>Adds a record after its index rows, so a record is never unreachable through the index.</summary>
    public async Task AddAsync(CatalogEntity record, CancellationToken cancellationToken = default)
    {
        await AddIndexEntriesAsync(record, cancellationToken);
        await _media.AddEntityAsync(record, cancellationToken);
    }

    /// <summary>Replaces a record unless it changed since it was read (412).</summary>
    public async Task UpdateAsync(CatalogEntity record, CancellationToken cancellationToken = default) =>
        await _media.UpdateEntityAsync(record, record.ETag, TableUpdateMode.Replace, cancellationToken);

    /// <summary>
    /// Adds <paramref name="records"/> to a video's partition and replaces the video row unless it changed since it was read,
    /// in transactions of at most <see cref="MaxTransactionActions"/> actions (the video's with the last).
    /// </summary>
    public async Task AddToVideoAsync(VideoEntity video, IEnumerable<CatalogEntity> records, CancellationToken cancellationToken = default)
    {
        var actions = records.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e))
            .Append(new TableTransactionAction(TableTransactionActionType.UpdateReplace, video, video.ETag));
        foreach (var chunk in actions.Chunk(MaxTransactionActions)) await _media.SubmitTransactionAsync(chunk, cancellationToken);
    }

    /// <summary>Moves a row's ETag without changing it (a merge of nothing), so that a delete that read it before must read it again; false when it is gone.</summary>
    public async Task<bool> TouchAsync(string partition, string row, CancellationToken cancellationToken = default)
    {
        try
        {
            await _media.UpdateEntityAsync(new TableEntity(partition, row), ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task AddIndexEntriesAsync(CatalogEntity record, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(IndexEntriesOf(record).Select(e => _index.UpsertEntityAsync(e, TableUpdateMode.Replace, cancellationToken)));

    /// <summary>
    /// Removes index rows of records being deleted: the search rows (<paramref name="lookups"/> false) while their
    /// files go, the rows that find them by ID or file (true) once the files are gone, so a retried delete still finds them.
    /// </summary>
    public async Task RemoveIndexEntriesAsync(IEnumerable<CatalogEntity> records, bool lookups, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(records.SelectMany(IndexEntriesOf).Where(e => IsLookup(e) == lookups)
            .Select(e => _index.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, cancellationToken)));

    private static bool IsLookup(IndexEntity entry) =>
        entry.PartitionKey.StartsWith("id|", StringComparison.Ordinal) || entry.PartitionKey.StartsWith("blob|", StringComparison.Ordinal);

    // ---- reading ----

    public async Task<T?> GetAsync<T>(string partition, string row, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        var response = await _media.GetEntityIfExistsAsync<T>(partition, row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public Task<VideoEntity?> GetVideoAsync(string videoId, CancellationToken cancellationToken = default) =>
        MediaIds.IsValid(videoId) ? GetAsync<VideoEntity>(videoId, VideoEntity.RowOf(videoId), cancellationToken) : Task.FromResult<VideoEntity?>(null);

    public async Task<IndexEntity?> FindIdAsync(string mediaId, CancellationToken cancellationToken = default)
    {
        if (!MediaIds.IsValid(mediaId)) return null;
        var response = await _index.GetEntityIfExistsAsync<IndexEntity>(IdKey(mediaId), IdKey(mediaId), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<ImageEntity?> GetImageAsync(string imageId, CancellationToken cancellationToken = default)
    {
        var entry = await FindIdAsync(imageId, cancellationToken);
        return entry is { Kind: MediaKinds.Image } ? await GetAsync<ImageEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken) : null;
    }

    public async Task<AttachedEntity?> GetAttachedAsync(string mediaId, CancellationToken cancellationToken = default)
    {
        var entry = await FindIdAsync(mediaId, cancellationToken);
        return entry is { Kind: MediaKinds.Attached } ? await GetAsync<AttachedEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken) : null;
    }

    /// <summary>
    /// The image that owns a file, never found by scanning: read where its path puts it, else (a row written before images were
    /// found by path, or a file elsewhere) through its <c>blob|</c> index row.
    /// </summary>
    public async Task<ImageEntity?> FindImageByBlobAsync(string location, string blobName, CancellationToken cancellationToken = default)
    {
        bool Owns(ImageEntity? image) => image is not null && image.BlobName == blobName && image.StorageLocation == location;
        if (ByPath(location, blobName) is var (partition, row) && await GetAsync<ImageEntity>(partition, row, cancellationToken) is { } found && Owns(found))
            return found;
        var response = await _index.GetEntityIfExistsAsync<IndexEntity>(BlobKey(location, blobName), BlobKey(location, blobName), cancellationToken: cancellationToken);
        if (!response.HasValue || response.Value!.Kind != MediaKinds.Image) return null;
        var image = await GetAsync<ImageEntity>(response.Value.OwnerPartition, response.Value.OwnerRow, cancellationToken);
        return Owns(image) ? image : null;
    }

    public IAsyncEnumerable<StreamEntity> StreamsAsync(string videoId, CancellationToken cancellationToken = default) =>
        RowsAsync<StreamEntity>(videoId, StreamEntity.Prefix, cancellationToken);

    public IAsyncEnumerable<ImageEntity> ImagesAsync(string videoId, CancellationToken cancellationToken = default) =>
        RowsAsync<ImageEntity>(videoId, ImageEntity.Prefix, cancellationToken);

    /// <summary>The rows of a partition whose row keys start with <paramref name="rowPrefix"/>.</summary>
    public IAsyncEnumerable<T> RowsAsync<T>(string partition, string rowPrefix, CancellationToken cancellationToken = default)
        where T : class, ITableEntity, new() =>
        _media.QueryAsync<T>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {rowPrefix} and RowKey lt {UpperBound(rowPrefix)}"),
            cancellationToken: cancellationToken);

    /// <summary>One page of the creation-time index of <paramref name="kind"/> over every application, and the next page's token.</summary>
    public async Task<(IReadOnlyList<IndexEntity> Entries, string? Next)> TimeIndexPageAsync(
        string kind, string? token, int pageSize, CancellationToken cancellationToken = default)
    {
        var page = await _index.QueryAsync<IndexEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TimeKey(kind, Everyone)}"), pageSize, cancellationToken: cancellationToken)
            .AsPages(token, pageSize).FirstOrDefaultAsync(cancellationToken);
        return page is null ? ([], null) : (page.Values, page.ContinuationToken is { Length: > 0 } next ? next : null);
    }

    /// <summary>
    /// Pages of the creation-time index of the videos of <paramref name="appId"/> (null: every application) created at or
    /// before <paramref name="cutoff"/>, from the most recent of them on, after the row <paramref name="after"/> and up to the
    /// row <paramref name="upTo"/>, in <paramref name="cateIds"/> (any when empty; a list too long to filter is not, and is
    /// the caller's to check).
    /// </summary>
    public IAsyncEnumerable<IReadOnlyList<IndexEntity>> VideosCreatedByAsync(
        string? appId, DateTimeOffset cutoff, string? after, string? upTo, IReadOnlyList<string> cateIds, int pageSize, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TimeKey(MediaKinds.Video, appId ?? Everyone)} and RowKey ge {TimeRow(cutoff, "")}");
        if (after is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
        if (upTo is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey le {upTo}");
        if (cateIds.Count is > 0 and <= MaxFilteredCategories)
            filter += " and (" + string.Join(" or ", cateIds.Select(c => TableClient.CreateQueryFilter($"CateId eq {c}"))) + ")";
        return _index.QueryAsync<IndexEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages().Select(page => (IReadOnlyList<IndexEntity>)page.Values);
    }

    /// <summary>
    /// One page of index entries for <see cref="Media.MediaKinds"/> <paramref name="kind"/>, newest first (by creation time,
    /// then media ID), all of them or those whose title starts with <paramref name="titlePrefix"/>. The page token is
    /// <c>{partition} {time row of the last entry}</c> (<see cref="TimeRow"/>): the next page starts after that row, so a
    /// token only ever moves within the search's own partition and filter, and a token of another search is refused.
    /// </summary>
    public async Task<Result<(IReadOnlyList<IndexEntity> Entries, string? NextToken, int Total)>> SearchAsync(
        string kind, AppScope scope, string? appId, string? titlePrefix, int pageSize, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        if (appId is null && !scope.IsAll && scope.AppIds.Count == 0) return ([], null, 0);
        var app = appId ?? (scope.AppIds.Count == 1 ? scope.AppIds.First() : Everyone);
        var byTitle = titlePrefix is { Length: > 0 };
        var partition = byTitle ? TitleKey(kind, app) : TimeKey(kind, app);
        var filter = byTitle
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {EncodeTitle(titlePrefix!)} and RowKey lt {UpperBound(EncodeTitle(titlePrefix!))}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        if (app == Everyone && !scope.IsAll)
            filter += " and (" + string.Join(" or ", scope.AppIds.Select(a => TableClient.CreateQueryFilter($"AppId eq {a}"))) + ")";

        string? after = null;
        if (pageToken is not null)
        {
            var parts = pageToken.Split(' ', 2);
            if (parts.Length != 2 || parts[0] != partition || !IsMediaRow(parts[1]))
                return VodError.InvalidParameter("PageToken does not belong to this search.");
            after = parts[1];
        }
        var (entries, total) = byTitle
            ? await NewestMatchesAsync(filter, after, pageSize + 1, cancellationToken)
            : await TimeIndexMatchesAsync(filter, after, pageSize + 1, cancellationToken);
        if (entries.Count <= pageSize) return (entries, null, total);
        entries.RemoveAt(pageSize);
        var last = entries[^1];
        return (entries, partition + " " + (byTitle ? TimeRow(last.CreationTime, last.MediaId) : last.RowKey), total);
    }

    /// <summary>The time index is in the order of a search: its first <paramref name="take"/> rows after <paramref name="after"/>.</summary>
    private async Task<(List<IndexEntity> Entries, int Total)> TimeIndexMatchesAsync(string filter, string? after, int take, CancellationToken cancellationToken)
    {
        var total = 0;
        await foreach (var _ in _index.QueryAsync<IndexEntity>(filter, 1000, ["RowKey"], cancellationToken)) total++;
        var pageFilter = after is null ? filter : $"({filter}) and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
        var entries = new List<IndexEntity>(take);
        await foreach (var entry in _index.QueryAsync<IndexEntity>(pageFilter, take, cancellationToken: cancellationToken))
        {
            entries.Add(entry);
            if (entries.Count == take) break;
        }
        return (entries, total);
    }

    /// <summary>
    /// Title rows are in title order: every match is read once (as counting them needs anyway) and the newest
    /// <paramref name="take"/> whose time row comes after <paramref name="after"/> are kept, newest first.
    /// </summary>
    private async Task<(List<IndexEntity> Entries, int Total)> NewestMatchesAsync(string filter, string? after, int take, CancellationToken cancellationToken)
    {
        var oldestFirst = Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a));
        var kept = new PriorityQueue<IndexEntity, string>(take + 1, oldestFirst);
        var total = 0;
        await foreach (var entry in _index.QueryAsync<IndexEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            total++;
            var row = TimeRow(entry.CreationTime, entry.MediaId);
            if (after is not null && string.CompareOrdinal(row, after) <= 0) continue;
            kept.Enqueue(entry, row);
            if (kept.Count > take) kept.Dequeue();
        }
        return (kept.UnorderedItems.OrderBy(k => k.Priority, StringComparer.Ordinal).Select(k => k.Element).ToList(), total);
    }

    /// <summary>Title and time rows end with <c>|{MediaId}</c>.</summary>
    private static bool IsMediaRow(string row) => row.Length > 33 && row[^33] == '|' && MediaIds.IsValid(row[^32..]);

    private static string UpperBound(string prefix) => prefix.Length == 0 ? "\uffff" : prefix[..^1] + (char)(prefix[^1] + 1);
}
