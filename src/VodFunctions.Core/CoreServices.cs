using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VodFunctions.Core.Ingest;
using VodFunctions.Core.Policies;
using VodFunctions.Core.Reconcile;

namespace VodFunctions.Core;

/// <summary>
/// The core's services, and its storage clients from configuration (API.md section 8): <c>AzureWebJobsStorage</c> holds the
/// catalog and the events queue and, unless <c>Vod__MediaStorage</c> names another, the media container. A connection
/// string, or identity-based settings (<c>AzureWebJobsStorage__accountName</c> or
/// <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>, optional <c>__clientId</c>) as the Azure
/// Functions host reads them.
/// </summary>
public static class CoreServices
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>Key of the blob service of <c>AzureWebJobsStorage</c> (timer locks), as a keyed <see cref="BlobServiceClient"/>.</summary>
    public const string JobsStorage = "AzureWebJobsStorage";

    public static IServiceCollection AddVodCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<VodOptions>(configuration.GetSection(VodOptions.Section));
        services.Configure<PolicyOptions>(configuration.GetSection(PolicyOptions.Section));
        services.Configure<ReconcileOptions>(configuration.GetSection(ReconcileOptions.Section));
        services.AddOptions<CallbackOptions>().Bind(configuration.GetSection(CallbackOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CallbackOptions>, CallbackOptions.Validator>();
        services.AddOptions<RecycleBin.RecycleBinOptions>().Bind(configuration.GetSection(RecycleBin.RecycleBinOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RecycleBin.RecycleBinOptions>, RecycleBin.RecycleBinOptions.Validator>();
        services.AddOptions<Audit.AuditOptions>().Bind(configuration.GetSection(Audit.AuditOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Audit.AuditOptions>, Audit.AuditOptions.Validator>();
        services.AddOptions<StorageClientsOptions>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => Connection(configuration, JobsStorage).Tables(sp));
        services.AddSingleton(sp => Connection(configuration, JobsStorage).Queues(sp));
        services.AddKeyedSingleton(JobsStorage, (sp, _) => Connection(configuration, JobsStorage).Blobs(sp));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<VodOptions>>().Value;
            var media = configuration["Vod:MediaStorage"] is { Length: > 0 } named
                ? Connection(configuration, named.Contains('=') ? null : named, named.Contains('=') ? named : null)
                : Connection(configuration, JobsStorage);
            var containers = new Dictionary<string, BlobContainerClient>
            {
                [VodOptions.DefaultLocation] = media.Blobs(sp).GetBlobContainerClient(options.MediaContainer),
            };
            foreach (var location in options.StorageLocations.Where(l => l.Name.Length > 0 && l.Name != VodOptions.DefaultLocation))
                containers[location.Name] = Connection(configuration, null, location.ConnectionString).Blobs(sp).GetBlobContainerClient(location.Container);
            return new MediaStorage(containers, sp.GetRequiredService<TimeProvider>());
        });
        Type[] singletons =
        [
            typeof(CatalogStore), typeof(MediaReader), typeof(MediaIngest), typeof(EventPublisher), typeof(Callbacks), typeof(BlobDeleter),
            typeof(JournalStore), typeof(DeletionEngine), typeof(RecycleBin.BinMoves), typeof(RecycleBin.RecycleBinStore), typeof(RecycleBin.BinPurger), typeof(InterruptedDeletes),
            typeof(DeleteVideos), typeof(DeleteStreams), typeof(DeleteMezzanines), typeof(DeleteImages), typeof(DeleteAttachedMedia), typeof(DeleteMultipartUpload),
            typeof(RunStore), typeof(RunStarts), typeof(RunRecorder), typeof(PolicyStore), typeof(MediaPolicies), typeof(PolicyWorkStore), typeof(PolicySweep),
            typeof(ReconcileStore), typeof(OrphanGrace), typeof(StorageReconciler), typeof(Audit.AuditStore), typeof(Audit.AuditPurger),
            typeof(Statistics.DeletionStatistics),
        ];
        foreach (var type in singletons) services.AddSingleton(type);
        return services;
    }

    private static StorageConnection Connection(IConfiguration configuration, string? name, string? connectionString = null)
    {
        connectionString ??= configuration[name!] ?? configuration.GetConnectionString(name!);
        if (!string.IsNullOrWhiteSpace(connectionString)) return new StorageConnection(connectionString, null, null);
        var section = configuration.GetSection(name!);
        var account = section["accountName"];
        if (account is null && section["blobServiceUri"] is null) return new StorageConnection(DevelopmentStorage, null, null);
        Uri Endpoint(string service) => section[service + "ServiceUri"] is { } uri ? new Uri(uri) : new Uri($"https://{account}.{service}.core.windows.net");
        TokenCredential credential = section["clientId"] is { } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        return new StorageConnection(null, Endpoint, credential);
    }

    private sealed record StorageConnection(string? ConnectionString, Func<string, Uri>? Endpoint, TokenCredential? Credential)
    {
        public BlobServiceClient Blobs(IServiceProvider sp)
        {
            var settings = sp.GetRequiredService<IOptions<StorageClientsOptions>>().Value;
            var options = new BlobClientOptions();
            settings.ApplyTo(options);
            foreach (var policy in settings.BlobPolicies) options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
            return ConnectionString is not null ? new BlobServiceClient(ConnectionString, options) : new BlobServiceClient(Endpoint!("blob"), Credential, options);
        }

        public TableServiceClient Tables(IServiceProvider sp)
        {
            var settings = sp.GetRequiredService<IOptions<StorageClientsOptions>>().Value;
            var options = new TableClientOptions();
            settings.ApplyTo(options);
            foreach (var policy in settings.TablePolicies) options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
            return ConnectionString is not null ? new TableServiceClient(ConnectionString, options) : new TableServiceClient(Endpoint!("table"), Credential, options);
        }

        public QueueServiceClient Queues(IServiceProvider sp)
        {
            var settings = sp.GetRequiredService<IOptions<StorageClientsOptions>>().Value;
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            settings.ApplyTo(options);
            foreach (var policy in settings.QueuePolicies) options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
            return ConnectionString is not null ? new QueueServiceClient(ConnectionString, options) : new QueueServiceClient(Endpoint!("queue"), Credential, options);
        }
    }
}
