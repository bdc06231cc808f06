using VodFunctions.Core;
using VodFunctions.Core.Policies;
using VodFunctions.Core.Reconcile;
using VodFunctions.Core.Runs;

namespace VodFunctions.Functions.Timers;

public static class TimerSetup
{
    /// <summary>Media policies, the reconcile sweep, the timer functions and what runs them (the scheduler is added by <see cref="VodApp"/>).</summary>
    public static IServiceCollection AddTimerFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PolicyOptions>(configuration.GetSection(PolicyOptions.Section));
        services.Configure<ReconcileOptions>(configuration.GetSection(ReconcileOptions.Section));
        services.Configure<TimerOptions>(configuration.GetSection(VodOptions.Section));
        services.AddSingleton<RunStore>();
        services.AddSingleton<RunRecorder>();
        services.AddSingleton<PolicyStore>();
        services.AddSingleton<MediaPolicies>();
        services.AddSingleton<PolicySweep>();
        services.AddSingleton<ReconcileStore>();
        services.AddSingleton<OrphanGrace>();
        services.AddSingleton<StorageReconciler>();
        services.AddSingleton<LeaseLock>();
        foreach (var (_, type) in TimerRunner.Functions) services.AddSingleton(type);
        services.AddSingleton<TimerRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerRunner>());
        return services;
    }
}
