using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using VodFunctions.Core.Telemetry;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// OpenTelemetry for the app's spans and metrics (<see cref="VodTelemetry"/>), registered only when an exporter is configured:
/// Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (with the managed identity that
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names), OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the SDK reads
/// the other <c>OTEL_*</c> settings: protocol, headers, export intervals). Neither set: no provider at all, so nothing listens
/// and nothing is recorded. Under the Functions host the worker's own span of each invocation (which continues the host's
/// trace) holds the app's; standalone, ASP.NET Core's request span does.
/// </summary>
public static class Telemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The worker's span of each invocation, parented on the trace context the host sends with it.</summary>
    private const string WorkerSource = "Microsoft.Azure.Functions.Worker";

    /// <summary>Whether an exporter is configured.</summary>
    public static bool IsOn(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[ConnectionStringSetting]) || !string.IsNullOrEmpty(configuration[OtlpEndpointSetting]);

    public static void Add(IServiceCollection services, IConfiguration configuration, bool underHost)
    {
        if (!IsOn(configuration)) return;
        var telemetry = services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(VodTelemetry.Name).AddHttpClientInstrumentation();
                if (underHost) tracing.AddSource(WorkerSource);
                else tracing.AddAspNetCoreInstrumentation();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(VodTelemetry.Name).AddHttpClientInstrumentation();
                if (!underHost) metrics.AddAspNetCoreInstrumentation();
            });
        if (underHost) telemetry.UseFunctionsWorkerDefaults();
        else telemetry.ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? VodTelemetry.Name));
        if (configuration[ConnectionStringSetting] is { Length: > 0 } connectionString)
        {
            var credential = CredentialOf(configuration[AuthenticationSetting]);
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (credential is not null) options.Credential = credential;
            });
        }
        if (!string.IsNullOrEmpty(configuration[OtlpEndpointSetting])) telemetry.UseOtlpExporter();
        services.AddSingleton<BacklogGauges>();
        services.AddHostedService<BacklogGaugesStart>();
    }

    /// <summary>
    /// The credential that <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names, as the Functions host reads it:
    /// <c>Authorization=AAD</c> with the user-assigned identity's <c>ClientId=...</c> (or the system-assigned one without);
    /// null when it is not set (the connection string's key is used).
    /// </summary>
    public static TokenCredential? CredentialOf(string? authentication)
    {
        if (string.IsNullOrWhiteSpace(authentication)) return null;
        var parts = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{AuthenticationSetting} must hold Authorization=AAD (and ClientId=... of a user-assigned identity).");
        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }

    /// <summary>Makes the backlog gauges when the app starts (they report once a collection asks) and forgets them when it stops.</summary>
    private sealed class BacklogGaugesStart(BacklogGauges gauges) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken)
        {
            gauges.Dispose();
            return Task.CompletedTask;
        }
    }
}
