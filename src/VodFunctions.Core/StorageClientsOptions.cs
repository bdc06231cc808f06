using Azure.Core.Pipeline;

namespace VodFunctions.Core;

/// <summary>Extra pipeline policies for the storage clients (diagnostics, or fault injection in tests).</summary>
public sealed class StorageClientsOptions
{
    public List<HttpPipelinePolicy> BlobPolicies { get; } = [];
    public List<HttpPipelinePolicy> TablePolicies { get; } = [];
}
