using VodFunctions.Core;
using VodFunctions.Core.Files;
using VodFunctions.Core.Ingest;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace VodFunctions.Functions.Http;

public sealed class CreateUploadVideo(MediaIngest ingest, MediaStorage storage, IOptions<VodOptions> options) : IApiFunction
{
    private static readonly Parameter<string> Title = Upload.RequiredTitle;
    private static readonly Parameter<string> TranscodeMode =
        Param.OneOf("TranscodeMode", "How the video is transcoded; for `NoTranscode` and `AsyncTranscode` the mezzanine is also its `OD` playback.",
            TranscodeModes.All, TranscodeModes.FastTranscode);
    private static readonly Parameter<string?> StorageLocation = Param.Text("StorageLocation",
        "The `Name` of a configured storage location (`Vod__StorageLocations__{n}__Name`); `default` is the app's media container.");
    private static readonly Parameter<string?> CateId = Param.TextOrNumber("CateId", "The video's category.", 64);

    public static ApiOperation Operation { get; } = new("Ingest",
        "Creates a video and answers a one-hour SAS URL for a single-blob PUT of its mezzanine (source file).")
    {
        Parameters = [Title, Upload.FileName, Upload.AppId, CateId, TranscodeMode, StorageLocation],
        Answers =
        [
            new("VideoId", Shape.Id, "The new video."),
            new("UploadURL", Shape.Text, "A SAS URL allowing one PUT of a block blob (`x-ms-blob-type: BlockBlob`), valid for 1 hour."),
            new("StoragePrefix", Shape.Text, "The URL of `videos/{VideoId}/`, where pipelines write the video's streams and snapshots."),
        ],
        Example = new { Title = "My first video", FileName = "movie.mp4", TranscodeMode = "NoTranscode", CateId = "1000" },
    };

    [Function(nameof(CreateUploadVideo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/CreateUploadVideo")] HttpRequest req) =>
        Api.RunAsync(req, nameof(CreateUploadVideo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var title = Title.Read(request);
        var fileName = Upload.FileName.Read(request);
        var appId = Upload.AppId.Read(request) ?? options.Value.DefaultAppId;
        var mode = TranscodeMode.Read(request);
        var location = StorageLocation.Read(request) ?? VodOptions.DefaultLocation;
        if (!storage.IsKnownLocation(location)) return VodError.InvalidParameter($"StorageLocation '{location}' is not configured.");
        var cateId = CateId.Read(request);
        if (!request.Scope.CanAccess(appId)) return VodError.Forbidden();
        var ticket = await ingest.CreateUploadVideoAsync(new NewVideo(title, fileName, appId, cateId, mode, location), cancellationToken);
        return new { VideoId = ticket.MediaId, UploadURL = ticket.UploadUrl.AbsoluteUri, StoragePrefix = ticket.StoragePrefix!.AbsoluteUri };
    }
}

public sealed class CreateUploadImage(MediaIngest ingest, IOptions<VodOptions> options) : IApiFunction
{
    private static readonly Parameter<string> ImageType = Param.OneOf("ImageType", "The kind of uploaded image.", ImageTypes.Uploaded);

    public static ApiOperation Operation { get; } = new("Ingest", "Creates an uploaded image and answers a one-hour SAS URL for a single-blob PUT of its file.")
    {
        Parameters = [ImageType, Upload.FileName, Upload.AppId, Upload.Title],
        Answers =
        [
            new("ImageId", Shape.Id, "The new image."),
            new("ImageURL", Shape.Text, "The image's URL (what `DeleteImage` by URL matches)."),
            new("UploadURL", Shape.Text, "A SAS URL allowing one PUT of a block blob, valid for 1 hour."),
        ],
        Example = new { ImageType = "cover", FileName = "poster.png", Title = "Poster" },
    };

    [Function(nameof(CreateUploadImage))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/CreateUploadImage")] HttpRequest req) =>
        Api.RunAsync(req, nameof(CreateUploadImage), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var type = ImageType.Read(request);
        var fileName = Upload.FileName.Read(request);
        var appId = Upload.AppId.Read(request) ?? options.Value.DefaultAppId;
        var title = Upload.Title.Read(request);
        if (!request.Scope.CanAccess(appId)) return VodError.Forbidden();
        var ticket = await ingest.CreateUploadFileAsync(new NewFile(MediaKinds.Image, type, fileName, appId, title), cancellationToken);
        return new { ImageId = ticket.MediaId, ImageURL = ticket.FileUrl.AbsoluteUri, UploadURL = ticket.UploadUrl.AbsoluteUri };
    }
}

public sealed class CreateUploadAttachedMedia(MediaIngest ingest, IOptions<VodOptions> options) : IApiFunction
{
    private static readonly Parameter<string> BusinessType = Param.OneOf("BusinessType", "The kind of attached media.", BusinessTypes.All);

    public static ApiOperation Operation { get; } = new("Ingest",
        "Creates attached media (a watermark, subtitle or material) and answers a one-hour SAS URL for a single-blob PUT of its file.")
    {
        Parameters = [BusinessType, Upload.FileName, Upload.AppId, Upload.Title],
        Answers =
        [
            new("MediaId", Shape.Id, "The new attached media."),
            new("MediaURL", Shape.Text, "Its file's URL."),
            new("UploadURL", Shape.Text, "A SAS URL allowing one PUT of a block blob, valid for 1 hour."),
        ],
        Example = new { BusinessType = "watermark", FileName = "logo.png" },
    };

    [Function(nameof(CreateUploadAttachedMedia))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/CreateUploadAttachedMedia")] HttpRequest req) =>
        Api.RunAsync(req, nameof(CreateUploadAttachedMedia), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var type = BusinessType.Read(request);
        var fileName = Upload.FileName.Read(request);
        var appId = Upload.AppId.Read(request) ?? options.Value.DefaultAppId;
        var title = Upload.Title.Read(request);
        if (!request.Scope.CanAccess(appId)) return VodError.Forbidden();
        var ticket = await ingest.CreateUploadFileAsync(new NewFile(MediaKinds.Attached, type, fileName, appId, title), cancellationToken);
        return new { MediaId = ticket.MediaId, MediaURL = ticket.FileUrl.AbsoluteUri, UploadURL = ticket.UploadUrl.AbsoluteUri };
    }
}

public sealed class CompleteUpload(MediaIngest ingest) : IApiFunction
{
    private static readonly Parameter<string> MediaId = Param.Id("MediaId", "The video, image or attached media whose file was uploaded.");

    public static ApiOperation Operation { get; } = new("Ingest", "Checks that the media's uploaded file exists and marks the upload complete.")
    {
        Parameters = [MediaId],
        Answers = [new("Status", Shape.Text, "The media's status now: `UploadSucc` for `FastTranscode` videos, `Normal` for the rest.")],
        Errors =
        [
            new("InvalidMedia.NotFound", "The media does not exist."),
            new("InvalidFile.NotFound", "Its file was not uploaded to `UploadURL`."),
        ],
        Example = new { MediaId = ExampleIds.Video },
    };

    [Function(nameof(CompleteUpload))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/CompleteUpload")] HttpRequest req) =>
        Api.RunAsync(req, nameof(CompleteUpload), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var result = await ingest.CompleteUploadAsync(MediaId.Read(request), request.Scope, cancellationToken);
        return result.Answer(status => new { Status = status });
    }
}

public sealed class RegisterMediaFiles(MediaIngest ingest) : IApiFunction
{
    private static readonly Parameter<string> VideoId = Param.Id("VideoId", "The video the files belong to.");

    private static readonly Parameter<IReadOnlyList<StreamFile>> Streams = Param.Objects<StreamFile>("Streams",
        "Streams a transcode pipeline wrote: each `FileURL` (its play URL) lies under `videos/{VideoId}/streams/{JobId}/`, and that folder's "
        + "name (32 lowercase hex) is its `JobId`; a given `JobId` must equal it. Registering an existing JobId again with the same FileURL changes nothing.",
        MediaIngest.MaxStreams);

    private static readonly Parameter<IReadOnlyList<ImageFile>> Images = Param.Objects<ImageFile>("Images",
        "Snapshots a pipeline wrote: each `FileURL` lies under `videos/{VideoId}/snapshots/{ImageType}/`; `ImageType` is `CoverSnapshot`, "
        + "`NormalSnapshot`, `SpriteSnapshot` or `SpriteOriginSnapshot`.", MediaIngest.MaxImages);

    public static ApiOperation Operation { get; } = new("Ingest",
        "Registers the streams and snapshots a pipeline wrote under the video's folder. All or nothing; the video becomes `Normal` once it has a stream.")
    {
        Description = "`Streams` or `Images` (or both) is required. Every `FileURL` must exist; two streams may not share a folder. Anything else "
            + "is `InvalidParameter`, and nothing is registered.",
        Parameters = [VideoId, Streams, Images],
        Answers =
        [
            new("JobIds", Shape.Ids, "The streams' JobIds, in input order."),
            new("ImageIds", Shape.Ids, "The new images' IDs, in input order."),
        ],
        Errors = [new("InvalidVideo.NotFound", "The video does not exist.")],
        Example = new
        {
            VideoId = ExampleIds.Video,
            Streams = new[]
            {
                new { JobId = ExampleIds.Job, Definition = "HD", Format = "m3u8",
                      FileURL = $"https://account.blob.core.windows.net/vod-media/videos/{ExampleIds.Video}/streams/{ExampleIds.Job}/index.m3u8" },
            },
            Images = new[]
            {
                new { ImageType = "CoverSnapshot", FileURL = $"https://account.blob.core.windows.net/vod-media/videos/{ExampleIds.Video}/snapshots/CoverSnapshot/cover.jpg" },
            },
        },
    };

    [Function(nameof(RegisterMediaFiles))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/RegisterMediaFiles")] HttpRequest req) =>
        Api.RunAsync(req, nameof(RegisterMediaFiles), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var videoId = VideoId.Read(request);
        var streams = Streams.Read(request);
        var images = Images.Read(request);
        if (streams.Count == 0 && images.Count == 0) return new VodError("MissingParameter", "Streams or Images is required.");
        var result = await ingest.RegisterMediaFilesAsync(videoId, streams, images, request.Scope, cancellationToken);
        return result.Answer(ids => new { ids.JobIds, ids.ImageIds });
    }
}

/// <summary>Parameters shared by the CreateUpload* operations.</summary>
internal static class Upload
{
    public static readonly Parameter<string> FileName = Param.RequiredText("FileName", "The file's name: a plain file name, no path.",
        valid: MediaStorage.IsValidFileName, invalid: "FileName must be a plain file name (no path separators, at most 255 characters).");

    public static readonly Parameter<string?> AppId = Param.AppId("The application the media belongs to; by default the app's default (`app-1000000`).");

    private const string TitleRule = "Title is at most 128 characters, without control characters.";

    public static readonly Parameter<string> RequiredTitle = Param.RequiredText("Title", "The video's title.", maxLength: 128, valid: IsTitle, invalid: TitleRule);
    public static readonly Parameter<string?> Title = Param.Text("Title", "A title.", maxLength: 128, valid: IsTitle, invalid: TitleRule);

    private static bool IsTitle(string title) => !title.Any(char.IsControl);
}
