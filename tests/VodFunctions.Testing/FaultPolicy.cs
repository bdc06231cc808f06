using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using VodFunctions.Core;

namespace VodFunctions.Testing;

/// <summary>
/// A storage fault injected into the app's own storage clients: lets <paramref name="passing"/> matching
/// requests through, then fails every further matching request as a storage outage would, until disarmed.
/// </summary>
public sealed class FaultPolicy(Func<HttpMessage, bool> matches, int passing) : HttpPipelinePolicy
{
    private int _seen;
    private int _passing = passing;

    /// <summary>Counts afresh: the next <paramref name="passing"/> matching requests go through, then faults.</summary>
    public void Arm(int passing)
    {
        _passing = passing;
        _seen = 0;
        Armed = true;
    }

    public bool Armed { get; set; } = true;

    /// <summary>Puts this fault into the app's storage clients that <paramref name="clients"/> picks, with quick retries.</summary>
    public Action<WebApplicationBuilder> On(Func<StorageClientsOptions, List<HttpPipelinePolicy>> clients, int maxRetries = 1) => builder =>
        builder.Services.Configure<StorageClientsOptions>(options =>
        {
            options.MaxRetries = maxRetries;
            options.RetryDelay = TimeSpan.FromMilliseconds(5);
            clients(options).Add(this);
        });

    /// <summary>The status of the injected failure: 503 a refusal, 0 a network failure (which the SDK retries, then reports in an AggregateException).</summary>
    public int Status { get; init; } = 503;
    public int Failed { get; private set; }

    /// <summary>A single blob delete or a Blob Batch request (which deletes many).</summary>
    public static bool IsBlobDelete(HttpMessage message) => message.Request.Method == RequestMethod.Delete || IsBlobBatch(message);

    public static bool IsBlobBatch(HttpMessage message) =>
        message.Request.Method == RequestMethod.Post && message.Request.Uri.Query.Contains("comp=batch", StringComparison.Ordinal);

    public static bool IsTableTransaction(HttpMessage message) => message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Check(message);
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Check(message);
        ProcessNext(message, pipeline);
    }

    private void Check(HttpMessage message)
    {
        if (!Armed || !matches(message) || Interlocked.Increment(ref _seen) <= _passing) return;
        Failed++;
        throw new RequestFailedException(Status, "Injected storage fault", Status == 0 ? null : "ServerBusy", null);
    }
}
