using Cronos;
using VodFunctions.Core;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Timers;

/// <summary>
/// The app's own scheduler, used when no Azure Functions host runs the timers (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c>
/// not set): each timer function on its NCRONTAB schedule (6 fields, UTC) from <c>Vod__Schedules__{Name}</c>,
/// on the injected clock. A function is off when <c>AzureWebJobs.{Name}.Disabled</c> is true, as under the host.
/// Like the host's schedule monitor (<c>useMonitor</c>), schedules count from the last scheduled run, so an
/// occurrence missed while the app was down runs at once when it starts. Such a run, and one that wakes after a later
/// occurrence has also passed, is past due: at least one run was missed.
/// </summary>
public sealed class TimerScheduler : BackgroundService
{
    public static readonly IReadOnlyDictionary<string, string> DefaultSchedules = new Dictionary<string, string>
    {
        ["ApplyMediaPolicies"] = "0 0 3 * * *",
        ["ReconcileStorage"] = "0 */15 * * * *",
    };

    private readonly TimerRunner _runner;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly StorageInitializer _storage;
    private readonly RunStore _runs;
    private readonly ILogger<TimerScheduler> _logger;
    /// <summary>When the app started (taken when the host creates this service): schedules count from here when no run is known.</summary>
    private readonly DateTimeOffset _from;

    public TimerScheduler(TimerRunner runner, IConfiguration configuration, TimeProvider time, StorageInitializer storage, RunStore runs, ILogger<TimerScheduler> logger)
    {
        (_runner, _configuration, _time, _storage, _runs, _logger) = (runner, configuration, time, storage, runs, logger);
        _from = time.GetUtcNow();
    }

    public static string ScheduleOf(IConfiguration configuration, string function) =>
        configuration[$"Vod:Schedules:{function}"] is { Length: > 0 } schedule ? schedule : DefaultSchedules.GetValueOrDefault(function, "0 0 0 * * *");

    /// <summary>The Azure Functions setting that disables a function: <c>AzureWebJobs.{Name}.Disabled</c> (or <c>AzureWebJobs__{Name}__Disabled</c>).</summary>
    public static bool IsDisabled(IConfiguration configuration, string function) =>
        (configuration[$"AzureWebJobs.{function}.Disabled"] ?? configuration[$"AzureWebJobs:{function}:Disabled"]) is { } value
        && (value == "1" || bool.TryParse(value, out var disabled) && disabled);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _storage.Ready.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await Task.WhenAll(TimerRunner.Functions.Select(f => LoopAsync(f.Function.Name, stoppingToken)));
    }

    private async Task LoopAsync(string function, CancellationToken stoppingToken)
    {
        if (IsDisabled(_configuration, function))
        {
            _logger.LogInformation("{Function} is disabled (AzureWebJobs.{Function}.Disabled): not scheduled", function, function);
            return;
        }
        var text = ScheduleOf(_configuration, function);
        if (!CronExpression.TryParse(text, CronFormat.IncludeSeconds, out var schedule))
        {
            _logger.LogError("{Function} is not scheduled: {Schedule} is not a 6-field NCRONTAB expression", function, text);
            return;
        }
        var after = await LastScheduledRunAsync(function, stoppingToken) ?? _from;
        while (schedule.GetNextOccurrence(after, TimeZoneInfo.Utc) is { } due)
        {
            _logger.LogInformation("{Function} next runs at {Next} ({Schedule}, UTC)", function, due, text);
            var wait = due - _time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = _time.GetUtcNow();
            var isPastDue = due < _from || schedule.GetNextOccurrence(due, TimeZoneInfo.Utc) <= now;
            if (isPastDue) _logger.LogWarning("{Function} is past due: the run due at {Due} starts at {Now}; runs were missed", function, due, now);
            var invocation = await _runner.RunAsync(function, TimerRunner.ScheduleTrigger, isPastDue, cancellationToken: stoppingToken);
            _logger.LogInformation("{Function} run {RunId} {Status} (IsPastDue {IsPastDue})", function, invocation.RunId, invocation.Status, isPastDue);
            if (stoppingToken.IsCancellationRequested) return;
            after = now;
        }
        _logger.LogWarning("{Function} has no next occurrence of {Schedule}: not scheduled", function, text);
    }

    /// <summary>When the latest run of the schedule began (among the function's last runs), or null when none is known.</summary>
    private async Task<DateTimeOffset?> LastScheduledRunAsync(string function, CancellationToken cancellationToken)
    {
        try
        {
            var runs = await _runs.LatestAsync<ScheduledRun>(function, 20, cancellationToken);
            return runs.FirstOrDefault(r => r.Trigger == TimerRunner.ScheduleTrigger)?.StartTime;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "{Function}: the last runs could not be read; the schedule counts from now", function);
            return null;
        }
    }

    /// <summary>Any function's run record, read for its trigger and start.</summary>
    public sealed class ScheduledRun : RunEntity;
}
