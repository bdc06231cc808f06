using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Queues;
using VodFunctions.Core.Telemetry;

namespace VodFunctions.Core.Events;

/// <summary>
/// VOD's HTTP callback (<c>Vod__Callback__...</c>): with a <see cref="Url"/>, every event that goes on the events queue is
/// also POSTed there, from a durable queue of its own.
/// </summary>
public sealed class CallbackOptions
{
    public const string Section = "Vod:Callback";

    /// <summary>Where the events are POSTed (http or https); none turns callbacks off.</summary>
    public string? Url { get; set; }

    /// <summary>VOD's AuthKey: with one, each callback carries <c>X-VOD-TIMESTAMP</c> and <c>X-VOD-SIGNATURE</c>.</summary>
    public string? AuthKey { get; set; }

    /// <summary>The queue of callbacks still to deliver (the queue trigger reads <c>%Vod__Callback__Queue%</c>).</summary>
    public string Queue { get; set; } = "vod-callbacks";

    /// <summary>Deliveries tried per event before it goes to the poison queue (VOD tries 3 times).</summary>
    public int Attempts { get; set; } = 6;

    /// <summary>The wait before the second attempt; each later wait is three times the one before (10 s, 30 s, 90 s, 270 s, 810 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt waits for the receiver's answer (VOD's 5 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public bool Enabled => !string.IsNullOrEmpty(Url);

    /// <summary>Where callbacks that failed every attempt are kept (the name the Functions host gives a queue's poison queue).</summary>
    public string PoisonQueue => Queue + "-poison";

    /// <summary>The wait before attempt <paramref name="attempt"/> (2 or more).</summary>
    public TimeSpan DelayBefore(int attempt) => RetryDelay * Math.Pow(3, attempt - 2);

    /// <summary>Why the settings cannot work, naming the setting; null when they can.</summary>
    public string? Invalid() =>
        Url is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            ? "Vod__Callback__Url must be an absolute http or https URL."
            : AuthKey is { Length: > 0 } && !Enabled ? "Vod__Callback__AuthKey is set without Vod__Callback__Url."
            : Attempts < 1 ? "Vod__Callback__Attempts must be at least 1."
            : RetryDelay < TimeSpan.Zero || RetryDelay.TotalSeconds * Math.Pow(3, Math.Max(0, Attempts - 2)) > TimeSpan.FromDays(7).TotalSeconds
                ? "Vod__Callback__RetryDelay must not be negative, and the last wait it makes must be within a queue message's 7 days."
            : Timeout <= TimeSpan.Zero ? "Vod__Callback__Timeout must be positive."
            : null;

    /// <summary>Stops the app at start when the settings cannot work, with a message that names the setting.</summary>
    public sealed class Validator : IValidateOptions<CallbackOptions>
    {
        public ValidateOptionsResult Validate(string? name, CallbackOptions options) =>
            options.Invalid() is { } invalid ? ValidateOptionsResult.Fail(invalid) : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// A callback still to deliver, as a message of the callbacks queue: <c>{"Attempt":n,"Event":{...}}</c>, the event exactly as
/// it went on the events queue.
/// </summary>
public readonly record struct CallbackMessage(int Attempt, string Event)
{
    public override string ToString() => $"{{\"Attempt\":{Attempt.ToString(CultureInfo.InvariantCulture)},\"Event\":{Event}}}";

    /// <summary>The message, or null when it is not one.</summary>
    public static CallbackMessage? Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("Attempt", out var attempt) && attempt.TryGetInt32(out var n) && n >= 1
                && document.RootElement.TryGetProperty("Event", out var body) && body.ValueKind == JsonValueKind.Object
                    ? new CallbackMessage(n, body.GetRawText())
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Queues and delivers the callbacks. <see cref="EnqueueAsync"/> runs before an event goes on the events queue, so every
/// event there has its callback stored; <see cref="DeliverAsync"/> POSTs one, and on a failure queues the next attempt,
/// hidden for its backoff, or, after the last, keeps it in the poison queue.
/// </summary>
public sealed class Callbacks(QueueServiceClient queues, IOptions<CallbackOptions> options, TimeProvider time, ILogger<Callbacks> logger) : IDisposable
{
    private readonly CallbackOptions _options = options.Value;
    private readonly QueueClient _queue = queues.GetQueueClient(options.Value.Queue);
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    /// <summary>A queue message's time-to-live of "never": a callback waits however long the app or its receiver is down.</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    public bool Enabled => _options.Enabled;

    /// <summary>The callbacks queue.</summary>
    public QueueClient Queue => _queue;

    /// <summary>Creates the callbacks queue (when callbacks are on).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (Enabled) await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Stores the callback of an event (serialized as on the events queue); nothing when callbacks are off. Throws what storage throws.</summary>
    public async Task EnqueueAsync(string eventJson, CancellationToken cancellationToken = default)
    {
        if (Enabled) await _queue.SendMessageAsync(new CallbackMessage(1, eventJson).ToString(), null, NeverExpires, cancellationToken);
    }

    /// <summary>
    /// Delivers one message of the callbacks queue. Returns once it is delivered, or its next attempt is queued, or it is in
    /// the poison queue; throws when it could do none of these (a storage fault, callbacks turned off, the app stopping),
    /// and the message stays to be tried again.
    /// </summary>
    public async Task DeliverAsync(string message, CancellationToken cancellationToken = default)
    {
        if (!Enabled) throw new InvalidOperationException("A callback is queued but Vod__Callback__Url is not set.");
        using var span = VodTelemetry.StartOperation("DeliverCallback", VodTelemetry.Callback, null, ActivityKind.Consumer);
        if (CallbackMessage.Parse(message) is not { } callback)
        {
            logger.LogError("A message of {Queue} is not a callback; kept in {PoisonQueue}", _options.Queue, _options.PoisonQueue);
            await PoisonAsync(message, cancellationToken);
            Delivered(span, "poisoned", null);
            return;
        }
        var failure = await PostAsync(callback.Event, cancellationToken);
        var (operation, requestId, eventTime) = Describe(callback.Event);
        span?.SetTag(VodTelemetry.OperationId, operation).SetTag(VodTelemetry.RequestId, requestId).SetTag("vod.attempt", callback.Attempt);
        if (failure is null)
        {
            logger.LogInformation("Callback of event {OperationId} delivered (attempt {Attempt})", operation, callback.Attempt);
            if (eventTime is { } sent && VodTelemetry.CallbackLag.Enabled) VodTelemetry.CallbackLag.Record((time.GetUtcNow() - sent).TotalSeconds);
            Delivered(span, "delivered", null);
            return;
        }
        if (callback.Attempt >= _options.Attempts)
        {
            logger.LogError("Callback of event {OperationId} failed attempt {Attempt} of {Attempts} ({Failure}); kept in {PoisonQueue}",
                operation, callback.Attempt, _options.Attempts, failure, _options.PoisonQueue);
            await PoisonAsync(message, cancellationToken);
            Delivered(span, "poisoned", failure);
            return;
        }
        var delay = _options.DelayBefore(callback.Attempt + 1);
        await _queue.SendMessageAsync(new CallbackMessage(callback.Attempt + 1, callback.Event).ToString(), delay, NeverExpires, cancellationToken);
        logger.LogWarning("Callback of event {OperationId} failed attempt {Attempt} of {Attempts} ({Failure}); tried again in {Delay}",
            operation, callback.Attempt, _options.Attempts, failure, delay);
        Delivered(span, "retry", failure);
    }

    /// <summary>Counts a delivery attempt by its outcome and ends its span (a failure's text names only the receiver's answer).</summary>
    private static void Delivered(Activity? span, string outcome, string? failure)
    {
        if (VodTelemetry.CallbackDeliveries.Enabled) VodTelemetry.CallbackDeliveries.Add(1, new KeyValuePair<string, object?>(VodTelemetry.Outcome, outcome));
        span?.SetTag("vod.callback.outcome", outcome);
        VodTelemetry.End(span, failure is null, code: failure);
    }

    /// <summary>VOD's callback signature: the MD5, in lowercase hex, of <c>{callback URL}|{X-VOD-TIMESTAMP}|{AuthKey}</c>.</summary>
    public static string Signature(string url, string timestamp, string authKey) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{url}|{timestamp}|{authKey}")));

    /// <summary>POSTs the event; null when the receiver answered 200, else what went wrong. Throws only when cancelled.</summary>
    private async Task<string?> PostAsync(string body, CancellationToken cancellationToken)
    {
        var url = _options.Url!;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (_options.AuthKey is { Length: > 0 } key)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add("X-VOD-TIMESTAMP", timestamp);
            request.Headers.Add("X-VOD-SIGNATURE", Signature(url, timestamp, key));
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.StatusCode == System.Net.HttpStatusCode.OK ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {_options.Timeout}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    private async Task PoisonAsync(string message, CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient(_options.PoisonQueue);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(message, null, NeverExpires, cancellationToken);
    }

    /// <summary>An event's OperationId, RequestId and time.</summary>
    private static (string? OperationId, string? RequestId, DateTimeOffset? EventTime) Describe(string eventJson)
    {
        using var document = JsonDocument.Parse(eventJson);
        string? Text(string name) => document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return (Text(nameof(DeleteEvent.OperationId)), Text(nameof(DeleteEvent.RequestId)),
            DateTimeOffset.TryParse(Text(nameof(DeleteEvent.EventTime)), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null);
    }

    public void Dispose() => _http.Dispose();
}
