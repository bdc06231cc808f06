using Azure.Core.Pipeline;

namespace VodFunctions.Core;

/// <summary>Extra pipeline policies for the storage clients (diagnostics, or fault injection in tests).</summary>
public sealed class StorageClientsOptions
{
    public List<HttpPipelinePolicy> BlobPolicies { get; } = [];
    public List<HttpPipelinePolicy> TablePolicies { get; } = [];
    public List<HttpPipelinePolicy> QueuePolicies { get; } = [];

    /// <summary>Retries of a failed storage request (the SDK's exponential backoff).</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>How long one attempt waits for storage's answer before it counts as failed (the SDK's default: 100 s).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    public void ApplyTo(Azure.Core.ClientOptions options)
    {
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        options.Retry.NetworkTimeout = NetworkTimeout;
    }
}
