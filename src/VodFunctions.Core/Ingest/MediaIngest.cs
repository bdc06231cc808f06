namespace VodFunctions.Core.Ingest;

public sealed record UploadTicket(string MediaId, Uri FileUrl, Uri UploadUrl, Uri? StoragePrefix = null);

public sealed record NewVideo(string Title, string FileName, string AppId, string? CateId, string TranscodeMode, string StorageLocation);

public sealed record NewFile(string Kind, string TypeName, string FileName, string AppId, string? Title);

public sealed record StreamFile(string? JobId, string Definition, string Format, string FileURL);

public sealed record ImageFile(string ImageType, string FileURL);

/// <summary>The ingest operations of API.md section 5: upload tickets, upload completion, registration of pipeline output.</summary>
public sealed class MediaIngest(CatalogStore catalog, MediaStorage storage, TimeProvider time, ILogger<MediaIngest> logger)
{
    public const int MaxStreams = 20;
    public const int MaxImages = 100;
    private static readonly TimeSpan UploadValidity = TimeSpan.FromHours(1);

    public async Task<UploadTicket> CreateUploadVideoAsync(NewVideo request, CancellationToken cancellationToken = default)
    {
        var videoId = MediaIds.New();
        var video = new VideoEntity
        {
            PartitionKey = videoId, RowKey = VideoEntity.RowOf(videoId), Title = request.Title, AppId = request.AppId,
            CateId = request.CateId, TranscodeMode = request.TranscodeMode, StorageLocation = request.StorageLocation,
            Status = VideoStatus.Uploading, CreationTime = time.GetUtcNow(), MezzanineFileName = request.FileName,
            MezzanineStatus = MezzanineStatus.Uploading, MezzanineJobId = MediaIds.New(),
        };
        await catalog.AddAsync(video, cancellationToken);
        var blob = MediaStorage.MezzanineFolder(video.VideoId) + request.FileName;
        logger.LogInformation("Created video {VideoId} in {AppId}", video.VideoId, video.AppId);
        return new UploadTicket(video.VideoId, storage.UrlOf(video.StorageLocation, blob),
            await storage.UploadUrlAsync(video.StorageLocation, blob, UploadValidity, cancellationToken),
            storage.FolderUrlOf(video.StorageLocation, MediaStorage.VideoFolder(video.VideoId)));
    }

    /// <summary>Creates an uploaded image (<see cref="MediaKinds.Image"/>) or attached media record and its upload URL.</summary>
    public async Task<UploadTicket> CreateUploadFileAsync(NewFile request, CancellationToken cancellationToken = default)
    {
        var id = MediaIds.New();
        var location = VodOptions.DefaultLocation;
        CatalogEntity record = request.Kind == MediaKinds.Image
            ? new ImageEntity { PartitionKey = id, RowKey = ImageEntity.RowOf(id), ImageId = id, ImageType = request.TypeName, StorageLocation = location,
                BlobName = MediaStorage.ImageFolder(id) + request.FileName, Title = request.Title, FoundByPath = true }
            : new AttachedEntity { PartitionKey = id, RowKey = AttachedEntity.RowOf(id), BusinessType = request.TypeName, StorageLocation = location,
                BlobName = MediaStorage.AttachedFolder(id) + request.FileName, Title = request.Title };
        record.AppId = request.AppId;
        record.Status = VideoStatus.Uploading;
        record.CreationTime = time.GetUtcNow();
        await catalog.AddAsync(record, cancellationToken);
        var blob = record is ImageEntity i ? i.BlobName : ((AttachedEntity)record).BlobName;
        logger.LogInformation("Created {Kind} {MediaId} in {AppId}", request.Kind, id, request.AppId);
        return new UploadTicket(id, storage.UrlOf(location, blob), await storage.UploadUrlAsync(location, blob, UploadValidity, cancellationToken));
    }

    /// <summary>Checks that the uploaded blob exists and records its size; answers the media's status.</summary>
    public async Task<Result<string>> CompleteUploadAsync(string mediaId, AppScope scope, CancellationToken cancellationToken = default)
    {
        var entry = await catalog.FindIdAsync(mediaId, cancellationToken);
        if (entry is null) return VodError.MediaNotFound();
        for (var attempt = 0; ; attempt++)
        {
            CatalogEntity? record = entry.Kind switch
            {
                MediaKinds.Video => await catalog.GetAsync<VideoEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken),
                MediaKinds.Image => await catalog.GetAsync<ImageEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken),
                _ => await catalog.GetAsync<AttachedEntity>(entry.OwnerPartition, entry.OwnerRow, cancellationToken),
            };
            if (record is null or { Deleting: true }) return VodError.MediaNotFound();
            if (!scope.CanAccess(record.AppId)) return VodError.Forbidden();
            var (location, blob) = record switch
            {
                VideoEntity v => (v.StorageLocation, MediaStorage.MezzanineFolder(v.VideoId) + v.MezzanineFileName),
                ImageEntity i => (i.StorageLocation, i.BlobName),
                AttachedEntity a => (a.StorageLocation, a.BlobName),
                _ => throw new InvalidOperationException(),
            };
            if (await storage.BlobSizeAsync(location, blob, cancellationToken) is not { } size)
                return new VodError("InvalidFile.NotFound", "The uploaded file was not found; upload it to UploadURL first.");
            if (record is VideoEntity video)
            {
                if (video.MezzanineStatus == MezzanineStatus.Deleted || video.MezzanineDeleting) return video.Status;
                video.Size += size - (video.MezzanineStatus == MezzanineStatus.Normal ? video.MezzanineSize : 0);
                video.MezzanineSize = size;
                video.MezzanineStatus = MezzanineStatus.Normal;
                if (video.Status is VideoStatus.Uploading or VideoStatus.UploadFail)
                    video.Status = video.TranscodeMode == TranscodeModes.FastTranscode ? VideoStatus.UploadSucc : VideoStatus.Normal;
            }
            else
            {
                record.Size = size;
                record.Status = VideoStatus.Normal;
            }
            try
            {
                await catalog.UpdateAsync(record, cancellationToken);
                logger.LogInformation("Completed upload of {MediaId}: {Bytes} bytes", mediaId, size);
                return record.Status;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 5)
            {
                // Changed concurrently: read again and reapply.
            }
        }
    }

    /// <summary>
    /// Registers streams and snapshots a pipeline wrote under the video's folders. Everything is
    /// validated before anything is written; a retry with the same files changes nothing.
    /// </summary>
    public async Task<Result<(IReadOnlyList<string> JobIds, IReadOnlyList<string> ImageIds)>> RegisterMediaFilesAsync(
        string videoId, IReadOnlyList<StreamFile> streams, IReadOnlyList<ImageFile> images, AppScope scope, CancellationToken cancellationToken = default)
    {
        if (streams.Count > MaxStreams) return VodError.InvalidParameter($"At most {MaxStreams} streams may be registered in one call.");
        if (images.Count > MaxImages) return VodError.InvalidParameter($"At most {MaxImages} images may be registered in one call.");
        for (var attempt = 0; ; attempt++)
        {
            var video = await catalog.GetVideoAsync(videoId, cancellationToken);
            if (video is null || video.Deleting) return VodError.VideoNotFound();
            if (!scope.CanAccess(video.AppId)) return VodError.Forbidden();
            var existingStreams = await catalog.StreamsAsync(videoId, cancellationToken).ToDictionaryAsync(s => s.JobId, cancellationToken: cancellationToken);
            var existingImages = await catalog.ImagesAsync(videoId, cancellationToken).ToListAsync(cancellationToken);

            var plan = await PlanAsync(video, streams, images, existingStreams, existingImages, cancellationToken);
            if (!plan.Ok) return plan.Error!;
            var (newStreams, newImages, jobIds, imageIds) = plan.Value!;
            if (newStreams.Count == 0 && newImages.Count == 0) return (jobIds, imageIds);

            foreach (var image in newImages) await catalog.AddIndexEntriesAsync(image, cancellationToken);
            var allStreams = existingStreams.Values.Where(s => !s.Deleting).Concat(newStreams).ToList();
            video.Size = video.SizeWith(allStreams, existingImages.Where(i => !i.Deleting).Concat(newImages));
            if (allStreams.Count > 0) video.Status = VideoStatus.Normal;
            try
            {
                await catalog.AddToVideoAsync(video, newStreams.Concat<CatalogEntity>(newImages), cancellationToken);
                logger.LogInformation("Registered {Streams} streams and {Images} images of {VideoId}", newStreams.Count, newImages.Count, videoId);
                return (jobIds, imageIds);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 3)
            {
                // A concurrent registration: validate again against what is there now.
            }
        }
    }

    private async Task<Result<(List<StreamEntity>, List<ImageEntity>, List<string>, List<string>)>> PlanAsync(
        VideoEntity video, IReadOnlyList<StreamFile> streams, IReadOnlyList<ImageFile> images,
        Dictionary<string, StreamEntity> existingStreams, List<ImageEntity> existingImages, CancellationToken cancellationToken)
    {
        var (newStreams, newImages, jobIds, imageIds) = (new List<StreamEntity>(), new List<ImageEntity>(), new List<string>(), new List<string>());
        var now = time.GetUtcNow();
        foreach (var (stream, index) in streams.Select((s, i) => (s, i)))
        {
            var where = $"Streams[{index}]";
            if (!Definitions.All.Contains(stream.Definition)) return VodError.InvalidParameter($"{where}.Definition must be one of {string.Join(", ", Definitions.All)}.");
            if (string.IsNullOrWhiteSpace(stream.Format) || stream.Format.Length > 16 || !stream.Format.All(char.IsAsciiLetterOrDigit))
                return VodError.InvalidParameter($"{where}.Format must be a file format such as mp4 or m3u8.");
            if (!InFolder(video, stream.FileURL, MediaStorage.StreamsFolder(video.VideoId), out var blob, out var rest))
                return VodError.InvalidParameter($"{where}.FileURL must lie under videos/{video.VideoId}/streams/{{JobId}}/.");
            var jobId = rest.Split('/')[0];
            if (!MediaIds.IsValid(jobId) || !rest.Contains('/'))
                return VodError.InvalidParameter($"{where}.FileURL must lie in a stream folder named by its JobId (32 lowercase hex).");
            if (stream.JobId is { } given && given != jobId) return VodError.InvalidParameter($"{where}.JobId must equal the stream folder's name {jobId}.");
            if (jobIds.Contains(jobId)) return VodError.InvalidParameter($"{where} shares its folder with another stream.");
            if (jobId == video.MezzanineJobId) return VodError.InvalidParameter($"{where}.JobId is the mezzanine's.");
            jobIds.Add(jobId);
            if (existingStreams.TryGetValue(jobId, out var existing))
            {
                if (existing.BlobName != blob || existing.Deleting) return VodError.InvalidParameter($"{where}: stream {jobId} is registered with another FileURL.");
                continue;
            }
            if (await storage.BlobSizeAsync(video.StorageLocation, blob, cancellationToken) is null) return VodError.InvalidParameter($"{where}.FileURL does not exist.");
            var (_, bytes) = await storage.FolderSizeAsync(video.StorageLocation, MediaStorage.StreamFolder(video.VideoId, jobId), cancellationToken);
            newStreams.Add(new StreamEntity
            {
                PartitionKey = video.VideoId, RowKey = StreamEntity.RowOf(jobId), JobId = jobId, Definition = stream.Definition,
                Format = stream.Format.ToLowerInvariant(), BlobName = blob, Size = bytes, Status = VideoStatus.Normal, CreationTime = now, AppId = video.AppId,
            });
        }
        var blobs = new HashSet<string>();
        foreach (var (image, index) in images.Select((m, i) => (m, i)))
        {
            var where = $"Images[{index}]";
            if (!ImageTypes.Snapshot.Contains(image.ImageType)) return VodError.InvalidParameter($"{where}.ImageType must be one of {string.Join(", ", ImageTypes.Snapshot)}.");
            if (!InFolder(video, image.FileURL, MediaStorage.SnapshotFolder(video.VideoId, image.ImageType), out var blob, out _))
                return VodError.InvalidParameter($"{where}.FileURL must lie under videos/{video.VideoId}/snapshots/{image.ImageType}/.");
            if (!blobs.Add(blob)) return VodError.InvalidParameter($"{where}.FileURL is given twice.");
            if (existingImages.FirstOrDefault(i => i.BlobName == blob) is { } known)
            {
                if (known.Deleting || known.ImageType != image.ImageType) return VodError.InvalidParameter($"{where}.FileURL is being deleted.");
                imageIds.Add(known.ImageId);
                continue;
            }
            if (await storage.BlobSizeAsync(video.StorageLocation, blob, cancellationToken) is not { } size) return VodError.InvalidParameter($"{where}.FileURL does not exist.");
            var id = CatalogStore.SnapshotId(video.StorageLocation, blob);
            imageIds.Add(id);
            newImages.Add(new ImageEntity
            {
                PartitionKey = video.VideoId, RowKey = ImageEntity.RowOf(id), ImageId = id, ImageType = image.ImageType, BlobName = blob,
                StorageLocation = video.StorageLocation, VideoId = video.VideoId, AppId = video.AppId, Status = VideoStatus.Normal, CreationTime = now, Size = size,
                FoundByPath = true,
            });
        }
        return (newStreams, newImages, jobIds, imageIds);
    }

    private bool InFolder(VideoEntity video, string url, string folder, out string blob, out string rest)
    {
        rest = "";
        if (!storage.TryParseUrl(url, out var location, out blob) || location != video.StorageLocation || !blob.StartsWith(folder, StringComparison.Ordinal))
            return false;
        rest = blob[folder.Length..];
        return rest.Length > 0;
    }
}
