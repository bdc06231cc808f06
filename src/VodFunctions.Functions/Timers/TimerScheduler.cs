using Cronos;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Timers;

/// <summary>
/// The app's own scheduler, used when no Azure Functions host runs the timers (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c>
/// not set): each timer function on its NCRONTAB schedule (6 fields, UTC) from <c>Vod__Schedules__{Name}</c>,
/// on the injected clock. A function is off when <c>AzureWebJobs.{Name}.Disabled</c> is true, as under the host.
/// A run that wakes after a later occurrence has also passed is past due: at least one run was missed.
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
    private readonly ILogger<TimerScheduler> _logger;
    /// <summary>Schedules count from when the app started (taken when the host creates this service).</summary>
    private readonly DateTimeOffset _from;

    public TimerScheduler(TimerRunner runner, IConfiguration configuration, TimeProvider time, StorageInitializer storage, ILogger<TimerScheduler> logger)
    {
        (_runner, _configuration, _time, _storage, _logger) = (runner, configuration, time, storage, logger);
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
        var after = _from;
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
            var isPastDue = schedule.GetNextOccurrence(due, TimeZoneInfo.Utc) <= now;
            if (isPastDue) _logger.LogWarning("{Function} is past due: the run due at {Due} starts at {Now}, later runs were missed", function, due, now);
            var invocation = await _runner.RunAsync(function, "Schedule", isPastDue, cancellationToken: stoppingToken);
            _logger.LogInformation("{Function} run {RunId} {Status} (IsPastDue {IsPastDue})", function, invocation.RunId, invocation.Status, isPastDue);
            if (stoppingToken.IsCancellationRequested) return;
            after = now;
        }
        _logger.LogWarning("{Function} has no next occurrence of {Schedule}: not scheduled", function, text);
    }
}
