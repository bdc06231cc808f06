using System.Runtime.CompilerServices;

namespace VodFunctions.Core.Deletion;

/// <summary>What became of one journal entry found by <see cref="InterruptedDeletes"/>.</summary>
public enum Recovery
{
    /// <summary>Its delete was finished, or its unsent event sent.</summary>
    Finished,
    Failed,
    /// <summary>Its delete left nothing behind: the entry was dropped.</summary>
    Cleaned,
}

/// <summary>
/// Finishes the deletes nobody is finishing (the process stopped, or storage failed and nobody retried), sends the events
/// of finished deletes that were never sent, and drops journal entries whose delete left nothing behind: the first step of
/// ReconcileStorage.
/// </summary>
public sealed class InterruptedDeletes(JournalStore journals, DeletionEngine engine, ILogger<InterruptedDeletes> logger)
{
    /// <summary>An entry with neither journal nor event is dropped only this long after it was written: its delete may still be beginning.</summary>
    public static readonly TimeSpan LeftoverAfter = TimeSpan.FromMinutes(5);

    public async IAsyncEnumerable<Recovery> FinishAsync(RunBudget budget, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var gate = engine.NewGate();
        var attempted = 0;
        // Oldest first, so that a run's budget never leaves one delete waiting behind younger ones (the entries are
        // the unfinished deletes: few).
        var entries = await journals.EntriesAsync(cancellationToken).OrderBy(e => e.CreationTime).ToListAsync(cancellationToken);
        foreach (var entry in entries)
        {
            if (budget.SpentAfter(attempted))
            {
                logger.LogInformation("Finishing interrupted deletes reached the run's budget after {Attempted}; the next run finishes the rest", attempted);
                yield break;
            }
            // Its owner is finishing it: left alone, however long that takes.
            var now = budget.Time.GetUtcNow();
            if (JournalStore.HasOwner(entry, now)) continue;
            attempted++;
            if (await journals.JournalOfAsync(entry, cancellationToken) is not { } journal)
            {
                // A finished delete whose event was never sent: sending it is its last step.
                if (await journals.PendingEventOfAsync(entry, cancellationToken) is { } pending)
                    yield return await engine.PublishAsync(pending, cancellationToken) ? Recovery.Finished : Recovery.Failed;
                else if (now - entry.CreationTime >= LeftoverAfter)
                {
                    await journals.DropAsync(entry, cancellationToken);
                    yield return Recovery.Cleaned;
                }
                continue;
            }
            yield return await TryFinishAsync(journal, gate, cancellationToken);
        }
    }

    private async Task<Recovery> TryFinishAsync(JournalEntity journal, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var target = journal.ToTarget();
        logger.LogInformation("Finishing interrupted {DeleteType} delete {OperationId} of {MediaId}, begun {Started}",
            target.Event.DeleteType, journal.OperationId, target.Event.MediaId, journal.Started);
        try
        {
            return (await engine.FinishAsync(journal, gate, cancellationToken, finishedBy: Reconcile.StorageReconciler.FunctionName)).Ok ? Recovery.Finished : Recovery.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One journal that cannot be finished (its storage location is no longer configured, say) stops only itself.
            logger.LogError(e, "Interrupted delete {OperationId} of {MediaId} could not be finished", journal.OperationId, target.Event.MediaId);
            return Recovery.Failed;
        }
    }
}
