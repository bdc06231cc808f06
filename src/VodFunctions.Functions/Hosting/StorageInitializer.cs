using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using VodFunctions.Core;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Events;
using VodFunctions.Core.Files;
using VodFunctions.Core.Policies;
using VodFunctions.Core.Reconcile;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Timers;

namespace VodFunctions.Functions.Hosting;

/// <summary>Creates the catalog, policy, run, reconcile and audit tables, the media containers, the events queue, the callbacks queue (when callbacks are on), the policy work queue (when runs fan out) and the timer locks' container at start, retrying while storage is not up yet.</summary>
public sealed class StorageInitializer(
    CatalogStore catalog, MediaStorage storage, QueueServiceClient queues, IOptions<VodOptions> options, ILogger<StorageInitializer> logger,
    PolicyStore policies, RunStore runs, ReconcileStore reconcile, LeaseLock locks, Callbacks callbacks, PolicyWorkStore policyWork,
    Core.Audit.AuditStore audit)
    : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the tables, containers and queue exist.</summary>
    public Task Ready => _ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await catalog.EnsureCreatedAsync(stoppingToken);
                await policies.EnsureCreatedAsync(stoppingToken);
                await runs.EnsureCreatedAsync(stoppingToken);
                await reconcile.EnsureCreatedAsync(stoppingToken);
                await audit.EnsureCreatedAsync(stoppingToken);
                await locks.EnsureCreatedAsync(stoppingToken);
                foreach (var location in storage.LocationNames) await storage.Container(location).CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                await queues.GetQueueClient(options.Value.EventsQueue).CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                await callbacks.EnsureCreatedAsync(stoppingToken);
                await policyWork.EnsureCreatedAsync(stoppingToken);
                logger.LogInformation("Storage ready: catalog tables, {Locations} media containers, queue {Queue}", storage.LocationNames.Count(), options.Value.EventsQueue);
                _ready.TrySetResult();
                return;
            }
            catch (Exception e) when (StorageFaults.Is(e))
            {
                logger.LogWarning("Storage not ready (attempt {Attempt}): {Error}", attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt * 2)), stoppingToken);
            }
        }
    }
}
