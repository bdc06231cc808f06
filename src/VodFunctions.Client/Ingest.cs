using System.Text.Json;
using System.Text.Json.Serialization;

namespace VodFunctions.Client;

// Requests and responses of the ingest and read operations (API.md section 5).

/// <summary>Fields every response carries.</summary>
public abstract record VodResponse
{
    /// <summary>The request's ID (also the <c>x-request-id</c> header).</summary>
    public string RequestId { get; init; } = "";

    /// <summary>
    /// The response body as the service sent it, fields this version of the client does not know included:
    /// write it out to pass the contract's JSON on. Default for a response not read from the service.
    /// </summary>
    [JsonIgnore]
    public JsonElement Body { get; internal set; }
}

/// <summary>A response with nothing but its <see cref="VodResponse.RequestId"/>.</summary>
public sealed record EmptyResponse : VodResponse;

public sealed record CreateUploadVideoRequest
{
    public required string Title { get; init; }
    public required string FileName { get; init; }
    public string? AppId { get; init; }
    public string? CateId { get; init; }

    /// <summary><c>FastTranscode</c> (default), <c>NoTranscode</c> or <c>AsyncTranscode</c>.</summary>
    public string? TranscodeMode { get; init; }

    /// <summary>The name of a configured storage location; <c>default</c> when not set.</summary>
    public string? StorageLocation { get; init; }
}

public sealed record CreateUploadVideoResponse : VodResponse
{
    public string VideoId { get; init; } = "";

    /// <summary>A SAS URL allowing one PUT of the mezzanine for an hour: see <see cref="VodClient.UploadAsync"/>.</summary>
    public Uri UploadURL { get; init; } = null!;

    /// <summary>The URL of the video's folder, <c>videos/{VideoId}/</c>.</summary>
    public Uri StoragePrefix { get; init; } = null!;
}

public sealed record CreateUploadImageRequest
{
    /// <summary><c>default</c> or <c>cover</c>.</summary>
    public required string ImageType { get; init; }

    public required string FileName { get; init; }
    public string? AppId { get; init; }
    public string? Title { get; init; }
}

public sealed record CreateUploadImageResponse : VodResponse
{
    public string ImageId { get; init; } = "";
    public Uri ImageURL { get; init; } = null!;
    public Uri UploadURL { get; init; } = null!;
}

public sealed record CreateUploadAttachedMediaRequest
{
    /// <summary><c>watermark</c>, <c>subtitle</c> or <c>material</c>.</summary>
    public required string BusinessType { get; init; }

    public required string FileName { get; init; }
    public string? AppId { get; init; }
    public string? Title { get; init; }
}

public sealed record CreateUploadAttachedMediaResponse : VodResponse
{
    public string MediaId { get; init; } = "";
    public Uri MediaURL { get; init; } = null!;
    public Uri UploadURL { get; init; } = null!;
}

public sealed record CompleteUploadResponse : VodResponse
{
    /// <summary>The media's status once its upload is checked: <c>UploadSucc</c> for <c>FastTranscode</c> videos, <c>Normal</c> for the rest.</summary>
    public string Status { get; init; } = "";
}

/// <summary>A stream a pipeline wrote under <c>videos/{VideoId}/streams/{JobId}/</c>.</summary>
public sealed record StreamFile
{
    /// <summary>When given, it must equal the stream's folder segment.</summary>
    public string? JobId { get; init; }

    public required string Definition { get; init; }
    public required string Format { get; init; }

    /// <summary>The stream's play URL (an mp4 or an HLS playlist).</summary>
    public required string FileURL { get; init; }
}

/// <summary>A snapshot a pipeline wrote under <c>videos/{VideoId}/snapshots/{ImageType}/</c>.</summary>
public sealed record ImageFile
{
    public required string ImageType { get; init; }
    public required string FileURL { get; init; }
}

public sealed record RegisterMediaFilesRequest
{
    public required string VideoId { get; init; }
    public IReadOnlyList<StreamFile>? Streams { get; init; }
    public IReadOnlyList<ImageFile>? Images { get; init; }
}

public sealed record RegisterMediaFilesResponse : VodResponse
{
    /// <summary>The streams' JobIds, in input order.</summary>
    public IReadOnlyList<string> JobIds { get; init; } = [];

    /// <summary>The generated ImageIds, in input order.</summary>
    public IReadOnlyList<string> ImageIds { get; init; } = [];
}

public sealed record GetVideoInfoResponse : VodResponse
{
    public Video Video { get; init; } = null!;
}

public sealed record GetPlayInfoResponse : VodResponse
{
    public IReadOnlyList<PlayInfo> PlayInfoList { get; init; } = [];
}

public sealed record GetMezzanineInfoResponse : VodResponse
{
    public Mezzanine Mezzanine { get; init; } = null!;
}

public sealed record GetImageInfoResponse : VodResponse
{
    public ImageInfo ImageInfo { get; init; } = null!;
}

public sealed record ListSnapshotsResponse : VodResponse
{
    public IReadOnlyList<ImageInfo> Images { get; init; } = [];
}

public sealed record GetAttachedMediaInfoResponse : VodResponse
{
    public IReadOnlyList<AttachedMedia> AttachedMediaList { get; init; } = [];
    public IReadOnlyList<string> NonExistMediaIds { get; init; } = [];
}

public sealed record SearchMediaRequest
{
    /// <summary><c>video</c> (default), <c>image</c> (uploaded images) or <c>attached</c>.</summary>
    public string? SearchType { get; init; }

    public string? AppId { get; init; }

    /// <summary>A title prefix.</summary>
    public string? Title { get; init; }

    /// <summary>Items per page, at most 100; 20 when not set.</summary>
    public int? PageSize { get; init; }

    /// <summary>The <see cref="SearchMediaResponse.NextPageToken"/> of the previous page.</summary>
    public string? PageToken { get; init; }
}

public sealed record SearchMediaResponse : VodResponse
{
    public IReadOnlyList<MediaItem> MediaList { get; init; } = [];
    public int Total { get; init; }

    /// <summary>The token of the next page; null on the last page.</summary>
    public string? NextPageToken { get; init; }
}
