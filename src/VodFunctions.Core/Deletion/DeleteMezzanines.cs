namespace VodFunctions.Core.Deletion;

public sealed record DeleteMezzaninesResult(IReadOnlyList<string> NonExistVideoIds, IReadOnlyList<string> UnRemoveableVideoIds, DeletePlan? Plan);

/// <summary>
/// DeleteMezzanines: each video's source file; the video, streams and images stay and the mezzanine
/// reads Deleted. A NoTranscode/AsyncTranscode mezzanine is the OD playback: only with Force.
/// </summary>
public sealed class DeleteMezzanines(CatalogStore catalog, DeletionEngine engine)
{
    public const string FailedCode = "DeleteMezzaninesFailed";

    public async Task<Result<DeleteMezzaninesResult>> RunAsync(
        IReadOnlyList<string> videoIds, bool force, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var videos = await Task.WhenAll(videoIds.Select(id => catalog.GetVideoAsync(id, cancellationToken)));
        var missing = videoIds.Where((_, i) => videos[i] is null or { Deleting: true }).ToList();
        var unremovable = videos.OfType<VideoEntity>()
            .Where(v => !v.Deleting && (!scope.CanAccess(v.AppId) || (TranscodeModes.MezzanineIsPlayback(v.TranscodeMode) && !force)))
            .Select(v => v.VideoId).ToList();
        var targets = videoIds.Except(missing).Except(unremovable).ToList();

        var outcome = await engine.RunAsync(targets.Select(id => (id, Prepare(id, request))), request, FailedCode, cancellationToken);
        return outcome.Ok ? new DeleteMezzaninesResult(missing, unremovable, outcome.Value) : outcome.Error!;
    }

    /// <summary>One video's mezzanine folder, read afresh (callers check removability first, as <see cref="RunAsync"/> does).</summary>
    public Func<CancellationToken, Task<DeleteWork>> Prepare(string videoId, DeleteRequest request) => async cancellationToken =>
    {
        var video = await catalog.GetVideoAsync(videoId, cancellationToken);
        if (video is null || video.MezzanineStatus == MezzanineStatus.Deleted) return DeleteWork.Nothing;
        if (video.Deleting || video.MezzanineDeleting) return DeleteWork.Busy;
        video.MezzanineDeleting = true;
        var target = new DeleteTarget(videoId, video.StorageLocation, [MediaStorage.MezzanineFolder(videoId)], [], [],
            new DeleteEvent { MediaType = MediaKinds.Video, DeleteType = DeleteKind.Mezzanine, MediaId = videoId, AppId = video.AppId, RequestId = request.RequestId, Trigger = request.Trigger });
        return new DeleteWork(target, [video]);
    };
}
