namespace VodFunctions.Core.Catalog;

/// <summary>The read operations of API.md section 5: records as callers see them, scoped to their applications.</summary>
public sealed class MediaReader(CatalogStore catalog, MediaStorage storage, Holds.HoldStore holds)
{
    /// <summary>A video the caller may see; one with a full delete in progress no longer exists for callers.</summary>
    public async Task<Result<VideoEntity>> FindVideoAsync(string videoId, AppScope scope, CancellationToken cancellationToken = default)
    {
        var video = await catalog.GetVideoAsync(videoId, cancellationToken);
        if (video is null || video.Deleting) return VodError.VideoNotFound();
        return scope.CanAccess(video.AppId) ? video : VodError.Forbidden();
    }

    /// <summary>An image the caller may see; a snapshot goes with its video, so it no longer exists once its video's delete has begun.</summary>
    public async Task<Result<ImageEntity>> FindImageAsync(string imageId, AppScope scope, CancellationToken cancellationToken = default)
    {
        var image = await catalog.GetImageAsync(imageId, cancellationToken);
        if (image is null || image.Deleting) return VodError.ImageNotFound();
        // Only the video row is marked when a whole video's delete begins: its snapshots' rows are not. A snapshot that a restore
        // brought back before its last step is not seen either.
        if (image.VideoId.Length > 0)
        {
            var video = await catalog.GetVideoAsync(image.VideoId, cancellationToken);
            if (video is null || video.Deleting || !video.Shows(image)) return VodError.ImageNotFound();
        }
        return scope.CanAccess(image.AppId) ? image : VodError.Forbidden();
    }

    public async Task<Result<Video>> GetVideoInfoAsync(string videoId, AppScope scope, CancellationToken cancellationToken = default)
    {
        var found = await FindVideoAsync(videoId, scope, cancellationToken);
        return found.Ok ? ToVideo(found.Value!) with { Hold = await holds.OfAsync(found.Value!, cancellationToken) } : found.Error!;
    }

    public async Task<Result<Mezzanine>> GetMezzanineInfoAsync(string videoId, AppScope scope, CancellationToken cancellationToken = default)
    {
        var found = await FindVideoAsync(videoId, scope, cancellationToken);
        return found.Ok ? ToMezzanine(found.Value!) : found.Error!;
    }

    public async Task<Result<IReadOnlyList<PlayInfo>>> GetPlayInfoAsync(string videoId, AppScope scope, CancellationToken cancellationToken = default)
    {
        var found = await FindVideoAsync(videoId, scope, cancellationToken);
        if (!found.Ok) return found.Error!;
        var video = found.Value!;
        var list = new List<PlayInfo>();
        if (OriginalStreamOf(video) is { } original) list.Add(original);
        await foreach (var stream in catalog.StreamsAsync(videoId, cancellationToken))
        {
            if (!video.Shows(stream)) continue;
            list.Add(new PlayInfo(stream.JobId, stream.Definition, stream.Format,
                storage.UrlOf(video.StorageLocation, stream.BlobName).AbsoluteUri, stream.Size, stream.Status, Times.Format(stream.CreationTime)));
        }
        return list;
    }

    /// <summary>The mezzanine of a NoTranscode/AsyncTranscode video, listed as its OD stream until it is deleted.</summary>
    public PlayInfo? OriginalStreamOf(VideoEntity video) =>
        TranscodeModes.MezzanineIsPlayback(video.TranscodeMode) && video.MezzanineStatus == MezzanineStatus.Normal && !video.MezzanineDeleting
            ? new PlayInfo(video.MezzanineJobId, Definitions.Original, FormatOf(video.MezzanineFileName),
                MezzanineUrl(video), video.MezzanineSize, VideoStatus.Normal, Times.Format(video.CreationTime))
            : null;

    public async Task<Result<ImageInfo>> GetImageInfoAsync(string imageId, AppScope scope, CancellationToken cancellationToken = default)
    {
        var found = await FindImageAsync(imageId, scope, cancellationToken);
        return found.Ok ? ToImage(found.Value!) with { Hold = await holds.OfAsync(found.Value!, cancellationToken) } : found.Error!;
    }

    public async Task<Result<IReadOnlyList<ImageInfo>>> ListSnapshotsAsync(string videoId, string? snapshotType, AppScope scope, CancellationToken cancellationToken = default)
    {
        var found = await FindVideoAsync(videoId, scope, cancellationToken);
        if (!found.Ok) return found.Error!;
        var images = new List<ImageInfo>();
        var held = (await holds.InPartitionAsync(videoId, cancellationToken).ToListAsync(cancellationToken)).ToDictionary(h => h.RowKey, h => h.ToHold());
        await foreach (var image in catalog.ImagesAsync(videoId, cancellationToken))
            if (found.Value!.Shows(image) && (snapshotType is null || image.ImageType == snapshotType)) images.Add(ToImage(image) with { Hold = held.GetValueOrDefault(image.RowKey) });
        return images;
    }

    public async Task<Result<(IReadOnlyList<AttachedMedia> Found, IReadOnlyList<string> Missing)>> GetAttachedMediaInfoAsync(
        IReadOnlyList<string> mediaIds, AppScope scope, CancellationToken cancellationToken = default)
    {
        var records = await Task.WhenAll(mediaIds.Select(id => catalog.GetAttachedAsync(id, cancellationToken)));
        if (records.Any(r => r is { Deleting: false } && !scope.CanAccess(r.AppId))) return VodError.Forbidden();
        var found = (await Task.WhenAll(records.Where(r => r is { Deleting: false })
            .Select(async r => ToAttached(r!) with { Hold = await holds.OfAsync(r!, cancellationToken) }))).ToList();
        var missing = mediaIds.Where((_, i) => records[i] is null or { Deleting: true }).ToList();
        return (found, missing);
    }

    /// <summary>One page of <c>SearchMedia</c>: items of index entries whose record still exists.</summary>
    public async Task<Result<(IReadOnlyList<object> Items, string? NextToken, int Total)>> SearchAsync(
        string kind, AppScope scope, string? appId, string? title, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var found = await catalog.SearchAsync(kind, scope, appId, title, pageSize, pageToken, cancellationToken);
        if (!found.Ok) return found.Error!;
        var (entries, next, total) = found.Value;
        var items = await Task.WhenAll(entries.Select(async entry => (object?)(entry.Kind switch
        {
            MediaKinds.Video => await catalog.GetAsync<VideoEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken) is { Deleting: false } v
                ? new { MediaType = entry.Kind, MediaId = v.VideoId, CreationTime = Times.Format(v.CreationTime), Video = ToVideo(v) with { Hold = await holds.OfAsync(v, cancellationToken) } } : null,
            MediaKinds.Image => await catalog.GetAsync<ImageEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken) is { Deleting: false } i
                ? new { MediaType = entry.Kind, MediaId = i.ImageId, CreationTime = Times.Format(i.CreationTime), Image = ToImage(i) with { Hold = await holds.OfAsync(i, cancellationToken) } } : null,
            _ => await catalog.GetAsync<AttachedEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken) is { Deleting: false } a
                ? new { MediaType = entry.Kind, MediaId = a.MediaId, CreationTime = Times.Format(a.CreationTime), AttachedMedia = ToAttached(a) with { Hold = await holds.OfAsync(a, cancellationToken) } } : null,
        })));
        return (items.OfType<object>().ToList(), next, total);
    }

    public static Video ToVideo(VideoEntity v) =>
        new(v.VideoId, v.Title, v.AppId, v.CateId, v.Status, v.TranscodeMode, v.StorageLocation, Times.Format(v.CreationTime), v.Size);

    public Mezzanine ToMezzanine(VideoEntity v) =>
        new(v.VideoId, v.MezzanineFileName, MezzanineUrl(v), v.MezzanineSize,
            v.MezzanineDeleting ? MezzanineStatus.Deleted : v.MezzanineStatus, Times.Format(v.CreationTime));

    public ImageInfo ToImage(ImageEntity i) =>
        new(i.ImageId, i.ImageType, storage.UrlOf(i.StorageLocation, i.BlobName).AbsoluteUri, i.VideoId, i.AppId, i.Title, i.Status,
            Times.Format(i.CreationTime), i.Size);

    public AttachedMedia ToAttached(AttachedEntity a) =>
        new(a.MediaId, a.BusinessType, storage.UrlOf(a.StorageLocation, a.BlobName).AbsoluteUri, a.AppId, a.Title, a.Status,
            Times.Format(a.CreationTime), a.Size);

    public string MezzanineUrl(VideoEntity v) =>
        storage.UrlOf(v.StorageLocation, MediaStorage.MezzanineFolder(v.VideoId) + v.MezzanineFileName).AbsoluteUri;

    public static string FormatOf(string fileName) =>
        Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant() is { Length: > 0 } ext ? ext : "mp4";
}
