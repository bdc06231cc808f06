namespace VodFunctions.Core.Catalog;

/// <summary>
/// Catalog rows. All records of one video share its partition (PartitionKey = VideoId), so one
/// entity-group transaction can change them together. Uploaded images and attached media are
/// partitions of their own. Row keys: <c>video|{VideoId}</c>, <c>stream|{JobId}</c>, <c>image|{ImageId}</c>,
/// <c>attached|{MediaId}</c>, <c>journal|{OperationId}</c>. Every row key holds an ID, so no two partitions share
/// one: a table store that finds rows by row key first then finds one row, not one per partition.
/// </summary>
public abstract class CatalogEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string AppId { get; set; } = "";
    public string Status { get; set; } = "";
    public DateTimeOffset CreationTime { get; set; }
    public long Size { get; set; }

    /// <summary>Set (with the journal row) when a delete of this record has begun; it is then finished, never undone.</summary>
    public bool Deleting { get; set; }

    /// <summary>
    /// Set on a part of a video (a stream, a snapshot) that a restore from the recycle bin brought back before its last step: the
    /// restore's entry. Hidden while the video's <see cref="VideoEntity.Restoring"/> names it.
    /// </summary>
    public string? RestoreOf { get; set; }
}

/// <summary>A record that owns a folder of files in a storage location, in a partition of its own: a video, an uploaded image, attached media.</summary>
public interface IMediaRecord
{
    /// <summary>Its <see cref="MediaKinds"/> kind.</summary>
    static abstract string Kind { get; }

    static abstract string RowOf(string id);

    string StorageLocation { get; }
}

public sealed class VideoEntity : CatalogEntity, IMediaRecord
{
    public static string Kind => MediaKinds.Video;
    public static string RowOf(string videoId) => "video|" + videoId;
    public string VideoId => PartitionKey;
    public string Title { get; set; } = "";
    public string? CateId { get; set; }
    public string TranscodeMode { get; set; } = "";
    public string StorageLocation { get; set; } = "";
    public string MezzanineFileName { get; set; } = "";
    public string MezzanineStatus { get; set; } = "";
    public long MezzanineSize { get; set; }
    /// <summary>The JobId under which the mezzanine is listed as the OD stream (NoTranscode / AsyncTranscode).</summary>
    public string MezzanineJobId { get; set; } = "";
    public bool MezzanineDeleting { get; set; }

    /// <summary>The recycle bin entry a restore of parts of this video is bringing back (set with its journal, cleared by its last step).</summary>
    public string? Restoring { get; set; }

    /// <summary>Whether readers see <paramref name="part"/> (a stream or snapshot row of this video): not being deleted, nor half-restored.</summary>
    public bool Shows(CatalogEntity part) => !part.Deleting && (part.RestoreOf is null || part.RestoreOf != Restoring);

    /// <summary>The video's Size with these streams and images: they and the mezzanine (while it is there), each counted once.</summary>
    public long SizeWith(IEnumerable<StreamEntity> streams, IEnumerable<ImageEntity> images) =>
        (MezzanineStatus == Media.MezzanineStatus.Normal ? MezzanineSize : 0) + streams.Sum(s => s.Size) + images.Sum(i => i.Size);
}

public sealed class StreamEntity : CatalogEntity
{
    public const string Prefix = "stream|";
    public string JobId { get; set; } = "";
    public string Definition { get; set; } = "";
    public string Format { get; set; } = "";
    /// <summary>The play file (playlist or mp4), a blob under the stream folder.</summary>
    public string BlobName { get; set; } = "";
    public static string RowOf(string jobId) => Prefix + jobId;
}

/// <summary>A snapshot of a video (in the video's partition) or an uploaded image (a partition of its own).</summary>
public sealed class ImageEntity : CatalogEntity, IMediaRecord
{
    public static string Kind => MediaKinds.Image;
    public const string Prefix = "image|";
    public string ImageId { get; set; } = "";
    public string ImageType { get; set; } = "";
    public string BlobName { get; set; } = "";
    public string StorageLocation { get; set; } = "";
    /// <summary>Empty for uploaded images.</summary>
    public string VideoId { get; set; } = "";
    public string? Title { get; set; }

    /// <summary>
    /// Found by its file through its own path (<see cref="CatalogStore.ByPath"/>), with no <c>blob|</c> index row: set on
    /// snapshots and uploaded images registered since; rows written before have a <c>blob|</c> row, which goes with them.
    /// </summary>
    public bool FoundByPath { get; set; }

    public static string RowOf(string imageId) => Prefix + imageId;
}

public sealed class AttachedEntity : CatalogEntity, IMediaRecord
{
    public static string Kind => MediaKinds.Attached;
    public static string RowOf(string mediaId) => "attached|" + mediaId;
    public string MediaId => PartitionKey;
    public string BusinessType { get; set; } = "";
    public string BlobName { get; set; } = "";
    public string StorageLocation { get; set; } = "";
    public string? Title { get; set; }
}

/// <summary>
/// A row of the index table: <c>id|{MediaId}</c> (where a media's record lives) and <c>blob|{hash}</c>
/// (which image owns a file, for images not <see cref="ImageEntity.FoundByPath"/>), each its partition's only row with the
/// partition key as row key;
/// <c>title|{kind}|{app}</c> and <c>time|{kind}|{app}</c> (search and age); <c>journal</c> (deletes in
/// progress). Readers tolerate entries whose record is gone.
/// </summary>
public sealed class IndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Kind { get; set; } = "";
    public string MediaId { get; set; } = "";
    public string OwnerPartition { get; set; } = "";
    public string OwnerRow { get; set; } = "";
    public string AppId { get; set; } = "";
    public string? CateId { get; set; }
    public DateTimeOffset CreationTime { get; set; }
    /// <summary>A <c>journal</c> entry's last sign that its delete's owner is alive (none yet: <see cref="CreationTime"/>).</summary>
    public DateTimeOffset? Heartbeat { get; set; }
    /// <summary>A recycle bin entry's purge time (its rows in <c>bin|...</c>).</summary>
    public DateTimeOffset? PurgeTime { get; set; }
    /// <summary>A recycle bin entry's files and bytes (its rows in <c>bin|...</c>), so that the bin's size is read from its index.</summary>
    public int? Files { get; set; }
    public long? Size { get; set; }
}
