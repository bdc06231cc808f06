namespace VodFunctions.Core.Audit;

/// <summary>A run of <see cref="AuditPurger"/>: the audit records it removed.</summary>
public sealed class AuditPurgeRunEntity : RunEntity
{
    public int PurgedRecords { get; set; }
}

/// <summary>
/// PurgeAuditLog: removes the audit log's days older than <c>Vod__Audit__Retention</c> (whole day partitions, oldest first) within
/// the run's budget (the next run goes on). Nothing else ever removes or changes a record.
/// </summary>
public sealed class AuditPurger(AuditStore store, RunRecorder recorder, IOptions<AuditOptions> options, ILogger<AuditPurger> logger)
{
    public const string FunctionName = "PurgeAuditLog";

    public Task<AuditPurgeRunEntity> RunAsync(string runId, string trigger, bool isPastDue, CancellationToken cancellationToken = default) =>
        recorder.RunAsync<AuditPurgeRunEntity>(FunctionName, runId, trigger, isPastDue, options.Value, async (run, budget, token) =>
        {
            var cutoff = options.Value.Parsed.SubtractFrom(budget.Time.GetUtcNow());
            var stopped = false;
            run.PurgedRecords = await store.PurgeAsync(cutoff, steps => stopped = budget.SpentAfter(steps), token);
            if (stopped) run.Status = RunStatus.Interrupted;
        }, run => logger.LogInformation("PurgeAuditLog run {RunId} {Status}: {PurgedRecords} audit records older than {Retention} removed",
            run.RunId, run.Status, run.PurgedRecords, options.Value.Retention), cancellationToken);
}
