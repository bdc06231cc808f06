namespace VodFunctions.Core.Deletion;

public sealed record DeleteAttachedMediaResult(IReadOnlyList<string> NonExistMediaIds, DeleteResult Outcome);

/// <summary>DeleteAttachedMedia: each attached media's folder <c>attached/{MediaId}/</c> and record.</summary>
public sealed class DeleteAttachedMedia(CatalogStore catalog, DeletionEngine engine)
{
    public const string FailedCode = "DeleteAttachedMediaFailed";

    public async Task<Result<DeleteAttachedMediaResult>> RunAsync(IReadOnlyList<string> mediaIds, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var records = await Task.WhenAll(mediaIds.Select(id => catalog.GetAttachedAsync(id, cancellationToken)));
        if (records.Any(r => r is not null && !scope.CanAccess(r.AppId))) return VodError.Forbidden();
        var missing = mediaIds.Where((_, i) => records[i] is null).ToList();
        var jobs = records.OfType<AttachedEntity>().Select(r => engine.Job<AttachedEntity>(r.MediaId, FailedCode, request,
            _ => DeleteParts.All(DeleteKind.All, MediaStorage.AttachedFolder(r.MediaId))));

        var outcome = await engine.RunAsync(jobs, request, cancellationToken);
        return outcome.Ok ? new DeleteAttachedMediaResult(missing, outcome.Value!) : outcome.Error!;
    }
}
