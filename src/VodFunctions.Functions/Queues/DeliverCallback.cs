using VodFunctions.Core.Events;

namespace VodFunctions.Functions.Queues;

/// <summary>
/// Delivers VOD's HTTP callbacks (<c>Vod__Callback__Url</c>) from their queue (<c>%Vod__Callback__Queue%</c>, default
/// <c>vod-callbacks</c>): triggered by the Functions host's queue listener, or standalone by <see cref="QueueListener"/>.
/// </summary>
public sealed class DeliverCallback(Callbacks callbacks)
{
    public const string Name = "DeliverCallback";

    [Function(Name)]
    public Task Run([QueueTrigger("%Vod__Callback__Queue%")] string message, CancellationToken cancellationToken) =>
        callbacks.DeliverAsync(message, cancellationToken);
}
