using System.Text.Json.Serialization;
using Azure.Storage.Queues;

namespace VodFunctions.Core.Events;

/// <summary>What a delete removes (the event's <c>DeleteType</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeleteKind>))]
public enum DeleteKind
{
    /// <summary>A whole video or attached media.</summary>
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("mezzanine")] Mezzanine,
    [JsonStringEnumMemberName("stream")] Stream,
    /// <summary>Snapshots of a video, or an uploaded image.</summary>
    [JsonStringEnumMemberName("image")] Image,
}

[JsonConverter(typeof(JsonStringEnumConverter<DeleteStatus>))]
public enum DeleteStatus
{
    [JsonStringEnumMemberName("success")] Success,
    [JsonStringEnumMemberName("fail")] Fail,
}

/// <summary>Who asked for a delete (the event's <c>Trigger</c>): the API, or a media policy by its PolicyId.</summary>
[JsonConverter(typeof(Json))]
public readonly record struct DeleteTrigger(string Name)
{
    public static DeleteTrigger Api { get; } = new("api");

    public static DeleteTrigger Policy(string policyId) => new(policyId);

    public override string ToString() => Name;

    private sealed class Json : JsonConverter<DeleteTrigger>
    {
        public override DeleteTrigger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString() ?? "");
        public override void Write(Utf8JsonWriter writer, DeleteTrigger value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
    }
}

/// <summary>The DeleteMediaComplete event of API.md section 7 (one per finished delete, success or fail).</summary>
public sealed record DeleteEvent
{
    public string EventType { get; init; } = "DeleteMediaComplete";
    public string EventTime { get; init; } = "";
    public DeleteStatus Status { get; init; } = DeleteStatus.Success;
    public string MediaType { get; init; } = MediaKinds.Video;
    public DeleteKind DeleteType { get; init; } = DeleteKind.All;
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
    public DeleteTrigger Trigger { get; init; } = DeleteTrigger.Api;
    public int DeletedFiles { get; init; }
    public long DeletedBytes { get; init; }
    /// <summary>Extension: the recycle bin entry that holds what a delete moved there (restored or purged by it).</summary>
    public string? RecycleBinEntryId { get; init; }
    /// <summary>Extension: when a delete into the recycle bin will be purged for good.</summary>
    public string? PurgeTime { get; init; }
}

/// <summary>
/// Puts events on the <c>vod-events</c> queue as Base64 UTF-8 JSON (the Azure Functions queue trigger default), each with its
/// HTTP callback stored first when callbacks are on: an event on the queue always has its callback to deliver.
/// </summary>
public sealed class EventPublisher(QueueServiceClient queues, Callbacks callbacks, IOptions<VodOptions> options, TimeProvider time, ILogger<EventPublisher> logger)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly QueueClient _queue = queues.GetQueueClient(options.Value.EventsQueue);

    /// <summary>
    /// Publishes; answers false when a queue failed (logged), which never undoes or fails the delete it reports. A success
    /// event is then sent again, with its callback, from its stored row (a callback may so come twice, as the event may).
    /// </summary>
    public async Task<bool> PublishAsync(DeleteEvent deleteEvent, CancellationToken cancellationToken = default)
    {
        var message = deleteEvent with { EventTime = Times.Format(time.GetUtcNow()) };
        try
        {
            var json = JsonSerializer.Serialize(message, Json);
            await callbacks.EnqueueAsync(json, cancellationToken);
            await _queue.SendMessageAsync(json, cancellationToken);
            return true;
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogError(e, "Could not publish {DeleteType} {Status} event of {MediaId}", message.DeleteType, message.Status, message.MediaId);
            return false;
        }
    }
}
