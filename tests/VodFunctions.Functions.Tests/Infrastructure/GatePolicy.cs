using Azure.Core;
using Azure.Core.Pipeline;

namespace VodFunctions.Functions.Tests.Infrastructure;

/// <summary>
/// Holds the app's matching storage requests at a gate once armed: <see cref="Entered"/> completes when the
/// first one arrives, and all wait until <see cref="Open"/>. Lets a test catch a run in the middle, without sleeping.
/// </summary>
public sealed class GatePolicy(Func<HttpMessage, bool> matches) : HttpPipelinePolicy
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Armed { get; set; }
    public Task Entered => _entered.Task;

    public void Open() => _open.TrySetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Armed && matches(message))
        {
            _entered.TrySetResult();
            await _open.Task;
        }
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Armed && matches(message))
        {
            _entered.TrySetResult();
            _open.Task.GetAwaiter().GetResult();
        }
        ProcessNext(message, pipeline);
    }
}
