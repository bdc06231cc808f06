namespace VodFunctions.Core.Deletion;

public sealed record DeleteVideosResult(IReadOnlyList<string> NonExistVideoIds, IReadOnlyList<string> ForbiddenVideoIds, DeleteResult Outcome);

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
        var targets = videos.OfType<VideoEntity>().Where(v => scope.CanAccess(v.AppId));

        // Held videos, and videos older than the key's MaxDeleteAge, are listed as forbidden too, as VOD lists what it may not delete.
        // Each job's first attempt takes the record just read: its ETag guards the journal against a change since.
        var outcome = await engine.RunAsync(targets.Select(video => Job(video.VideoId, request, video)), request, cancellationToken, eachApart: true);
        if (!outcome.Ok) return outcome.Error!;
        return new DeleteVideosResult(missing, videoIds.Where(id => forbidden.Contains(id) || outcome.Value!.Refused.Contains(id)).Distinct().ToList(), outcome.Value!);
    }

    /// <summary>The delete of a whole video; <paramref name="read"/>, its record as the caller read it, spares its first attempt a read.</summary>
    public DeleteJob Job(string videoId, DeleteRequest request, VideoEntity? read = null) =>
        engine.Job<VideoEntity>(videoId, FailedCode, request, _ => DeleteParts.All(DeleteKind.All, MediaStorage.VideoFolder(videoId)), read);
}
