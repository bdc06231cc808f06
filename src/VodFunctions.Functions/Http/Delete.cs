using VodFunctions.Core;
using VodFunctions.Core.Deletion;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

public sealed class DeleteVideo(DeleteVideos delete) : IApiFunction
{
    private static readonly Parameter<IReadOnlyList<string>> VideoIds =
        Param.List("VideoIds", "The videos to delete.", required: true, item: Shape.Id, exceededCode: "VideoIdsExceededMax");

    public static ApiOperation Operation { get; } = new("Delete",
        "Deletes videos completely: mezzanine, all streams, all snapshots and sprites, leftover upload blocks, everything under `videos/{VideoId}/`, and their records.")
    {
        Parameters = [VideoIds, Param.DryRun, Param.Permanent],
        Answers =
        [
            new("NonExistVideoIds", Shape.Ids, "The given IDs of videos that do not exist."),
            new("ForbiddenVideoIds", Shape.Ids, "The given IDs of videos of applications the key may not change (not deleted)."),
            Field.Plan, Field.Deleted, Field.RecycleBin,
        ],
        Errors = [new("InvalidVideo.NotFound", "None of the given videos exists.")],
        FailedCode = DeleteVideos.FailedCode,
        Idempotent = true,
        Example = new { VideoIds = new[] { ExampleIds.Video }, DryRun = true },
    };

    [Function(nameof(DeleteVideo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/DeleteVideo")] HttpRequest req) =>
        Api.RunAsync(req, nameof(DeleteVideo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await delete.RunAsync(VideoIds.Read(request), request.Scope, request.DeleteRequest(), cancellationToken))
            .Answer(r => new { r.NonExistVideoIds, r.ForbiddenVideoIds, r.Outcome.Plan, r.Outcome.Deleted, r.Outcome.RecycleBin });
}

public sealed class DeleteStream(DeleteStreams delete) : IApiFunction
{
    private static readonly Parameter<string> VideoId = Param.Id("VideoId", "The video whose streams to delete.");

    private static readonly Parameter<IReadOnlyList<string>> JobIds =
        Param.List("JobIds", "The streams to delete: their JobIds, all streams of the video.", required: true, item: Shape.Id, exceededCode: "JobIdsExceededMax");

    public static ApiOperation Operation { get; } = new("Delete", "Deletes streams of a video: their folders and records. All named streams or none.")
    {
        Description = "The `OD` stream that is the mezzanine itself (NoTranscode and AsyncTranscode videos) is removed only by "
            + "`DeleteMezzanines` with `Force`; naming its JobId here is `InvalidParameter` and deletes nothing.",
        Parameters = [VideoId, JobIds, Param.DryRun, Param.Permanent],
        Answers = [Field.Plan, Field.Deleted, Field.RecycleBin],
        Errors =
        [
            new("InvalidVideo.NotFound", "The video does not exist."),
            new("InvalidStream.NotFound", "A JobId is not a stream of the video; nothing is deleted."),
        ],
        FailedCode = DeleteStreams.FailedCode,
        Idempotent = true,
        Example = new { VideoId = ExampleIds.Video, JobIds = new[] { ExampleIds.Job } },
    };

    [Function(nameof(DeleteStream))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/DeleteStream")] HttpRequest req) =>
        Api.RunAsync(req, nameof(DeleteStream), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var videoId = VideoId.Read(request);
        var jobIds = JobIds.Read(request);
        return (await delete.RunAsync(videoId, jobIds, request.Scope, request.DeleteRequest(), cancellationToken)).Answer(r => r);
    }
}

public sealed class DeleteMezzaninesFunction(DeleteMezzanines delete) : IApiFunction
{
    private static readonly Parameter<IReadOnlyList<string>> VideoIds =
        Param.List("VideoIds", "The videos whose mezzanine (source file) to delete.", required: true, item: Shape.Id, exceededCode: "VideoIdsExceededMax");

    private static readonly Parameter<bool> Force = Param.Flag("Force",
        "Also delete the mezzanine of NoTranscode and AsyncTranscode videos, which is their original-quality (OD) playback.");

    public static ApiOperation Operation { get; } = new("Delete",
        "Deletes videos' mezzanine files; the videos, their streams and images stay, and the mezzanine reads `Status: Deleted`.")
    {
        Description = "Without `Force`, a NoTranscode or AsyncTranscode video's mezzanine is kept and its ID listed in `UnRemoveableVideoIds`; "
            + "with `Force` it is deleted and its `OD` stream disappears from `GetPlayInfo`.",
        Parameters = [VideoIds, Force, Param.DryRun, Param.Permanent],
        Answers =
        [
            new("NonExistVideoIds", Shape.Ids, "The given IDs of videos that do not exist."),
            new("UnRemoveableVideoIds", Shape.Ids, "The given IDs whose mezzanine is kept: their playback without `Force`, or of applications the key may not change."),
            Field.Plan, Field.Deleted, Field.RecycleBin,
        ],
        FailedCode = DeleteMezzanines.FailedCode,
        Idempotent = true,
        Example = new { VideoIds = new[] { ExampleIds.Video }, Force = true },
    };

    [Function("DeleteMezzanines")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/DeleteMezzanines")] HttpRequest req) =>
        Api.RunAsync(req, "DeleteMezzanines", RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var ids = VideoIds.Read(request);
        var force = Force.Read(request);
        return (await delete.RunAsync(ids, force, request.Scope, request.DeleteRequest(), cancellationToken))
            .Answer(r => new { r.NonExistVideoIds, r.UnRemoveableVideoIds, r.Outcome.Plan, r.Outcome.Deleted, r.Outcome.RecycleBin });
    }
}

public sealed class DeleteImage(DeleteImages delete) : IApiFunction
{
    private static readonly Parameter<string> DeleteImageType = Param.OneOf("DeleteImageType",
        "How the images are named: by `ImageURLs`, by `ImageIds`, or by `VideoId` and `ImageType`.", ["ImageURL", "ImageId", "VideoId"]);

    private static readonly Parameter<IReadOnlyList<string>> ImageURLs = Param.List("ImageURLs",
        "With `DeleteImageType: ImageURL` (required then): the images' URLs, each as listed or URL-encoded once; the query string (a SAS token) is ignored.",
        required: false);

    private static readonly Parameter<IReadOnlyList<string>> ImageIds = Param.List("ImageIds",
        "With `DeleteImageType: ImageId` (required then): the images.", required: false, item: Shape.Id);

    private static readonly Parameter<string?> VideoId = Param.OptionalId("VideoId",
        "With `DeleteImageType: VideoId` (required then): the video whose snapshots to delete.");

    private static readonly Parameter<IReadOnlyList<string>> ImageType = Param.List("ImageType",
        "With `DeleteImageType: VideoId` (required then): `All`, or the snapshot types to delete with everything under their `snapshots/{ImageType}/` folders.",
        required: false, values: [DeleteImages.AllTypes, .. ImageTypes.Snapshot]);

    public static ApiOperation Operation { get; } = new("Delete", "Deletes images by URL, by ID, or a video's snapshots by type. All named images or none.")
    {
        Parameters = [DeleteImageType, ImageURLs, ImageIds, VideoId, ImageType, Param.DryRun, Param.Permanent],
        Answers = [Field.Plan, Field.Deleted, Field.RecycleBin],
        Errors = [new("NoSuchResource", "An image named (or in VideoId mode the video) does not exist; the message names it, and nothing is deleted.")],
        FailedCode = DeleteImages.FailedCode,
        Idempotent = true,
        Example = new { DeleteImageType = "VideoId", VideoId = ExampleIds.Video, ImageType = new[] { "SpriteSnapshot", "SpriteOriginSnapshot" } },
    };

    [Function(nameof(DeleteImage))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/DeleteImage")] HttpRequest req) =>
        Api.RunAsync(req, nameof(DeleteImage), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var deleteRequest = request.DeleteRequest();
        Result<DeleteResult> result;
        switch (DeleteImageType.Read(request))
        {
            case "ImageURL":
                var urls = ImageURLs.Require(request);
                if (urls.FirstOrDefault(url => DeleteImages.AsUrl(url) is null) is { } notUrl)
                    return VodError.InvalidParameter($"The ImageURLs item '{notUrl}' is not a URL.");
                result = await delete.ByUrlsAsync(urls, request.Scope, deleteRequest, cancellationToken);
                break;
            case "ImageId":
                result = await delete.ByIdsAsync(ImageIds.Require(request), request.Scope, deleteRequest, cancellationToken);
                break;
            default:
                var videoId = VideoId.Require(request)!;
                result = await delete.ByVideoAsync(videoId, ImageType.Require(request), request.Scope, deleteRequest, cancellationToken);
                break;
        }
        return result.Answer(r => r);
    }
}

public sealed class DeleteAttachedMediaFunction(DeleteAttachedMedia delete) : IApiFunction
{
    private static readonly Parameter<IReadOnlyList<string>> MediaIds =
        Param.List("MediaIds", "The attached media (watermarks, subtitles, material) to delete.", required: true, item: Shape.Id);

    public static ApiOperation Operation { get; } = new("Delete", "Deletes attached media: its files and records.")
    {
        Parameters = [MediaIds, Param.DryRun, Param.Permanent],
        Answers = [new("NonExistMediaIds", Shape.Ids, "The given IDs of attached media that do not exist."), Field.Plan, Field.Deleted, Field.RecycleBin],
        FailedCode = DeleteAttachedMedia.FailedCode,
        Idempotent = true,
        Example = new { MediaIds = new[] { ExampleIds.Attached } },
    };

    [Function("DeleteAttachedMedia")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/DeleteAttachedMedia")] HttpRequest req) =>
        Api.RunAsync(req, "DeleteAttachedMedia", RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await delete.RunAsync(MediaIds.Read(request), request.Scope, request.DeleteRequest(), cancellationToken))
            .Answer(r => new { r.NonExistMediaIds, r.Outcome.Plan, r.Outcome.Deleted, r.Outcome.RecycleBin });
}

public sealed class DeleteMultipartUploadFunction(DeleteMultipartUpload delete) : IApiFunction
{
    private static readonly Parameter<string> MediaId = Param.Id("MediaId", "The video whose uncommitted upload blocks to delete.");
    private static readonly Parameter<string> MediaType = Param.OneOf("MediaType", "The kind of media.", [MediaKinds.Video]);

    public static ApiOperation Operation { get; } = new("Delete",
        "Deletes the upload blocks of a mezzanine that was never committed; a committed mezzanine is untouched.")
    {
        Parameters = [MediaId, MediaType, Param.DryRun],
        Answers = [Field.Plan, Field.Deleted],
        Errors =
        [
            new("InvalidVideo.NotFound", "The video does not exist.", StatusCodes.Status400BadRequest),
            new("InvalidMultipartUpload.NotFound", "The video has no uncommitted upload blocks."),
        ],
        Idempotent = true,
        Example = new { MediaId = ExampleIds.Video, MediaType = "video" },
    };

    [Function("DeleteMultipartUpload")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/DeleteMultipartUpload")] HttpRequest req) =>
        Api.RunAsync(req, "DeleteMultipartUpload", RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var mediaId = MediaId.Read(request);
        MediaType.Read(request);
        return (await delete.RunAsync(mediaId, request.Scope, request.DeleteRequest(), cancellationToken)).Answer(r => r);
    }
}
