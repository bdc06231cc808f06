namespace VodFunctions.Core;

/// <summary>Settings bound from the <c>Vod</c> configuration section (<c>Vod__...</c> app settings).</summary>
public sealed class VodOptions
{
    public const string Section = "Vod";
    public const string DefaultLocation = "default";

    /// <summary>The media container of the default storage location.</summary>
    public string MediaContainer { get; set; } = "vod-media";

    /// <summary>Prefix of the catalog table names (letters and digits only).</summary>
    public string TablePrefix { get; set; } = "Vod";

    public string EventsQueue { get; set; } = "vod-events";

    public string DefaultAppId { get; set; } = "app-1000000";

    /// <summary>External storage locations; <c>default</c> is always the media storage account.</summary>
    public List<StorageLocationOptions> StorageLocations { get; set; } = [];

    /// <summary>Storage requests deleting blobs in flight across one request (a batch or a single delete each).</summary>
    public int DeleteParallelism { get; set; } = 32;

    /// <summary>Blobs deleted per Blob Batch request (1 to 256).</summary>
    public int DeleteBatchSize { get; set; } = Files.BlobBatch.MaxSize;
}
