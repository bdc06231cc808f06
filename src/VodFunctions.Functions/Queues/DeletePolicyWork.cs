using VodFunctions.Core.Policies;

namespace VodFunctions.Functions.Queues;

/// <summary>
/// Deletes what a run of <c>ApplyMediaPolicies</c> put on the policy work queue (<c>%Vod__Policies__Queue%</c>, default
/// <c>vod-policy-work</c>), on every instance: triggered by the Functions host's queue listener, or standalone by <see cref="QueueListener"/>.
/// </summary>
public sealed class DeletePolicyWork(PolicySweep sweep)
{
    public const string Name = "DeletePolicyWork";

    [Function(Name)]
    public Task Run([QueueTrigger("%Vod__Policies__Queue%")] string message, CancellationToken cancellationToken) =>
        sweep.DeleteQueuedAsync(message, cancellationToken);
}
