using VodFunctions.Core;

namespace VodFunctions.Functions.Timers;

public static class TimerSetup
{
    /// <summary>The timer functions and what runs them (the scheduler is added by <see cref="VodApp"/>).</summary>
    public static IServiceCollection AddTimerFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TimerOptions>(configuration.GetSection(VodOptions.Section));
        services.AddSingleton<LeaseLock>();
        foreach (var (_, type) in TimerRunner.Functions) services.AddSingleton(type);
        services.AddSingleton<TimerRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerRunner>());
        return services;
    }
}
