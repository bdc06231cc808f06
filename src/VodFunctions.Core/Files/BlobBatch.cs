using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace VodFunctions.Core.Files;

/// <summary>
/// Deletes up to <see cref="MaxSize"/> blobs of one container in one Blob Batch request
/// (<c>POST {container}?restype=container&amp;comp=batch</c>, a multipart/mixed body of DELETE sub-requests).
/// The batch goes through the container client's own pipeline (its authentication, retries and policies),
/// and each sub-request is authorized on its own by the client's own authentication policy: a SharedKey
/// signature of the sub-request (connection strings, the account key staying inside the SDK) or a bearer
/// token (identity-based connections).
/// </summary>
public sealed class BlobBatch
{
    public const int MaxSize = 256;
    private const string ServiceVersion = "2025-01-05";
    private static readonly HashSet<int> RefusedStatuses = [400, 403, 404, 405, 501];

    private readonly BlobContainerClient _container;
    private readonly HttpPipeline _pipeline;
    private readonly HttpPipelinePolicy _authentication;
    private readonly HttpPipeline _signer;

    private BlobBatch(BlobContainerClient container, HttpPipeline pipeline, HttpPipelinePolicy authentication)
    {
        _container = container;
        _pipeline = pipeline;
        _authentication = authentication;
        // Runs an asynchronous authentication policy (bearer tokens) on a sub-request without sending it anywhere.
        _signer = new HttpPipeline(new HttpClientTransport(new HttpClient(new NoSend())), [authentication]);
    }

    /// <summary>A batch for <paramref name="container"/>, or null when its client has no credential to authorize sub-requests (anonymous or SAS).</summary>
    public static BlobBatch? For(BlobContainerClient container)
    {
        var service = container.GetParentBlobServiceClient();
        return ClientInternals.Authentication(service) is { } authentication
            ? new BlobBatch(container, ClientInternals.Pipeline(service), authentication)
            : null;
    }

    /// <summary>Set once the service refused a batch request itself (batches are not supported there): use single deletes.</summary>
    public string? RefusedWith { get; private set; }

    /// <summary>
    /// Deletes <paramref name="names"/> (1 to <see cref="MaxSize"/>), snapshots included. Answers each blob's
    /// sub-response status in order (202 deleted, 404 not found, 0 when the response had none), or null when the
    /// service refused the batch request itself. Other failures of the batch request throw <see cref="RequestFailedException"/>.
    /// </summary>
    public async Task<int[]?> DeleteAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        if (names.Count is 0 or > MaxSize) throw new ArgumentOutOfRangeException(nameof(names), names.Count, $"A batch holds 1 to {MaxSize} blobs.");
        var boundary = "batch_" + Guid.NewGuid().ToString("D");
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(_container.Uri);
        message.Request.Uri.AppendQuery("restype", "container");
        message.Request.Uri.AppendQuery("comp", "batch");
        message.Request.Headers.SetValue("x-ms-version", ServiceVersion);
        message.Request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + boundary);
        message.Request.Content = RequestContent.Create(await BodyAsync(names, boundary, cancellationToken));
        await _pipeline.SendAsync(message, cancellationToken);

        var response = message.Response;
        if (response.Status is < 200 or >= 300)
            return RefusedStatuses.Contains(response.Status) ? Refused(response.Status, response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null)
                : throw new RequestFailedException(response);
        return Statuses(response, names.Count);
    }

    /// <summary>The multipart/mixed body: one DELETE sub-request per blob, each authorized on its own.</summary>
    private async Task<byte[]> BodyAsync(IReadOnlyList<string> names, string boundary, CancellationToken cancellationToken)
    {
        var date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        var body = new StringBuilder();
        for (var i = 0; i < names.Count; i++)
        {
            using var sub = _signer.CreateMessage();
            sub.Request.Method = RequestMethod.Delete;
            sub.Request.Uri.Reset(_container.GetBlobClient(names[i]).Uri);
            sub.Request.Headers.SetValue("x-ms-date", date);
            sub.Request.Headers.SetValue("x-ms-delete-snapshots", "include");
            if (_authentication is HttpPipelineSynchronousPolicy signing) signing.OnSendingRequest(sub); // SharedKey: just sign
            else await _signer.SendAsync(sub, cancellationToken);
            body.Append("--").Append(boundary).Append("\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ")
                .Append(i).Append("\r\n\r\nDELETE ").Append(sub.Request.Uri.PathAndQuery).Append(" HTTP/1.1\r\n");
            foreach (var header in sub.Request.Headers) body.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
            body.Append("Content-Length: 0\r\n\r\n");
        }
        return Encoding.UTF8.GetBytes(body.Append("--").Append(boundary).Append("--\r\n").ToString());
    }

    /// <summary>Each sub-response's status by Content-ID, read line by line from the multipart/mixed response.</summary>
    private int[]? Statuses(Response response, int count)
    {
        var contentType = response.Headers.ContentType ?? "";
        var at = contentType.IndexOf("boundary=", StringComparison.OrdinalIgnoreCase);
        if (at < 0) return Refused(response.Status, "NoBatchResponse");
        var delimiter = Encoding.ASCII.GetBytes("--" + contentType[(at + 9)..].Trim('"', ' '));
        var statuses = new int[count];
        var parsed = 0;
        var (id, status, errorCode) = ((int?)null, 0, (string?)null);
        for (var rest = response.Content.ToMemory().Span; !rest.IsEmpty;)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 2)..];
            if (line.StartsWith(delimiter))
            {
                // The end of a part: a sub-response, or (no Content-ID) the service failing the whole batch.
                if (status != 0 && id is null && status >= 400) return Failed(status, errorCode);
                if (status != 0 && id is >= 0 && id < count) statuses[id.Value] = status;
                if (status != 0) parsed++;
                (id, status, errorCode) = (null, 0, null);
            }
            else if (Starts(line, "Content-ID:"u8) && int.TryParse(line[11..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) id = value;
            else if (status == 0 && line.StartsWith("HTTP/"u8) && line.IndexOf((byte)' ') is > 0 and var space)
                int.TryParse(line.Slice(space + 1, Math.Min(3, line.Length - space - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out status);
            else if (Starts(line, "x-ms-error-code:"u8)) errorCode = Encoding.ASCII.GetString(line[16..].Trim((byte)' '));
        }
        if (parsed == 0) return Refused(response.Status, "NoBatchResponse");
        // Every sub-request unauthorized: the service does not take sub-requests authorized this way.
        return statuses.All(s => s == 403) ? Refused(403, "SubRequestsNotAuthorized") : statuses;
    }

    private static bool Starts(ReadOnlySpan<byte> line, ReadOnlySpan<byte> prefix) =>
        line.Length >= prefix.Length && Ascii.EqualsIgnoreCase(line[..prefix.Length], prefix);

    /// <summary>The service failed a whole batch: refused (not supported here), or a storage fault.</summary>
    private int[]? Failed(int status, string? errorCode) => RefusedStatuses.Contains(status)
        ? Refused(status, errorCode)
        : throw new RequestFailedException(status, $"The blob batch failed: {status} {errorCode}", errorCode, null);

    /// <summary>A refused batch means batches are not supported here, unless only the container is missing.</summary>
    private int[]? Refused(int status, string? errorCode)
    {
        if (errorCode != "ContainerNotFound") RefusedWith = $"{status} {errorCode}";
        return null;
    }

    /// <summary>Answers every request with 200 at once: the transport of the sub-request signer.</summary>
    private sealed class NoSend : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
    }

    /// <summary>The client's pipeline and authentication policy, which the SDK exposes to derived clients (Azure.Storage.Blobs.Batch uses them so).</summary>
    private sealed class ClientInternals : BlobServiceClient
    {
        private ClientInternals() { }
        public static HttpPipeline Pipeline(BlobServiceClient client) => GetHttpPipeline(client);
        public static HttpPipelinePolicy? Authentication(BlobServiceClient client) => GetAuthenticationPolicy(client);
    }
}
