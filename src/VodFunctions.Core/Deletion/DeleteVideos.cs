namespace VodFunctions.Core.Deletion;

public sealed record DeleteVideosResult(IReadOnlyList<string> NonExistVideoIds, IReadOnlyList<string> ForbiddenVideoIds, DeletePlan? Plan);

/// <summary>DeleteVideo: each video completely, everything under <c>videos/{VideoId}/</c> and its records.</summary>
public sealed class DeleteVideos(CatalogStore catalog, DeletionEngine engine)
{
    public const string FailedCode = "DeleteVideoFailed";

    public async Task<Result<DeleteVideosResult>> RunAsync(IReadOnlyList<string> videoIds, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var videos = await Task.WhenAll(videoIds.Select(id => catalog.GetVideoAsync(id, cancellationToken)));
        var missing = videoIds.Where((_, i) => videos[i] is null).ToList();
        var forbidden = videoIds.Where((_, i) => videos[i] is { } v && !scope.CanAccess(v.AppId)).ToList();
        if (missing.Count == videoIds.Count) return VodError.VideoNotFound();
        var targets = videos.OfType<VideoEntity>().Where(v => scope.CanAccess(v.AppId)).Select(v => v.VideoId).ToList();

        var outcome = await engine.RunAsync(targets.Select(id => (id, Prepare(id, request))), request, FailedCode, cancellationToken);
        return outcome.Ok ? new DeleteVideosResult(missing, forbidden, outcome.Value) : outcome.Error!;
    }

    /// <summary>The whole video's partition and folder; the video row marked so that readers no longer see it.</summary>
    public Func<CancellationToken, Task<DeleteWork>> Prepare(string videoId, DeleteRequest request) => async cancellationToken =>
    {
        var video = await catalog.GetVideoAsync(videoId, cancellationToken);
        if (video is null) return DeleteWork.Nothing;
        if (video.Deleting) return DeleteWork.Busy;
        video.Deleting = true;
        var target = new DeleteTarget(videoId, video.StorageLocation, [MediaStorage.VideoFolder(videoId)], [], [DeleteTarget.AllRows],
            new DeleteEvent { MediaType = MediaKinds.Video, DeleteType = DeleteKind.All, MediaId = videoId, AppId = video.AppId, RequestId = request.RequestId, Trigger = request.Trigger });
        return new DeleteWork(target, [video]);
    };
}
