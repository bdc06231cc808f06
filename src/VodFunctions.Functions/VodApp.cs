using Microsoft.AspNetCore.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Options;
using VodFunctions.Core;
using VodFunctions.Functions.Hosting;
using VodFunctions.Functions.Queues;
using VodFunctions.Functions.Timers;

namespace VodFunctions.Functions;

/// <summary>
/// The function app, in one of two hostings of the same function classes: under the Azure Functions host (an
/// isolated worker with the ASP.NET Core integration: the host triggers the timers and owns <c>/admin</c>), or on its
/// own where there is no host (an ASP.NET Core app that maps the same functions, schedules their timers and reads their queues itself).
/// </summary>
public static class VodApp
{
    /// <summary>The host starts its worker with the address of its gRPC endpoint: the sign of which hosting to build.</summary>
    public static bool IsStartedByFunctionsHost(string[] args) => args.Contains("--functions-uri", StringComparer.Ordinal);

    /// <param name="configure">Lets tests override settings and services before the worker is built.</param>
    public static IHost BuildForFunctionsHost(string[] args, Action<FunctionsApplicationBuilder>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<UnexpectedErrors>();
        AddServices(builder.Services, builder.Configuration);
        configure?.Invoke(builder);
        Telemetry.Add(builder.Services, builder.Configuration, underHost: true);
        return builder.Build();
    }

    /// <param name="configure">Lets tests override settings and services before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddServices(builder.Services, builder.Configuration);
        builder.Services.AddHostedService<TimerScheduler>();
        builder.Services.Configure<QueueListenerOptions>(builder.Configuration.GetSection(QueueListenerOptions.Section));
        builder.Services.AddHostedService<QueueListener>();
        configure?.Invoke(builder);
        Telemetry.Add(builder.Services, builder.Configuration, underHost: false);
        // Without a callback URL, DeliverCallback has nothing to deliver: its queue is not polled (the Bicep template disables it alike under the host).
        if (string.IsNullOrEmpty(builder.Configuration["Vod:Callback:Url"]) && !WorkerFunction.IsSet(builder.Configuration, nameof(DeliverCallback)))
            builder.Configuration[$"AzureWebJobs:{nameof(DeliverCallback)}:Disabled"] = "true";
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:7071");
        var app = builder.Build();
        app.MapFunctions();
        return app;
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KeysOptions>().Bind(configuration.GetSection(VodOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeysOptions>, KeyIdsValidation>();
        services.AddVodCore(configuration);
        services.AddSingleton<KeyStore>();
        services.AddSingleton<Throttle>();
        services.AddSingleton<Alibaba.NonceStore>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<Alibaba.Signatures>();
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        services.AddTimerFunctions(configuration);
    }
}
