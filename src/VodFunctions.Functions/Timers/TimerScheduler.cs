using Cronos;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Timers;

/// <summary>
/// Triggers the <c>[TimerTrigger]</c> functions when the app runs without the Azure Functions host: each on its
/// NCRONTAB schedule (6 fields, UTC) from its trigger's setting (<c>%Vod__Schedules__{Name}%</c>), on the injected
/// clock. A function is off when <c>AzureWebJobs.{Name}.Disabled</c> is true, as under the host. Like the host's
/// schedule monitor (<c>useMonitor</c>), schedules count from the last scheduled run, so an occurrence missed while
/// the app was down runs at once when it starts. Such a run, and one that wakes after a later occurrence has also
/// passed, is past due: at least one run was missed.
/// </summary>
public sealed class TimerScheduler : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly StorageInitializer _storage;
    private readonly RunStore _runs;
    private readonly ILogger<TimerScheduler> _logger;
    /// <summary>When the app started (taken when the host creates this service): schedules count from here when no run is known.</summary>
    private readonly DateTimeOffset _from;

    public TimerScheduler(IServiceProvider services, IConfiguration configuration, TimeProvider time, StorageInitializer storage, RunStore runs, ILogger<TimerScheduler> logger)
    {
        (_services, _configuration, _time, _storage, _runs, _logger) = (services, configuration, time, storage, runs, logger);
        _from = time.GetUtcNow();
    }

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
        await Task.WhenAll(WorkerFunction.TimerFunctions.Select(f => LoopAsync(f, stoppingToken)));
    }

    private async Task LoopAsync(WorkerFunction function, CancellationToken stoppingToken)
    {
        if (WorkerFunction.IsDisabled(_configuration, function.Name))
        {
            _logger.LogInformation("{Function} is disabled (AzureWebJobs.{Function}.Disabled): not scheduled", function.Name, function.Name);
            return;
        }
        var text = WorkerFunction.Resolve(function.Timer!.Schedule, _configuration);
        if (!CronExpression.TryParse(text ?? "", CronFormat.IncludeSeconds, out var schedule))
        {
            _logger.LogError("{Function} is not scheduled: {Setting} is {Schedule}, not a 6-field NCRONTAB expression", function.Name, function.Timer.Schedule, text);
            return;
        }
        var after = await LastScheduledRunAsync(function.Name, stoppingToken) ?? _from;
        while (schedule.GetNextOccurrence(after, TimeZoneInfo.Utc) is { } due)
        {
            _logger.LogInformation("{Function} next runs at {Next} ({Schedule}, UTC)", function.Name, due, text);
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
            var next = schedule.GetNextOccurrence(due, TimeZoneInfo.Utc);
            var timer = new TimerInfo
            {
                IsPastDue = due < _from || next <= now,
                ScheduleStatus = new ScheduleStatus { Last = after.UtcDateTime, Next = (next ?? due).UtcDateTime, LastUpdated = now.UtcDateTime },
            };
            if (timer.IsPastDue) _logger.LogWarning("{Function} is past due: the run due at {Due} starts at {Now}; runs were missed", function.Name, due, now);
            try
            {
                await function.InvokeAsync(_services, p => p.ParameterType == typeof(TimerInfo) ? timer : stoppingToken);
            }
            catch (Exception e) when (e is TimerRunFailedException or OperationCanceledException)
            {
                // Logged and recorded by the run itself; the schedule goes on.
            }
            if (stoppingToken.IsCancellationRequested) return;
            after = now > due ? now : due; // a timer may wake a little early: this occurrence is done either way
        }
        _logger.LogWarning("{Function} has no next occurrence of {Schedule}: not scheduled", function.Name, text);
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
