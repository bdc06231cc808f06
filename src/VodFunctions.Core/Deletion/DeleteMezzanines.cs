namespace VodFunctions.Core.Deletion;

public sealed record DeleteMezzaninesResult(IReadOnlyList<string> NonExistVideoIds, IReadOnlyList<string> UnRemoveableVideoIds, DeleteResult Outcome);

/// <summary>
/// DeleteMezzanines: each video's source file; the video, streams and images stay and the mezzanine
/// reads Deleted. A NoTranscode/AsyncTranscode mezzanine is the OD playback: only with Force.
/// </summary>
public sealed class DeleteMezzanines(CatalogStore catalog, DeletionEngine engine)
{
    public const string FailedCode = "DeleteMezzaninesFailed";

    /// <summary>The video row once its mezzanine is gone.</summary>
    private static readonly Dictionary<string, object> Gone = new()
    {
        [nameof(VideoEntity.MezzanineStatus)] = MezzanineStatus.Deleted, [nameof(VideoEntity.MezzanineSize)] = 0L, [nameof(VideoEntity.MezzanineDeleting)] = false,
    };

    public async Task<Result<DeleteMezzaninesResult>> RunAsync(
        IReadOnlyList<string> videoIds, bool force, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var videos = await Task.WhenAll(videoIds.Select(id => catalog.GetVideoAsync(id, cancellationToken)));
        var missing = videoIds.Where((_, i) => videos[i] is null or { Deleting: true }).ToList();
        var unremovable = videos.OfType<VideoEntity>()
            .Where(v => !v.Deleting && (!scope.CanAccess(v.AppId) || (TranscodeModes.MezzanineIsPlayback(v.TranscodeMode) && !force)))
            .Select(v => v.VideoId).ToList();
        var targets = videoIds.Except(missing).Except(unremovable);

        var outcome = await engine.RunAsync(targets.Select(id => Job(id, request)), request, cancellationToken);
        return outcome.Ok ? new DeleteMezzaninesResult(missing, unremovable, outcome.Value!) : outcome.Error!;
    }

    /// <summary>One video's mezzanine folder (callers check removability first, as <see cref="RunAsync"/> does).</summary>
    public DeleteJob Job(string videoId, DeleteRequest request) => engine.Job<VideoEntity>(videoId, FailedCode, request, video =>
    {
        if (video.MezzanineStatus == MezzanineStatus.Deleted) return null;
        // The mezzanine has no row of its own: the video row carries its mark, and its state once the file is gone.
        var held = video.MezzanineDeleting;
        video.MezzanineDeleting = true;
        return new DeleteParts(DeleteKind.Mezzanine, [MediaStorage.MezzanineFolder(videoId)], []) { Held = held, OwnerUpdate = Gone };
    });
}
