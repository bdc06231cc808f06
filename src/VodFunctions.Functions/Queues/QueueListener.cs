using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using VodFunctions.Core;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Queues;

/// <summary>
/// Standalone, the Functions host's queue settings (host.json's <c>extensions.queues</c>, set alike there): <c>Vod__Queues__...</c>.
/// </summary>
public sealed class QueueListenerOptions
{
    public const string Section = "Vod:Queues";

    /// <summary>The longest wait between two polls of an empty queue (host.json <c>maxPollingInterval</c>).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a message being processed stays hidden, renewed at half its length while it is: after a stop mid-way it comes back then.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When a message whose function threw comes back (host.json <c>visibilityTimeout</c>).</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tries of a message whose function throws before it goes to the poison queue (host.json <c>maxDequeueCount</c>).</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Messages taken per poll (host.json <c>batchSize</c>), at most 32.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>
    /// Messages of one queue processed at once by this process (the host's <c>batchSize</c> + <c>newBatchThreshold</c>): a poll
    /// takes only as many as there are free workers, so that several processes on one queue share its messages.
    /// </summary>
    public int Workers { get; set; } = 12;
}

/// <summary>
/// Triggers the <c>[QueueTrigger]</c> functions when the app runs without the Azure Functions host, as the host's queue
/// listener does: polls the queue (<c>%Setting%</c> resolved as the host does), backing off while it is empty; calls the
/// function with the message's text; deletes the message when the function returns; when it throws, shows the message
/// again after <see cref="QueueListenerOptions.VisibilityTimeout"/>, or after <see cref="QueueListenerOptions.MaxDequeueCount"/>
/// tries moves it to <c>{queue}-poison</c>. A message being processed when the app stops comes back when its lease ends.
/// A function is off when <c>AzureWebJobs.{Name}.Disabled</c> is true.
/// </summary>
public sealed class QueueListener(
    IServiceProvider services, IConfiguration configuration, QueueServiceClient queues, StorageInitializer storage,
    IOptions<QueueListenerOptions> options, ILogger<QueueListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    private readonly QueueListenerOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await storage.Ready.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await Task.WhenAll(WorkerFunction.QueueFunctions.Select(f => ListenAsync(f, stoppingToken)));
    }

    private async Task ListenAsync(WorkerFunction function, CancellationToken stoppingToken)
    {
        if (WorkerFunction.IsDisabled(configuration, function.Name))
        {
            logger.LogInformation("{Function} is disabled (AzureWebJobs.{Function}.Disabled): its queue is not read", function.Name, function.Name);
            return;
        }
        if (WorkerFunction.Resolve(function.Queue!.QueueName, configuration) is not { Length: > 0 } name)
        {
            if (WorkerFunction.Resolve(function.Queue.QueueName, configuration) is null)
                logger.LogError("{Function} does not run: {Setting} is not set", function.Name, function.Queue.QueueName);
            else
                logger.LogInformation("{Function} does not run: {Setting} is empty", function.Name, function.Queue.QueueName);
            return;
        }
        if (function.Method.GetParameters().FirstOrDefault(p => p.ParameterType != typeof(string) && p.ParameterType != typeof(CancellationToken)) is { } unbound)
            throw new InvalidOperationException($"{function.Name}: parameter {unbound.Name} cannot be bound without the Functions host (the message binds as a string).");
        var queue = queues.GetQueueClient(name);
        using var workers = new SemaphoreSlim(Math.Max(1, _options.Workers));
        var running = new System.Collections.Concurrent.ConcurrentDictionary<Task, bool>();
        try
        {
            await PollAsync(function, queue, name, workers, running, stoppingToken);
        }
        finally
        {
            await Task.WhenAll(running.Keys);
        }
    }

    private async Task PollAsync(
        WorkerFunction function, QueueClient queue, string name, SemaphoreSlim workers, System.Collections.Concurrent.ConcurrentDictionary<Task, bool> running,
        CancellationToken stoppingToken)
    {
        var wait = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await workers.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var free = 1;
            while (free < Math.Clamp(_options.BatchSize, 1, 32) && workers.Wait(0)) free++;
            QueueMessage[] batch;
            try
            {
                batch = (await queue.ReceiveMessagesAsync(free, _options.Lease, stoppingToken)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                workers.Release(free);
                return;
            }
            catch (Exception e) when (StorageFaults.Is(e))
            {
                if (e is not RequestFailedException { Status: 404 }) logger.LogWarning("{Function}: queue {Queue} could not be read: {Error}", function.Name, name, e.Message);
                batch = [];
            }
            if (free > batch.Length) workers.Release(free - batch.Length);
            if (batch.Length > 0)
            {
                wait = MinPollingInterval;
                foreach (var message in batch)
                {
                    var task = Task.Run(async () =>
                    {
                        try
                        {
                            await ProcessAsync(function, queue, message, stoppingToken);
                        }
                        finally
                        {
                            workers.Release();
                        }
                    }, CancellationToken.None);
                    running[task] = true;
                    _ = task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
                }
                continue;
            }
            try
            {
                await Task.Delay(wait, stoppingToken); // storage's clock, not the app's: a message's visibility runs on it
            }
            catch (OperationCanceledException)
            {
                return;
            }
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, Math.Max(MinPollingInterval.Ticks, _options.MaxPollingInterval.Ticks)));
        }
    }

    private async Task ProcessAsync(WorkerFunction function, QueueClient queue, QueueMessage message, CancellationToken stoppingToken)
    {
        // The message stays hidden while the function runs, as under the host: its lease is renewed at half its length, so that
        // only a stopped process's messages come back (after at most one lease).
        var receipt = new Receipt(message.PopReceipt);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewAsync(queue, message, receipt, done.Token);
        try
        {
            await function.InvokeAsync(services, p => p.ParameterType == typeof(CancellationToken) ? stoppingToken : message.MessageText);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            return; // stopping: the message comes back when its lease ends
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Function} failed on message {MessageId} (try {DequeueCount} of {MaxDequeueCount})",
                function.Name, message.MessageId, message.DequeueCount, _options.MaxDequeueCount);
            await StopRenewingAsync(done, renewing);
            await SettleFailedAsync(queue, message, receipt.Value);
            return;
        }
        finally
        {
            await StopRenewingAsync(done, renewing);
        }
        try
        {
            await queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None);
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogWarning("{Function}: message {MessageId} could not be deleted; it comes back when its lease ends: {Error}", function.Name, message.MessageId, e.Message);
        }
    }

    private sealed class Receipt(string value)
    {
        public string Value { get; set; } = value;
    }

    private static async Task StopRenewingAsync(CancellationTokenSource done, Task renewing)
    {
        await done.CancelAsync();
        await renewing;
    }

    private async Task RenewAsync(QueueClient queue, QueueMessage message, Receipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.Lease / 2, cancellationToken);
                receipt.Value = (await queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: _options.Lease, cancellationToken: cancellationToken)).Value.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
            // the function returned
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogWarning("Message {MessageId} of {Queue}: its lease could not be renewed; it may be delivered again: {Error}", message.MessageId, queue.Name, e.Message);
        }
    }

    private async Task SettleFailedAsync(QueueClient queue, QueueMessage message, string receipt)
    {
        try
        {
            if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                var poison = queues.GetQueueClient(queue.Name + "-poison");
                await poison.CreateIfNotExistsAsync();
                await poison.SendMessageAsync(message.Body);
                await queue.DeleteMessageAsync(message.MessageId, receipt);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, receipt, visibilityTimeout: _options.VisibilityTimeout);
            }
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogWarning("Message {MessageId} of {Queue} could not be settled; it comes back when its lease ends: {Error}", message.MessageId, queue.Name, e.Message);
        }
    }
}
