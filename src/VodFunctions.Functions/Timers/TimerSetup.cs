using VodFunctions.Core;

namespace VodFunctions.Functions.Timers;

public static class TimerSetup
{
    /// <summary>What runs the timer functions (the standalone scheduler is added by <see cref="VodApp"/>).</summary>
    public static IServiceCollection AddTimerFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TimerOptions>(configuration.GetSection(VodOptions.Section));
        services.AddSingleton<LeaseLock>();
        services.AddSingleton<TimerRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerRunner>());
        return services;
    }
}
