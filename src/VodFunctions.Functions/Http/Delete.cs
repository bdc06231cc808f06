using VodFunctions.Core.Deletion;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

[Function("DeleteVideo", StorageFailedCode = DeleteVideos.FailedCode)]
public sealed class DeleteVideo(DeleteVideos delete) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var ids = request.Parameters.RequiredList("VideoIds", "VideoIdsExceededMax");
        return (await delete.RunAsync(ids, request.Scope, request.DeleteRequest(), cancellationToken))
            .Answer(r => new { r.NonExistVideoIds, r.ForbiddenVideoIds, r.Plan });
    }
}

[Function("DeleteStream", StorageFailedCode = DeleteStreams.FailedCode)]
public sealed class DeleteStream(DeleteStreams delete) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var videoId = request.Parameters.Id("VideoId");
        var jobIds = request.Parameters.RequiredList("JobIds", "JobIdsExceededMax");
        return (await delete.RunAsync(videoId, jobIds, request.Scope, request.DeleteRequest(), cancellationToken)).Answer(plan => new { Plan = plan });
    }
}

[Function("DeleteMezzanines", StorageFailedCode = DeleteMezzanines.FailedCode)]
public sealed class DeleteMezzaninesFunction(DeleteMezzanines delete) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var ids = request.Parameters.RequiredList("VideoIds", "VideoIdsExceededMax");
        var force = request.Parameters.Bool("Force");
        return (await delete.RunAsync(ids, force, request.Scope, request.DeleteRequest(), cancellationToken))
            .Answer(r => new { r.NonExistVideoIds, r.UnRemoveableVideoIds, r.Plan });
    }
}

[Function("DeleteImage", StorageFailedCode = DeleteImages.FailedCode)]
public sealed class DeleteImage(DeleteImages delete) : IHttpFunction
{
    private static readonly string[] Modes = ["ImageURL", "ImageId", "VideoId"];

    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
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

[Function("DeleteAttachedMedia", StorageFailedCode = DeleteAttachedMedia.FailedCode)]
public sealed class DeleteAttachedMediaFunction(DeleteAttachedMedia delete) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await delete.RunAsync(request.Parameters.RequiredList("MediaIds"), request.Scope, request.DeleteRequest(), cancellationToken))
            .Answer(r => new { r.NonExistMediaIds, r.Plan });
}

[Function("DeleteMultipartUpload")]
public sealed class DeleteMultipartUploadFunction(DeleteMultipartUpload delete) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var mediaId = request.Parameters.Id("MediaId");
        request.Parameters.OneOf("MediaType", [MediaKinds.Video]);
        return (await delete.RunAsync(mediaId, request.Scope, request.DeleteRequest().DryRun, cancellationToken)).Answer(plan => new { Plan = plan });
    }
}
