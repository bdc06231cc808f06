namespace VodFunctions.Core.Media;

public static class VideoStatus
{
    public const string Uploading = "Uploading";
    public const string UploadFail = "UploadFail";
    public const string UploadSucc = "UploadSucc";
    public const string Transcoding = "Transcoding";
    public const string TranscodeFail = "TranscodeFail";
    public const string Normal = "Normal";
    public static readonly string[] All = [Uploading, UploadFail, UploadSucc, Transcoding, TranscodeFail, Normal];
}

public static class MezzanineStatus
{
    public const string Uploading = "Uploading";
    public const string Normal = "Normal";
    public const string Deleted = "Deleted";
}

public static class TranscodeModes
{
    public const string FastTranscode = "FastTranscode";
    public const string NoTranscode = "NoTranscode";
    public const string AsyncTranscode = "AsyncTranscode";
    public static readonly string[] All = [FastTranscode, NoTranscode, AsyncTranscode];

    /// <summary>For these modes the mezzanine is also the original-quality (OD) playback stream.</summary>
    public static bool MezzanineIsPlayback(string mode) => mode is NoTranscode or AsyncTranscode;
}

public static class Definitions
{
    public const string Original = "OD";
    public static readonly string[] All = ["FD", "LD", "SD", "HD", "OD", "2K", "4K", "SQ", "HQ", "AUTO"];
}

public static class ImageTypes
{
    public static readonly string[] Snapshot = ["CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot"];
    public static readonly string[] Uploaded = ["default", "cover"];
}

public static class BusinessTypes
{
    public static readonly string[] All = ["watermark", "subtitle", "material"];
}

public static class MediaKinds
{
    public const string Video = "video";
    public const string Image = "image";
    public const string Attached = "attached";
    public static readonly string[] All = [Video, Image, Attached];
}

public sealed record Video(
    string VideoId, string Title, string AppId, string? CateId, string Status, string TranscodeMode,
    string StorageLocation, string CreationTime, long Size)
{
    /// <summary>On held media only: why, when and by whom it was held (<c>SetMediaHold</c>).</summary>
    public Holds.MediaHold? Hold { get; init; }
}

public sealed record Mezzanine(string VideoId, string FileName, string FileURL, long Size, string Status, string CreationTime);

public sealed record PlayInfo(
    string JobId, string Definition, string Format, string PlayURL, long Size, string Status, string CreationTime);

public sealed record ImageInfo(
    string ImageId, string ImageType, string URL, string VideoId, string AppId, string? Title, string Status,
    string CreationTime, long Size)
{
    /// <summary>On held media only: why, when and by whom it was held (<c>SetMediaHold</c>).</summary>
    public Holds.MediaHold? Hold { get; init; }
}

public sealed record AttachedMedia(
    string MediaId, string BusinessType, string URL, string AppId, string? Title, string Status, string CreationTime, long Size)
{
    /// <summary>On held media only: why, when and by whom it was held (<c>SetMediaHold</c>).</summary>
    public Holds.MediaHold? Hold { get; init; }
}

public static class Times
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
