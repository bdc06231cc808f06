namespace VodFunctions.Core.Deletion;

public sealed record DeleteAttachedMediaResult(IReadOnlyList<string> NonExistMediaIds, DeletePlan? Plan);

/// <summary>DeleteAttachedMedia: each attached media's folder <c>attached/{MediaId}/</c> and record.</summary>
public sealed class DeleteAttachedMedia(CatalogStore catalog, DeletionEngine engine)
{
    public const string FailedCode = "DeleteAttachedMediaFailed";

    public async Task<Result<DeleteAttachedMediaResult>> RunAsync(IReadOnlyList<string> mediaIds, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var records = await Task.WhenAll(mediaIds.Select(id => catalog.GetAttachedAsync(id, cancellationToken)));
        if (records.Any(r => r is not null && !scope.CanAccess(r.AppId))) return VodError.Forbidden();
        var missing = mediaIds.Where((_, i) => records[i] is null).ToList();
        var targets = records.OfType<AttachedEntity>().Select(r => r.MediaId).ToList();

        var outcome = await engine.RunAsync(targets.Select(id => (id, Prepare(id, request))), request, FailedCode, cancellationToken);
        return outcome.Ok ? new DeleteAttachedMediaResult(missing, outcome.Value) : outcome.Error!;
    }

    private Func<CancellationToken, Task<DeleteWork>> Prepare(string mediaId, DeleteRequest request) => async cancellationToken =>
    {
        var media = await catalog.GetAsync<AttachedEntity>(mediaId, AttachedEntity.RowOf(mediaId), cancellationToken);
        if (media is null) return DeleteWork.Nothing;
        if (media.Deleting) return DeleteWork.Busy;
        media.Deleting = true;
        var target = new DeleteTarget(mediaId, media.StorageLocation, [MediaStorage.AttachedFolder(mediaId)], [], [DeleteTarget.AllRows],
            new DeleteEvent { MediaType = MediaKinds.Attached, DeleteType = DeleteKind.All, MediaId = mediaId, AppId = media.AppId, RequestId = request.RequestId, Trigger = request.Trigger });
        return new DeleteWork(target, [media]);
    };
}
