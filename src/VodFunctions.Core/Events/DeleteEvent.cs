using System.Text.Json.Serialization;
using Azure.Storage.Queues;

namespace VodFunctions.Core.Events;

/// <summary>The DeleteMediaComplete event of API.md section 7 (one per finished delete, success or fail).</summary>
public sealed record DeleteEvent
{
    public string EventType { get; init; } = "DeleteMediaComplete";
    public string EventTime { get; init; } = "";
    public string Status { get; init; } = "success";
    public string MediaType { get; init; } = MediaKinds.Video;
    /// <summary><c>all</c>, <c>mezzanine</c>, <c>stream</c> or <c>image</c>.</summary>
    public string DeleteType { get; init; } = "all";
    public string MediaId { get; init; } = "";
    /// <summary>Extension: one delete's ID, the same in all its events (a success event may come twice after a fault: drop repeats by it).</summary>
    public string? OperationId { get; init; }
    public IReadOnlyList<string>? JobIds { get; init; }
    /// <summary>The images a snapshot delete removed (extension: the event's MediaId is then the video's).</summary>
    public IReadOnlyList<string>? ImageIds { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public string AppId { get; init; } = "";
    public string RequestId { get; init; } = "";
    /// <summary><c>api</c>, or the PolicyId of the media policy that deleted it.</summary>
    public string Trigger { get; init; } = "api";
    public int DeletedFiles { get; init; }
    public long DeletedBytes { get; init; }
}

/// <summary>Puts events on the <c>vod-events</c> queue as Base64 UTF-8 JSON (the Azure Functions queue trigger default).</summary>
public sealed class EventPublisher(QueueServiceClient queues, IOptions<VodOptions> options, TimeProvider time, ILogger<EventPublisher> logger)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly QueueClient _queue = queues.GetQueueClient(options.Value.EventsQueue);

    /// <summary>Publishes; answers false when the queue failed (logged), which never undoes or fails the delete it reports.</summary>
    public async Task<bool> PublishAsync(DeleteEvent deleteEvent, CancellationToken cancellationToken = default)
    {
        var message = deleteEvent with { EventTime = Times.Format(time.GetUtcNow()) };
        try
        {
            await _queue.SendMessageAsync(JsonSerializer.Serialize(message, Json), cancellationToken);
            return true;
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogError(e, "Could not publish {DeleteType} {Status} event of {MediaId}", message.DeleteType, message.Status, message.MediaId);
            return false;
        }
    }
}
