namespace VodFunctions.Client;

// The media model of the contract (API.md section 3), as the Get and Search operations return it.

/// <summary>A video (or audio) asset.</summary>
public sealed record Video
{
    public string VideoId { get; init; } = "";
    public string Title { get; init; } = "";
    public string AppId { get; init; } = "";
    public string? CateId { get; init; }

    /// <summary><c>Uploading</c>, <c>UploadFail</c>, <c>UploadSucc</c>, <c>Transcoding</c>, <c>TranscodeFail</c> or <c>Normal</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary><c>FastTranscode</c>, <c>NoTranscode</c> or <c>AsyncTranscode</c>.</summary>
    public string TranscodeMode { get; init; } = "";

    public string StorageLocation { get; init; } = "";
    public DateTimeOffset CreationTime { get; init; }

    /// <summary>Bytes of all the video's files.</summary>
    public long Size { get; init; }
    /// <summary>Set on held media only (<see cref="VodClient.SetMediaHoldAsync"/>): it is never deleted until released.</summary>
    public MediaHold? Hold { get; init; }
}

/// <summary>The uploaded source file of a video.</summary>
public sealed record Mezzanine
{
    public string VideoId { get; init; } = "";
    public string FileName { get; init; } = "";
    public string FileURL { get; init; } = "";
    public long Size { get; init; }

    /// <summary><c>Uploading</c>, <c>Normal</c> or <c>Deleted</c>.</summary>
    public string Status { get; init; } = "";

    public DateTimeOffset CreationTime { get; init; }
}

/// <summary>One playable rendition of a video (a stream).</summary>
public sealed record PlayInfo
{
    public string JobId { get; init; } = "";

    /// <summary><c>FD</c>, <c>LD</c>, <c>SD</c>, <c>HD</c>, <c>OD</c>, <c>2K</c>, <c>4K</c>, <c>SQ</c>, <c>HQ</c> or <c>AUTO</c>.</summary>
    public string Definition { get; init; } = "";

    public string Format { get; init; } = "";
    public string PlayURL { get; init; } = "";
    public long Size { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset CreationTime { get; init; }
}

/// <summary>An image: a video's snapshot or sprite, or an uploaded image.</summary>
public sealed record ImageInfo
{
    public string ImageId { get; init; } = "";

    /// <summary><c>CoverSnapshot</c>, <c>NormalSnapshot</c>, <c>SpriteSnapshot</c>, <c>SpriteOriginSnapshot</c>; <c>default</c> or <c>cover</c> for uploaded images.</summary>
    public string ImageType { get; init; } = "";

    public string URL { get; init; } = "";

    /// <summary>The owning video; empty for uploaded images.</summary>
    public string VideoId { get; init; } = "";

    public string AppId { get; init; } = "";
    public string? Title { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset CreationTime { get; init; }
    public long Size { get; init; }
    /// <summary>Set on held media only (<see cref="VodClient.SetMediaHoldAsync"/>): it is never deleted until released.</summary>
    public MediaHold? Hold { get; init; }
}

/// <summary>Attached media (short video material: watermarks, subtitles, material).</summary>
public sealed record AttachedMedia
{
    public string MediaId { get; init; } = "";

    /// <summary><c>watermark</c>, <c>subtitle</c> or <c>material</c>.</summary>
    public string BusinessType { get; init; } = "";

    public string URL { get; init; } = "";
    public string AppId { get; init; } = "";
    public string? Title { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset CreationTime { get; init; }
    public long Size { get; init; }
    /// <summary>Set on held media only (<see cref="VodClient.SetMediaHoldAsync"/>): it is never deleted until released.</summary>
    public MediaHold? Hold { get; init; }
}

/// <summary>One item of <c>SearchMedia</c>: exactly one of <see cref="Video"/>, <see cref="Image"/>, <see cref="AttachedMedia"/> is set.</summary>
public sealed record MediaItem
{
    /// <summary><c>video</c>, <c>image</c> or <c>attached</c>.</summary>
    public string MediaType { get; init; } = "";

    public string MediaId { get; init; } = "";
    public DateTimeOffset CreationTime { get; init; }
    public Video? Video { get; init; }
    public ImageInfo? Image { get; init; }
    public AttachedMedia? AttachedMedia { get; init; }
}
