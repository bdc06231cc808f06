namespace VodFunctions.Core.Deletion;

/// <summary>DeleteStream: streams of one video, their folders and records; all named streams or none.</summary>
public sealed class DeleteStreams(CatalogStore catalog, MediaReader reader, DeletionEngine engine)
{
    public const string FailedCode = "DeleteStreamFailed";

    public async Task<Result<DeleteResult>> RunAsync(string videoId, IReadOnlyList<string> jobIds, AppScope scope, DeleteRequest request, CancellationToken cancellationToken = default)
    {
        var found = await reader.FindVideoAsync(videoId, scope, cancellationToken);
        if (!found.Ok) return found.Error!;
        var video = found.Value!;
        if (reader.OriginalStreamOf(video) is { } original && jobIds.Contains(original.JobId))
            return VodError.InvalidParameter($"Stream {original.JobId} is the mezzanine itself (OD); delete it with DeleteMezzanines and Force.");
        var streams = await catalog.StreamsAsync(videoId, cancellationToken).Select(s => s.JobId).ToHashSetAsync(cancellationToken: cancellationToken);
        if (jobIds.FirstOrDefault(id => !streams.Contains(id)) is { } unknown)
            return new VodError("InvalidStream.NotFound", $"{unknown} is not a stream of video {videoId}; nothing was deleted.");

        return await engine.RunAsync([Job(videoId, jobIds, request)], request, cancellationToken);
    }

    /// <summary>The named streams of one video (those still there), their folders and records.</summary>
    public DeleteJob Job(string videoId, IReadOnlyList<string> jobIds, DeleteRequest request) => engine.Job<VideoEntity>(videoId, FailedCode, request,
        async (_, cancellationToken) =>
        {
            var streams = await catalog.StreamsAsync(videoId, cancellationToken).Where(s => jobIds.Contains(s.JobId)).ToListAsync(cancellationToken);
            return new DeleteParts(DeleteKind.Stream, streams.Select(s => MediaStorage.StreamFolder(videoId, s.JobId)).ToList(), streams);
        });
}
