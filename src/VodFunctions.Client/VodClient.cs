using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VodFunctions.Client;

/// <summary>
/// Client of a VodFunctions app: one typed method per operation of its HTTP API (<c>POST /api/{Operation}</c>
/// with a JSON body), the key sent in <c>x-functions-key</c>, failures thrown as <see cref="VodException"/>,
/// and calls answered 500, 503 or 429 retried with exponential backoff (<see cref="VodClientOptions"/>); deletes send an
/// <c>Idempotency-Key</c> (a new one per call unless given), so their retries never delete twice.
/// </summary>
public sealed class VodClient : IDisposable
{
    internal static readonly JsonSerializerOptions Json = CreateJsonOptions();

    /// <summary>
    /// The JSON options the client reads and writes the contract's JSON with: PascalCase names matched
    /// case-insensitively, nulls left out, times written as the service writes them (UTC, <c>Z</c>).
    /// Read-only; use it to serialize responses back into the contract's JSON.
    /// </summary>
    public static JsonSerializerOptions JsonOptions => Json;

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = null,
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new UtcTimeConverter() },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The header of a delete's idempotency key.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _endpoint;
    private readonly string? _key;
    private readonly VodClientOptions _options;

    /// <param name="endpoint">The app's root URL, for example <c>https://func-vod.azurewebsites.net/</c>.</param>
    /// <param name="key">
    /// A key of the app (<c>Vod__Keys__{n}__Secret</c>); null for a client without one, which only
    /// <see cref="GetHealthAsync"/> needs (every other operation then answers 401 <c>Unauthorized</c>).
    /// </param>
    /// <param name="options">Retry options; the defaults when null.</param>
    public VodClient(Uri endpoint, string? key, VodClientOptions? options = null)
        : this(new HttpClient(), endpoint, key, options) => _ownsHttp = true;

    /// <summary>A client that sends through <paramref name="httpClient"/>, which it does not dispose.</summary>
    public VodClient(HttpClient httpClient, Uri endpoint, string? key, VodClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (key is not null) ArgumentException.ThrowIfNullOrEmpty(key);
        _http = httpClient;
        _endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/");
        _key = key;
        _options = options ?? new VodClientOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxRetries);
    }

    // ---- Ingest and read (API.md section 5) ----

    public Task<CreateUploadVideoResponse> CreateUploadVideoAsync(CreateUploadVideoRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<CreateUploadVideoResponse>("CreateUploadVideo", request, cancellationToken);

    public Task<CreateUploadImageResponse> CreateUploadImageAsync(CreateUploadImageRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<CreateUploadImageResponse>("CreateUploadImage", request, cancellationToken);

    public Task<CreateUploadAttachedMediaResponse> CreateUploadAttachedMediaAsync(CreateUploadAttachedMediaRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<CreateUploadAttachedMediaResponse>("CreateUploadAttachedMedia", request, cancellationToken);

    /// <summary>Checks that the uploaded file of a video, image or attached media exists and marks the upload done.</summary>
    public Task<CompleteUploadResponse> CompleteUploadAsync(string mediaId, CancellationToken cancellationToken = default) =>
        CallAsync<CompleteUploadResponse>("CompleteUpload", new { MediaId = mediaId }, cancellationToken);

    public Task<RegisterMediaFilesResponse> RegisterMediaFilesAsync(RegisterMediaFilesRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<RegisterMediaFilesResponse>("RegisterMediaFiles", request, cancellationToken);

    public Task<GetVideoInfoResponse> GetVideoInfoAsync(string videoId, CancellationToken cancellationToken = default) =>
        CallAsync<GetVideoInfoResponse>("GetVideoInfo", new { VideoId = videoId }, cancellationToken);

    public Task<GetPlayInfoResponse> GetPlayInfoAsync(string videoId, CancellationToken cancellationToken = default) =>
        CallAsync<GetPlayInfoResponse>("GetPlayInfo", new { VideoId = videoId }, cancellationToken);

    public Task<GetMezzanineInfoResponse> GetMezzanineInfoAsync(string videoId, CancellationToken cancellationToken = default) =>
        CallAsync<GetMezzanineInfoResponse>("GetMezzanineInfo", new { VideoId = videoId }, cancellationToken);

    public Task<GetImageInfoResponse> GetImageInfoAsync(string imageId, CancellationToken cancellationToken = default) =>
        CallAsync<GetImageInfoResponse>("GetImageInfo", new { ImageId = imageId }, cancellationToken);

    /// <param name="videoId">The video.</param>
    /// <param name="snapshotType">Only images of this type (<c>CoverSnapshot</c>, ...); all when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ListSnapshotsResponse> ListSnapshotsAsync(string videoId, string? snapshotType = null, CancellationToken cancellationToken = default) =>
        CallAsync<ListSnapshotsResponse>("ListSnapshots", new { VideoId = videoId, SnapshotType = snapshotType }, cancellationToken);

    /// <summary>Attached media by ID (at most 20); unknown IDs are listed in <c>NonExistMediaIds</c>.</summary>
    public Task<GetAttachedMediaInfoResponse> GetAttachedMediaInfoAsync(IReadOnlyList<string> mediaIds, CancellationToken cancellationToken = default) =>
        CallAsync<GetAttachedMediaInfoResponse>("GetAttachedMediaInfo", new { MediaIds = mediaIds }, cancellationToken);

    /// <summary>One page of search results; <see cref="SearchAllMediaAsync"/> walks every page.</summary>
    public Task<SearchMediaResponse> SearchMediaAsync(SearchMediaRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<SearchMediaResponse>("SearchMedia", request, cancellationToken);

    /// <summary>Every item that matches <paramref name="request"/>, fetched page by page as they are enumerated.</summary>
    public async IAsyncEnumerable<MediaItem> SearchAllMediaAsync(SearchMediaRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (var page = request; page is not null;)
        {
            var response = await SearchMediaAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.MediaList) yield return item;
            page = response.NextPageToken is { Length: > 0 } token ? request with { PageToken = token } : null;
        }
    }

    /// <summary>
    /// The bytes of a video's cover snapshot or of an uploaded image (<c>GetThumbnail</c>), with their
    /// image content type. A video without a cover → <see cref="VodException"/> <c>NoSuchResource</c>.
    /// </summary>
    public async Task<Thumbnail> GetThumbnailAsync(string mediaId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync("api/GetThumbnail", new { MediaId = mediaId }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        return new Thumbnail
        {
            ContentType = response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream",
            Content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// <c>GET /api/health</c> (no key needed): <c>Healthy</c> when the app's storage answers, <c>Unhealthy</c>
    /// (answered 503) when it does not. Not retried: it reports the app's state now.
    /// </summary>
    public async Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri(_endpoint, "api/health"), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<HealthResponse>("health", response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads a file to an <c>UploadURL</c> of a CreateUpload* operation (one PUT of a block blob). The
    /// key is not sent: the URL carries its own authorization. Not retried, as the stream may not rewind.
    /// </summary>
    /// <param name="uploadUrl">The <c>UploadURL</c>.</param>
    /// <param name="content">The file's bytes, read once from its current position.</param>
    /// <param name="contentType">The blob's content type (for example <c>video/mp4</c>); none when null.</param>
    /// <param name="progress">Told the number of bytes sent so far as the upload goes on.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    public async Task UploadAsync(Uri uploadUrl, Stream content, string? contentType = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uploadUrl);
        ArgumentNullException.ThrowIfNull(content);
        HttpContent body = progress is null ? new StreamContent(content) : new ProgressContent(content, progress);
        using var request = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = body };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return;
        var code = response.Headers.TryGetValues("x-ms-error-code", out var codes) ? codes.First() : "UploadFailed";
        var requestId = response.Headers.TryGetValues("x-ms-request-id", out var ids) ? ids.First() : null;
        throw new VodException((int)response.StatusCode, code, $"The upload was refused: {(int)response.StatusCode} {response.ReasonPhrase}.", requestId);
    }

    // ---- Delete (API.md section 6) ----

    public Task<DeleteVideoResponse> DeleteVideoAsync(DeleteVideoRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<DeleteVideoResponse>("DeleteVideo", request, cancellationToken, KeyOf(request?.IdempotencyKey));

    public Task<DeleteCompletedResponse> DeleteStreamAsync(DeleteStreamRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<DeleteCompletedResponse>("DeleteStream", request, cancellationToken, KeyOf(request?.IdempotencyKey));

    public Task<DeleteMezzaninesResponse> DeleteMezzaninesAsync(DeleteMezzaninesRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<DeleteMezzaninesResponse>("DeleteMezzanines", request, cancellationToken, KeyOf(request?.IdempotencyKey));

    /// <summary>Deletes images by URL, by ID or by video and type: see <see cref="DeleteImageRequest.ByUrls"/>, <see cref="DeleteImageRequest.ByIds"/>, <see cref="DeleteImageRequest.ByVideo"/>.</summary>
    public Task<DeleteCompletedResponse> DeleteImageAsync(DeleteImageRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<DeleteCompletedResponse>("DeleteImage", request, cancellationToken, KeyOf(request?.IdempotencyKey));

    public Task<DeleteAttachedMediaResponse> DeleteAttachedMediaAsync(DeleteAttachedMediaRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<DeleteAttachedMediaResponse>("DeleteAttachedMedia", request, cancellationToken, KeyOf(request?.IdempotencyKey));

    public Task<DeleteCompletedResponse> DeleteMultipartUploadAsync(DeleteMultipartUploadRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<DeleteCompletedResponse>("DeleteMultipartUpload", request, cancellationToken, KeyOf(request?.IdempotencyKey));

    // ---- The recycle bin ----

    /// <summary>One page of the recycle bin, newest first.</summary>
    public Task<ListRecycleBinResponse> ListRecycleBinAsync(ListRecycleBinRequest? request = null, CancellationToken cancellationToken = default) =>
        CallAsync<ListRecycleBinResponse>("ListRecycleBin", request ?? new ListRecycleBinRequest(), cancellationToken);

    /// <summary>Brings back what the entries hold (at most 20), all or none.</summary>
    public Task<RestoreMediaResponse> RestoreMediaAsync(IReadOnlyList<string> entryIds, CancellationToken cancellationToken = default) =>
        CallAsync<RestoreMediaResponse>("RestoreMedia", new { EntryIds = entryIds }, cancellationToken);

    /// <summary>Purges entries now, for good (Admin key): <see cref="PurgeRecycleBinRequest.EntryIds"/>, or <see cref="PurgeRecycleBinRequest.All"/>.</summary>
    public Task<PurgeRecycleBinResponse> PurgeRecycleBinAsync(PurgeRecycleBinRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<PurgeRecycleBinResponse>("PurgeRecycleBin", request, cancellationToken);

    // ---- The audit log ----

    /// <summary>One page of the audit log of deletions, newest first, within the key's applications.</summary>
    public Task<ListDeletionsResponse> ListDeletionsAsync(ListDeletionsRequest? request = null, CancellationToken cancellationToken = default) =>
        CallAsync<ListDeletionsResponse>("ListDeletions", request ?? new ListDeletionsRequest(), cancellationToken);

    // ---- Media policies and timer functions (API.md section 7) ----

    /// <summary>Creates a policy, or replaces the one with the same <see cref="MediaPolicy.PolicyId"/>.</summary>
    public Task<SetMediaPolicyResponse> SetMediaPolicyAsync(MediaPolicy policy, CancellationToken cancellationToken = default) =>
        CallAsync<SetMediaPolicyResponse>("SetMediaPolicy", policy, cancellationToken);

    public Task<ListMediaPoliciesResponse> ListMediaPoliciesAsync(CancellationToken cancellationToken = default) =>
        CallAsync<ListMediaPoliciesResponse>("ListMediaPolicies", null, cancellationToken);

    public Task<EmptyResponse> DeleteMediaPolicyAsync(string policyId, CancellationToken cancellationToken = default) =>
        CallAsync<EmptyResponse>("DeleteMediaPolicy", new { PolicyId = policyId }, cancellationToken);

    /// <summary>What a run of the policy would do now, after priorities and what is left of today's limit; nothing is deleted.</summary>
    public Task<PreviewMediaPolicyResponse> PreviewMediaPolicyAsync(string policyId, CancellationToken cancellationToken = default) =>
        CallAsync<PreviewMediaPolicyResponse>("PreviewMediaPolicy", new { PolicyId = policyId }, cancellationToken);

    /// <summary>
    /// Starts a timer function (<c>ApplyMediaPolicies</c>, <c>ReconcileStorage</c>) now: <c>POST /admin/functions/{name}</c>,
    /// answered 202. Needs an admin key; on Azure the Functions host answers this route itself and wants its master key.
    /// Wait for the run with <see cref="WaitForFunctionRunAsync"/>.
    /// </summary>
    public async Task<RunFunctionResponse> RunFunctionAsync(string functionName, string? input = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        var before = DateTimeOffset.UtcNow;
        using var response = await SendAsync($"admin/functions/{Uri.EscapeDataString(functionName)}", new { input }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        // The app answers RunId; the Functions host answers an empty body. The server's clock (its Date header, whole
        // seconds) tells which runs started after the call; a second earlier, as the header is rounded down.
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var started = text.Length > 0 && text.TrimStart().StartsWith('{')
            ? Parse<RunFunctionResponse>("admin/functions", text, response)
            : new RunFunctionResponse { RequestId = RequestIdOf(response) ?? "" };
        return started with
        {
            FunctionName = started.FunctionName is { Length: > 0 } name ? name : functionName,
            StartedAfter = (response.Headers.Date ?? before) - TimeSpan.FromSeconds(1),
        };
    }

    /// <summary>The runs of a timer function, newest first (<c>ListFunctionRuns</c>; <paramref name="pageSize"/> ≤ 100, 20 when null).</summary>
    public Task<ListFunctionRunsResponse> ListFunctionRunsAsync(string functionName, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        return CallAsync<ListFunctionRunsResponse>("ListFunctionRuns", new { FunctionName = functionName, PageSize = pageSize }, cancellationToken);
    }

    /// <summary>
    /// Waits for the run <paramref name="started"/> to end, polling <see cref="ListFunctionRunsAsync"/> every
    /// <paramref name="pollInterval"/> (1 s when null): the run with its <c>RunId</c>, or, when the start answered none,
    /// the first run that started after the call. Answers the ended run (<see cref="FunctionRun.EndTime"/> set).
    /// A run skipped because another instance held the function's lock is never recorded: bound the wait with
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<FunctionRun> WaitForFunctionRunAsync(RunFunctionResponse started, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(started);
        while (true)
        {
            var runs = (await ListFunctionRunsAsync(started.FunctionName, cancellationToken: cancellationToken).ConfigureAwait(false)).Runs;
            var run = started.RunId is { Length: > 0 } runId
                ? runs.FirstOrDefault(r => r.RunId == runId)
                : runs.LastOrDefault(r => r.StartTime >= started.StartedAfter);
            if (run?.EndTime is not null) return run;
            await Task.Delay(pollInterval ?? TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What <c>ReconcileStorage</c> found: orphan blobs (for keys of every application), records whose files are
    /// gone, deletes the last run finished, and that run.
    /// </summary>
    public Task<GetReconcileReportResponse> GetReconcileReportAsync(CancellationToken cancellationToken = default) =>
        CallAsync<GetReconcileReportResponse>("GetReconcileReport", null, cancellationToken);

    // ---- Statistics ----

    /// <summary>
    /// What deletes freed in the last 24 hours (the default) or 30 days, by trigger and per hour or day, and what is waiting now
    /// (interrupted deletes, events to resend, queues, the recycle bin): the figures of the console's Overview.
    /// </summary>
    public Task<GetDeletionStatisticsResponse> GetDeletionStatisticsAsync(GetDeletionStatisticsRequest? request = null, CancellationToken cancellationToken = default) =>
        CallAsync<GetDeletionStatisticsResponse>("GetDeletionStatistics", request ?? new GetDeletionStatisticsRequest(), cancellationToken);

    // ---- transport ----

    private async Task<T> CallAsync<T>(string operation, object? body, CancellationToken cancellationToken, string? idempotencyKey = null) where T : VodResponse
    {
        using var response = await SendAsync("api/" + operation, body, cancellationToken, idempotencyKey).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(operation, response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(string operation, HttpResponseMessage response, CancellationToken cancellationToken) where T : VodResponse =>
        Parse<T>(operation, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), response);

    /// <summary>The response read from its body, which it keeps as <see cref="VodResponse.Body"/>.</summary>
    private static T Parse<T>(string operation, string text, HttpResponseMessage response) where T : VodResponse
    {
        try
        {
            var body = JsonSerializer.Deserialize<JsonElement>(text, Json);
            var result = body.ValueKind == JsonValueKind.Object ? body.Deserialize<T>(Json)! : throw new JsonException("The response body is not a JSON object.");
            result.Body = body;
            return result;
        }
        catch (JsonException e)
        {
            throw new VodException((int)response.StatusCode, "UnexpectedResponse", $"{operation} answered a body that is not its response: {e.Message}", RequestIdOf(response));
        }
    }

    /// <summary>A delete's idempotency key: the caller's, else a new one for this call (its retries reuse it).</summary>
    private static string KeyOf(string? given) => given ?? Guid.NewGuid().ToString("N");

    /// <summary>
    /// POSTs the body, sending it again after a backoff while the answer is 500, 503 or 429 and retries are left. With an
    /// idempotency key (a delete) a retry is safe whatever happened to the first answer, so a lost answer (a network
    /// failure) and a 409 <c>IdempotencyKey.InUse</c> (the first call still running) are retried too.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var content = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoint, path));
            if (_key is not null) request.Headers.Add("x-functions-key", _key);
            if (idempotencyKey is not null) request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
            if (content is not null)
                request.Content = new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (idempotencyKey is not null && attempt < _options.MaxRetries)
            {
                await Task.Delay(DelayBefore(attempt + 1, null), cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (attempt >= _options.MaxRetries || !(response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests
                    || (idempotencyKey is not null && response.StatusCode == HttpStatusCode.Conflict)))
                return response;
            var delay = DelayBefore(attempt + 1, response.Headers.RetryAfter);
            response.Dispose();
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The server's <c>Retry-After</c> when it sent one, else the retry delay doubled per retry with ±20% jitter; capped.</summary>
    private TimeSpan DelayBefore(int retry, RetryConditionHeaderValue? retryAfter)
    {
        var delay = retryAfter?.Delta
            ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : (TimeSpan?)null)
            ?? _options.RetryDelay * Math.Pow(2, retry - 1) * (0.8 + 0.4 * Random.Shared.NextDouble());
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    private static async Task<VodException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (JsonSerializer.Deserialize<ErrorBody>(text, Json) is { Code.Length: > 0 } error)
                return new VodException(status, error.Code, error.Message ?? "", error.RequestId ?? RequestIdOf(response));
        }
        catch (JsonException)
        {
            // Not a service error body (a proxy or the platform answered): reported below with the status.
        }
        return new VodException(status, "UnexpectedResponse", $"{status} {response.ReasonPhrase}", RequestIdOf(response));
    }

    private static string? RequestIdOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-request-id", out var ids) ? ids.FirstOrDefault() : null;

    private sealed record ErrorBody(string? RequestId, string? Code, string? Message);

    /// <summary>Disposes the HTTP client when this client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
