namespace VodFunctions.Core.Deletion;

/// <summary>
/// DeleteImage in its three modes. URLs and IDs only ever select catalog records; a record's own
/// file (or, in VideoId mode, its type's snapshot folder) is what gets deleted. All or nothing.
/// </summary>
public sealed class DeleteImages(CatalogStore catalog, MediaStorage storage, DeletionEngine engine)
{
    public const string FailedCode = "DeleteImageFailed";
    public const string AllTypes = "All";

    /// <summary>Images one journalled delete takes at most, and the characters of their file names: its journal row and event stay within Azure's limits.</summary>
    public const int SliceImages = 200;
    private const int SliceChars = 24 * 1024;

    public Task<Result<DeleteResult>> ByUrlsAsync(IReadOnlyList<string> urls, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default) =>
        ByRecordsAsync(urls.Select(url => ($"ImageURL {url}", (Func<Task<ImageEntity?>>)(() => FindByUrlAsync(url, cancellationToken)))), scope, request, cancellationToken);

    public Task<Result<DeleteResult>> ByIdsAsync(IReadOnlyList<string> imageIds, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default) =>
        ByRecordsAsync(imageIds.Select(id => ($"ImageId {id}", (Func<Task<ImageEntity?>>)(() => catalog.GetImageAsync(id, cancellationToken)))), scope, request, cancellationToken);

    /// <summary>An ImageURL as it is matched: decoded once when it arrives URL-encoded; null when it is not a URL at all (no scheme, malformed).</summary>
    public static string? AsUrl(string url)
    {
        if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            url = Uri.UnescapeDataString(url);
        var scheme = url.IndexOf(':');
        return scheme > 0 && char.IsAsciiLetter(url[0]) && url[..scheme].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')
            && Uri.TryCreate(url, UriKind.Absolute, out _) ? url : null;
    }

    /// <summary>A video's images of the given types (or <see cref="AllTypes"/>) and everything under their snapshot folders.</summary>
    public async Task<Result<DeleteResult>> ByVideoAsync(string videoId, IReadOnlyList<string> types, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var video = await catalog.GetVideoAsync(videoId, cancellationToken);
        if (video is null || video.Deleting) return VodError.ImageNotFound() with { Message = $"Video {videoId} does not exist." };
        if (!scope.CanAccess(video.AppId)) return VodError.Forbidden();
        var all = types.Contains(AllTypes);
        var folders = all ? [MediaStorage.SnapshotsFolder(videoId)] : types.Select(t => MediaStorage.SnapshotFolder(videoId, t)).ToList();
        bool Selected(ImageEntity image) => all || types.Contains(image.ImageType);
        if (request.DryRun) return await engine.RunAsync([Snapshots(videoId, Selected, folders, request)], request, cancellationToken);
        // A long video may hold thousands of snapshots: they go in slices, each a journalled delete (and event) of its
        // own, the folders with the last; a retry after a fault continues with what is left.
        var deleted = DeleteResult.Of(new DeletedFiles(0, 0));
        for (var more = true; more;)
        {
            more = false; // stays so when nothing is left to slice (a DeleteVideo took the video meanwhile)
            var slice = await engine.RunAsync([Snapshots(videoId, Selected, folders, request, sliced => more = sliced)], request, cancellationToken);
            if (!slice.Ok) return slice;
            deleted = deleted.Add(slice.Value!);
        }
        return deleted;
    }

    private async Task<Result<DeleteResult>> ByRecordsAsync(IEnumerable<(string Named, Func<Task<ImageEntity?>> Find)> finders, AppScope scope, DeleteRequest request, CancellationToken cancellationToken)
    {
        var images = new List<ImageEntity>();
        string? missing = null;
        foreach (var (named, find) in finders)
        {
            if (await find() is not { } image)
            {
                missing ??= named;
                continue;
            }
            if (!scope.CanAccess(image.AppId)) return VodError.Forbidden();
            images.Add(image);
        }
        if (missing is not null)
        {
            // Nothing new is deleted; but a retry whose first attempt stopped part way (its other images gone already)
            // finishes the deletes that attempt began, rather than leave them to the reconcile sweep.
            if (!request.DryRun)
                foreach (var partition in images.Where(i => i.Deleting).Select(i => i.PartitionKey).Distinct())
                    await engine.FinishPendingAsync(partition, cancellationToken);
            return new VodError("NoSuchResource", $"No image matches {missing}; nothing was deleted.");
        }
        var jobs = images.GroupBy(i => i.PartitionKey).Select(group =>
        {
            var ids = group.Select(i => i.ImageId).ToHashSet();
            return group.First().VideoId is { Length: > 0 } videoId
                ? Snapshots(videoId, image => ids.Contains(image.ImageId), null, request)
                : engine.Job<ImageEntity>(group.Key, FailedCode, request, _ => DeleteParts.All(DeleteKind.Image, MediaStorage.ImageFolder(group.Key)));
        });
        return await engine.RunAsync(jobs, request, cancellationToken);
    }

    /// <summary>Matches a URL (decoded once when it arrives URL-encoded; query string ignored) to a catalog image.</summary>
    private async Task<ImageEntity?> FindByUrlAsync(string url, CancellationToken cancellationToken)
    {
        if (AsUrl(url) is not { } decoded || !storage.TryParseUrl(decoded, out var location, out var blob)) return null;
        return await catalog.FindImageByBlobAsync(location, blob, cancellationToken);
    }

    /// <summary>
    /// Snapshot images of a video chosen by <paramref name="select"/>: their files, or whole type folders. Given
    /// <paramref name="sliced"/>, takes at most a slice of them (their own files only), telling whether it did.
    /// </summary>
    private DeleteJob Snapshots(string videoId, Func<ImageEntity, bool> select, IReadOnlyList<string>? whole, DeleteRequest request, Action<bool>? sliced = null) =>
        engine.Job<VideoEntity>(videoId, FailedCode, request, async (_, cancellationToken) =>
        {
            var images = await catalog.ImagesAsync(videoId, cancellationToken).Where(select).ToListAsync(cancellationToken);
            var held = images.Any(i => i.Deleting);
            var folders = whole;
            if (sliced is not null)
            {
                var slice = Slice(images);
                sliced(slice.Count < images.Count);
                if (slice.Count < images.Count) (images, folders) = (slice, null);
            }
            return new DeleteParts(DeleteKind.Image, folders ?? [], images) { Blobs = folders is null ? images.Select(i => i.BlobName).ToList() : [], Held = held };
        });

    /// <summary>The first images (by row key) within <see cref="SliceImages"/> and <see cref="SliceChars"/> characters of file names.</summary>
    private static List<ImageEntity> Slice(IEnumerable<ImageEntity> images)
    {
        var (slice, chars) = (new List<ImageEntity>(), 0);
        foreach (var image in images.OrderBy(i => i.RowKey, StringComparer.Ordinal))
        {
            chars += image.BlobName.Length + 4;
            if (slice.Count == SliceImages || chars > SliceChars) break;
            slice.Add(image);
        }
        return slice;
    }
}
