using VodFunctions.Core;
using VodFunctions.Functions.Hosting;
using VodFunctions.Functions.Timers;

namespace VodFunctions.Functions;

/// <summary>The function app: an ASP.NET Core server that runs as an Azure Functions custom handler or on its own.</summary>
public static class VodApp
{
    public const string CustomHandlerPort = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <param name="configure">Lets tests override settings and services before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.Configure<KeysOptions>(builder.Configuration.GetSection(VodOptions.Section));
        builder.Services.AddVodCore(builder.Configuration);
        builder.Services.AddHttpFunctions();
        builder.Services.AddSingleton<StorageInitializer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        builder.Services.AddTimerFunctions(builder.Configuration);
        configure?.Invoke(builder);

        // Under the Azure Functions host (a custom handler) the host triggers the timers; else the app's own scheduler does.
        if (builder.Configuration[CustomHandlerPort] is { Length: > 0 } port)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else
        {
            if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:7071");
            builder.Services.AddHostedService<TimerScheduler>();
        }

        var app = builder.Build();
        app.MapHttpFunctions();
        app.MapTimerFunctions();
        return app;
    }
}
