using System.Text.Json.Serialization;

namespace VodFunctions.Client;

// Requests and responses of the delete operations (API.md section 6). Every delete takes DryRun:
// validated exactly as the real call, nothing deleted, the answer carrying the Plan; else the answer says what was Deleted.

/// <summary>What a delete would remove, answered by a dry run (<c>DryRun: true</c>).</summary>
public sealed record DeletePlan
{
    public long Files { get; init; }
    public long Bytes { get; init; }
    public long Records { get; init; }

    /// <summary>Up to 100 sample paths.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>Whether the real call moves it into the recycle bin (else it deletes it for good).</summary>
    public bool ToRecycleBin { get; init; }

    /// <summary>With <see cref="ToRecycleBin"/>: when it would be purged, were the real call made now.</summary>
    public DateTimeOffset? PurgeTime { get; init; }
}

/// <summary>What a delete moved into the recycle bin: the entries that hold it, and when they are purged.</summary>
public sealed record RecycleBinMove
{
    public IReadOnlyList<string> EntryIds { get; init; } = [];
    public DateTimeOffset PurgeTime { get; init; }
}

/// <summary>What a delete removed: its files and their bytes.</summary>
public sealed record DeletedFiles
{
    public long Files { get; init; }
    public long Bytes { get; init; }
}

/// <summary>Fields of every delete response: the <see cref="Plan"/> of a dry run, or what the delete <see cref="Deleted"/>.</summary>
public abstract record DeleteResponse : VodResponse
{
    public DeletePlan? Plan { get; init; }
    public DeletedFiles? Deleted { get; init; }

    /// <summary>With the recycle bin on and the delete not <c>Permanent</c>: where its <see cref="Deleted"/> files are held until purged.</summary>
    public RecycleBinMove? RecycleBin { get; init; }
}

public sealed record DeleteVideoRequest
{
    /// <summary>At most 20.</summary>
    public required IReadOnlyList<string> VideoIds { get; init; }

    public bool? DryRun { get; init; }

    /// <summary>Deletes for good even when the recycle bin is on (else what it names moves into the bin).</summary>
    public bool? Permanent { get; init; }

    /// <summary>
    /// The call's idempotency key (the <c>Idempotency-Key</c> header, up to 64 printable ASCII characters): a repeat with the
    /// same key and request within 24 hours answers the first answer again and deletes nothing. When null the client makes a
    /// new one per call, which its own retries reuse.
    /// </summary>
    [JsonIgnore]
    public string? IdempotencyKey { get; init; }
}

public sealed record DeleteVideoResponse : DeleteResponse
{
    public IReadOnlyList<string> NonExistVideoIds { get; init; } = [];

    /// <summary>Videos of applications the key may not touch: left alone.</summary>
    public IReadOnlyList<string> ForbiddenVideoIds { get; init; } = [];
}

public sealed record DeleteStreamRequest
{
    public required string VideoId { get; init; }

    /// <summary>Streams of that video, at most 20.</summary>
    public required IReadOnlyList<string> JobIds { get; init; }

    public bool? DryRun { get; init; }

    /// <summary>Deletes for good even when the recycle bin is on (else what it names moves into the bin).</summary>
    public bool? Permanent { get; init; }

    /// <summary>
    /// The call's idempotency key (the <c>Idempotency-Key</c> header, up to 64 printable ASCII characters): a repeat with the
    /// same key and request within 24 hours answers the first answer again and deletes nothing. When null the client makes a
    /// new one per call, which its own retries reuse.
    /// </summary>
    [JsonIgnore]
    public string? IdempotencyKey { get; init; }
}

/// <summary>The answer of a delete that reports nothing but its plan (dry run) and request ID.</summary>
public sealed record DeleteCompletedResponse : DeleteResponse;

public sealed record DeleteMezzaninesRequest
{
    /// <summary>At most 20.</summary>
    public required IReadOnlyList<string> VideoIds { get; init; }

    /// <summary>Also delete mezzanines that are a video's original-quality playback (<c>NoTranscode</c>, <c>AsyncTranscode</c>).</summary>
    public bool? Force { get; init; }

    public bool? DryRun { get; init; }

    /// <summary>Deletes for good even when the recycle bin is on (else what it names moves into the bin).</summary>
    public bool? Permanent { get; init; }

    /// <summary>
    /// The call's idempotency key (the <c>Idempotency-Key</c> header, up to 64 printable ASCII characters): a repeat with the
    /// same key and request within 24 hours answers the first answer again and deletes nothing. When null the client makes a
    /// new one per call, which its own retries reuse.
    /// </summary>
    [JsonIgnore]
    public string? IdempotencyKey { get; init; }
}

public sealed record DeleteMezzaninesResponse : DeleteResponse
{
    public IReadOnlyList<string> NonExistVideoIds { get; init; } = [];

    /// <summary>Videos whose mezzanine was kept: it is their playback and <c>Force</c> was not set, or the key may not touch them.</summary>
    public IReadOnlyList<string> UnRemoveableVideoIds { get; init; } = [];
}

/// <summary>
/// <c>DeleteImage</c> in one of its three modes: build it with <see cref="ByUrls"/>, <see cref="ByIds"/>
/// or <see cref="ByVideo"/>.
/// </summary>
public sealed record DeleteImageRequest
{
    /// <summary><c>ImageURL</c>, <c>ImageId</c> or <c>VideoId</c>.</summary>
    public required string DeleteImageType { get; init; }

    public IReadOnlyList<string>? ImageURLs { get; init; }
    public IReadOnlyList<string>? ImageIds { get; init; }
    public string? VideoId { get; init; }

    /// <summary>With <c>VideoId</c>: <c>All</c>, or some of <c>CoverSnapshot</c>, <c>NormalSnapshot</c>, <c>SpriteSnapshot</c>, <c>SpriteOriginSnapshot</c>.</summary>
    public IReadOnlyList<string>? ImageType { get; init; }

    public bool? DryRun { get; init; }

    /// <summary>Deletes for good even when the recycle bin is on (else what it names moves into the bin).</summary>
    public bool? Permanent { get; init; }

    /// <summary>
    /// The call's idempotency key (the <c>Idempotency-Key</c> header, up to 64 printable ASCII characters): a repeat with the
    /// same key and request within 24 hours answers the first answer again and deletes nothing. When null the client makes a
    /// new one per call, which its own retries reuse.
    /// </summary>
    [JsonIgnore]
    public string? IdempotencyKey { get; init; }

    /// <summary>Deletes the catalog images at these URLs (at most 20; the query string is ignored).</summary>
    public static DeleteImageRequest ByUrls(IReadOnlyList<string> imageUrls, bool? dryRun = null) =>
        new() { DeleteImageType = "ImageURL", ImageURLs = imageUrls, DryRun = dryRun };

    /// <summary>Deletes these images (at most 20).</summary>
    public static DeleteImageRequest ByIds(IReadOnlyList<string> imageIds, bool? dryRun = null) =>
        new() { DeleteImageType = "ImageId", ImageIds = imageIds, DryRun = dryRun };

    /// <summary>Deletes a video's images of these types (<c>All</c> for every one) and their folders.</summary>
    public static DeleteImageRequest ByVideo(string videoId, IReadOnlyList<string> imageTypes, bool? dryRun = null) =>
        new() { DeleteImageType = "VideoId", VideoId = videoId, ImageType = imageTypes, DryRun = dryRun };
}

public sealed record DeleteAttachedMediaRequest
{
    /// <summary>At most 20.</summary>
    public required IReadOnlyList<string> MediaIds { get; init; }

    public bool? DryRun { get; init; }

    /// <summary>Deletes for good even when the recycle bin is on (else what it names moves into the bin).</summary>
    public bool? Permanent { get; init; }

    /// <summary>
    /// The call's idempotency key (the <c>Idempotency-Key</c> header, up to 64 printable ASCII characters): a repeat with the
    /// same key and request within 24 hours answers the first answer again and deletes nothing. When null the client makes a
    /// new one per call, which its own retries reuse.
    /// </summary>
    [JsonIgnore]
    public string? IdempotencyKey { get; init; }
}

public sealed record DeleteAttachedMediaResponse : DeleteResponse
{
    public IReadOnlyList<string> NonExistMediaIds { get; init; } = [];
}

public sealed record DeleteMultipartUploadRequest
{
    public required string MediaId { get; init; }

    /// <summary><c>video</c>.</summary>
    public string MediaType { get; init; } = "video";

    public bool? DryRun { get; init; }

    /// <summary>
    /// The call's idempotency key (the <c>Idempotency-Key</c> header, up to 64 printable ASCII characters): a repeat with the
    /// same key and request within 24 hours answers the first answer again and deletes nothing. When null the client makes a
    /// new one per call, which its own retries reuse.
    /// </summary>
    [JsonIgnore]
    public string? IdempotencyKey { get; init; }
}
