using System.Collections.Concurrent;

namespace VodFunctions.Core.Runs;

/// <summary>
/// Tells whoever starts a run on demand when the run's record is written (<see cref="RunRecorder"/>), so that it answers
/// only once the run is listed as <c>Running</c>.
/// </summary>
public sealed class RunStarts
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>Completes once the run <paramref name="runId"/> is recorded; call before the run starts, and <see cref="Forget"/> after.</summary>
    public Task RecordedAsync(string runId) =>
        _waiting.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(string runId) => _waiting.TryRemove(runId, out _);

    internal void Recorded(string runId)
    {
        if (_waiting.TryRemove(runId, out var waiting)) waiting.TrySetResult();
    }
}
