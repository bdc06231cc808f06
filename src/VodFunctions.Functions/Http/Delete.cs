using VodFunctions.Core.Deletion;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

public sealed class DeleteVideo(DeleteVideos delete)
{
    [Function(nameof(DeleteVideo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(DeleteVideo), RunAsync, DeleteVideos.FailedCode);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var ids = request.Parameters.RequiredList("VideoIds", "VideoIdsExceededMax");
        return (await delete.RunAsync(ids, request.Scope, request.DeleteRequest(), cancellationToken))
            .Answer(r => new { r.NonExistVideoIds, r.ForbiddenVideoIds, r.Plan });
    }
}

public sealed class DeleteStream(DeleteStreams delete)
{
    [Function(nameof(DeleteStream))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(DeleteStream), RunAsync, DeleteStreams.FailedCode);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var videoId = request.Parameters.Id("VideoId");
        var jobIds = request.Parameters.RequiredList("JobIds", "JobIdsExceededMax");
        return (await delete.RunAsync(videoId, jobIds, request.Scope, request.DeleteRequest(), cancellationToken)).Answer(plan => new { Plan = plan });
    }
}

public sealed class DeleteMezzaninesFunction(DeleteMezzanines delete)
{
    [Function("DeleteMezzanines")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, "DeleteMezzanines", RunAsync, DeleteMezzanines.FailedCode);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var ids = request.Parameters.RequiredList("VideoIds", "VideoIdsExceededMax");
        var force = request.Parameters.Bool("Force");
        return (await delete.RunAsync(ids, force, request.Scope, request.DeleteRequest(), cancellationToken))
            .Answer(r => new { r.NonExistVideoIds, r.UnRemoveableVideoIds, r.Plan });
    }
}

public sealed class DeleteImage(DeleteImages delete)
{
    [Function(nameof(DeleteImage))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(DeleteImage), RunAsync, DeleteImages.FailedCode);

    private static readonly string[] Modes = ["ImageURL", "ImageId", "VideoId"];

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var p = request.Parameters;
        var deleteRequest = request.DeleteRequest();
        var result = p.OneOf("DeleteImageType", Modes) switch
        {
            "ImageURL" => await delete.ByUrlsAsync(p.RequiredList("ImageURLs"), request.Scope, deleteRequest, cancellationToken),
            "ImageId" => await delete.ByIdsAsync(p.RequiredList("ImageIds"), request.Scope, deleteRequest, cancellationToken),
            _ => await delete.ByVideoAsync(p.Id("VideoId"), ImageTypesOf(p), request.Scope, deleteRequest, cancellationToken),
        };
        return result.Answer(plan => new { Plan = plan });
    }

    private static IReadOnlyList<string> ImageTypesOf(Parameters p)
    {
        var types = p.RequiredList("ImageType");
        var allowed = ImageTypes.Snapshot.Append(DeleteImages.AllTypes).ToArray();
        return types.FirstOrDefault(t => !allowed.Contains(t)) is { } bad
            ? throw ApiException.Invalid($"ImageType '{bad}' must be All or one of {string.Join(", ", ImageTypes.Snapshot)}.")
            : types;
    }
}

public sealed class DeleteAttachedMediaFunction(DeleteAttachedMedia delete)
{
    [Function("DeleteAttachedMedia")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, "DeleteAttachedMedia", RunAsync, DeleteAttachedMedia.FailedCode);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await delete.RunAsync(request.Parameters.RequiredList("MediaIds"), request.Scope, request.DeleteRequest(), cancellationToken))
            .Answer(r => new { r.NonExistMediaIds, r.Plan });
}

public sealed class DeleteMultipartUploadFunction(DeleteMultipartUpload delete)
{
    [Function("DeleteMultipartUpload")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, "DeleteMultipartUpload", RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var mediaId = request.Parameters.Id("MediaId");
        request.Parameters.OneOf("MediaType", [MediaKinds.Video]);
        return (await delete.RunAsync(mediaId, request.Scope, request.DeleteRequest().DryRun, cancellationToken)).Answer(plan => new { Plan = plan });
    }
}
