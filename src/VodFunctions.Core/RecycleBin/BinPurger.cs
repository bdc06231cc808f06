namespace VodFunctions.Core.RecycleBin;

/// <summary>A run of <see cref="BinPurger"/>: the entries it purged, those storage failed, and the files and bytes removed.</summary>
public sealed class PurgeRunEntity : RunEntity
{
    public int PurgedEntries { get; set; }
    public int FailedEntries { get; set; }

    /// <summary>Entries due but kept: their media is held.</summary>
    public int HeldEntries { get; set; }
    public int PurgedFiles { get; set; }
    public long PurgedBytes { get; set; }
}

/// <summary>
/// EmptyRecycleBin: purges the recycle bin's entries whose purge time has come, oldest first, through the same journalled delete as
/// <c>PurgeRecycleBin</c>, a few at a time within the run's budget (the next run goes on).
/// </summary>
public sealed class BinPurger(RecycleBinStore bin, RunRecorder recorder, IOptions<RecycleBinOptions> options, ILogger<BinPurger> logger)
{
    public const string FunctionName = "EmptyRecycleBin";
    private const int EntriesAtOnce = 20;

    public Task<PurgeRunEntity> RunAsync(string runId, string trigger, bool isPastDue, CancellationToken cancellationToken = default) =>
        recorder.RunAsync<PurgeRunEntity>(FunctionName, runId, trigger, isPastDue, options.Value, async (run, budget, token) =>
        {
            var due = await bin.DueAsync(budget.Time.GetUtcNow(), token);
            var request = new DeleteRequest(runId, new DeleteTrigger(FunctionName));
            var steps = 0;
            foreach (var chunk in due.Chunk(EntriesAtOnce))
            {
                if (budget.SpentAfter(steps++))
                {
                    run.Status = RunStatus.Interrupted;
                    logger.LogInformation("EmptyRecycleBin run {RunId} reached its budget; the next run purges the rest", runId);
                    return;
                }
                var purged = await bin.PurgeEntriesAsync(chunk, [], request, token, eachApart: true);
                if (!purged.Ok)
                {
                    run.FailedEntries += chunk.Length;
                    continue;
                }
                run.PurgedEntries += purged.Value!.PurgedEntryIds.Count;
                run.HeldEntries += purged.Value.RefusedEntryIds.Count;
                run.PurgedFiles += purged.Value.Purged.Files;
                run.PurgedBytes += purged.Value.Purged.Bytes;
            }
        }, run => logger.LogInformation("EmptyRecycleBin run {RunId} {Status}: {PurgedEntries} entries purged ({FailedEntries} failed, {HeldEntries} held), {PurgedFiles} files, {PurgedBytes} bytes",
            run.RunId, run.Status, run.PurgedEntries, run.FailedEntries, run.HeldEntries, run.PurgedFiles, run.PurgedBytes), cancellationToken);
}
