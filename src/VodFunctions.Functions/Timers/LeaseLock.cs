using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using VodFunctions.Core;

namespace VodFunctions.Functions.Timers;

/// <summary>Where the timer locks live: a container of <c>AzureWebJobsStorage</c> (<c>Vod__LockContainer</c>).</summary>
public sealed class TimerOptions
{
    public string LockContainer { get; set; } = "vod-locks";
}

/// <summary>
/// A lock per timer function held as a blob lease in <c>AzureWebJobsStorage</c>, as the Azure Functions
/// host does for its timers: two app instances never run the same function at once. The blob is
/// <c>{TablePrefix}/{FunctionName}</c>, so apps sharing one catalog share one lock. The lease is renewed
/// while the run goes on; if renewing fails the holder is told through <see cref="HeldLock.Lost"/>.
/// </summary>
public sealed class LeaseLock(
    [FromKeyedServices(CoreServices.JobsStorage)] BlobServiceClient jobs, IOptions<TimerOptions> timerOptions, IOptions<VodOptions> options,
    TimeProvider time, ILogger<LeaseLock> logger)
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);

    public BlobContainerClient Container { get; } = jobs.GetBlobContainerClient(timerOptions.Value.LockContainer);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Takes the lock of <paramref name="name"/>; null when another holder has it.</summary>
    public async Task<HeldLock?> TryAcquireAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = Container.GetBlobClient($"{options.Value.TablePrefix}/{name}");
        try
        {
            await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The lock blob exists already (and may be leased).
        }
        var lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(LeaseDuration, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            logger.LogInformation("{Function} is running on another instance (its lock is leased)", name);
            return null;
        }
        return new HeldLock(name, lease, time, logger);
    }
}

/// <summary>A held lease, renewed every third of its duration until disposed (then released).</summary>
public sealed class HeldLock : IAsyncDisposable
{
    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewing;

    internal HeldLock(string name, BlobLeaseClient lease, TimeProvider time, ILogger logger)
    {
        _lease = lease;
        _renewing = RenewAsync(name, time, logger);
    }

    /// <summary>Cancelled when the lease could not be renewed: another instance may take the lock.</summary>
    public CancellationToken Lost => _lost.Token;

    private async Task RenewAsync(string name, TimeProvider time, ILogger logger)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(LeaseLock.LeaseDuration / 3, time, _stop.Token);
                await _lease.RenewAsync(cancellationToken: _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Lost the lock of {Function}: its run is stopped", name);
                await _lost.CancelAsync();
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        try
        {
            await _lease.ReleaseAsync();
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            // Expired or taken over already (or storage is down, and the lease expires by itself): nothing to release.
        }
        _stop.Dispose();
        _lost.Dispose();
    }
}
