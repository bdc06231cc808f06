namespace VodFunctions.Core.Runs;

/// <summary>A run's time budget, from its start.</summary>
public sealed record RunBudget(TimeProvider Time, DateTimeOffset Start, TimeSpan Limit)
{
    /// <summary>Whether to stop now, having done <paramref name="steps"/>: never before the first, so that every run moves on.</summary>
    public bool SpentAfter(int steps) => steps > 0 && Time.GetUtcNow() - Start >= Limit;
}

/// <summary>
/// Records every run of a timer function the same way: the run row written when it starts, the work done within its
/// budget, a cancelled or failed run recorded as such, and the end written and logged whatever happened.
/// </summary>
public sealed class RunRecorder(RunStore runs, RunStarts starts, TimeProvider time, ILogger<RunRecorder> logger)
{
    /// <param name="work">Sets <see cref="RunEntity.Status"/> when the run stops short; a run it leaves running has completed.</param>
    /// <param name="logEnd">Logs the run's counts once it has ended.</param>
    public async Task<T> RunAsync<T>(
        string function, string runId, string trigger, bool isPastDue, RunOptions options, Func<T, RunBudget, CancellationToken, Task> work, Action<T> logEnd,
        CancellationToken cancellationToken = default)
        where T : RunEntity, new()
    {
        var start = time.GetUtcNow();
        var run = new T();
        run.Begin(function, runId, trigger, isPastDue, start);
        await runs.SaveAsync(run, cancellationToken);
        starts.Recorded(runId);
        try
        {
            await work(run, new RunBudget(time, start, options.RunBudget), cancellationToken);
            if (run.Status == RunStatus.Running) run.Status = RunStatus.Completed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Status = RunStatus.Cancelled;
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Function} run {RunId} failed", function, runId);
            run.Status = RunStatus.Failed;
            run.Error = e.Message;
        }
        finally
        {
            run.EndTime = time.GetUtcNow();
            await runs.SaveAsync(run, CancellationToken.None);
            logEnd(run);
        }
        return run;
    }
}
