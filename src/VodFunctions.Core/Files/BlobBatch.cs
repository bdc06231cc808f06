using System.Globalization;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace VodFunctions.Core.Files;

/// <summary>
/// Deletes up to <see cref="MaxSize"/> blobs of one container in one Blob Batch request
/// (<c>POST {container}?restype=container&amp;comp=batch</c>, a multipart/mixed body of DELETE sub-requests).
/// The batch goes through the container client's own pipeline (its authentication, retries and policies)
/// and each sub-request is authorized on its own by the client's authentication policy: a SharedKey
/// signature of the sub-request (connection strings) or a bearer token (identity).
/// </summary>
public sealed class BlobBatch
{
    public const int MaxSize = 256;
    private const string ServiceVersion = "2025-01-05";
    private static readonly HashSet<int> RefusedStatuses = [400, 403, 404, 405, 501];

    private readonly BlobContainerClient _container;
    private readonly HttpPipeline _pipeline;
    private readonly HttpPipeline _signer;

    private BlobBatch(BlobContainerClient container, HttpPipeline pipeline, HttpPipelinePolicy authentication)
    {
        _container = container;
        _pipeline = pipeline;
        // Runs the authentication policy on a sub-request without sending it anywhere.
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
    /// Deletes <paramref name="names"/> (at most <see cref="MaxSize"/>), snapshots included. Answers each blob's
    /// sub-response status in order (202 deleted, 404 not found, 0 when the response had none), or null when the
    /// service refused the batch request itself. Other failures of the batch request throw <see cref="RequestFailedException"/>.
    /// </summary>
    public async Task<int[]?> DeleteAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        if (names.Count is 0 or > MaxSize) throw new ArgumentOutOfRangeException(nameof(names), names.Count, $"A batch holds 1 to {MaxSize} blobs.");
        var boundary = "batch_" + Guid.NewGuid().ToString("D");
        var date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        var body = new StringBuilder(names.Count * 320);
        for (var i = 0; i < names.Count; i++)
        {
            using var sub = _signer.CreateMessage();
            sub.Request.Method = RequestMethod.Delete;
            sub.Request.Uri.Reset(_container.GetBlobClient(names[i]).Uri);
            sub.Request.Headers.SetValue("x-ms-date", date);
            sub.Request.Headers.SetValue("x-ms-delete-snapshots", "include");
            await _signer.SendAsync(sub, cancellationToken);
            body.Append("--").Append(boundary).Append("\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ")
                .Append(i).Append("\r\n\r\nDELETE ").Append(sub.Request.Uri.PathAndQuery).Append(" HTTP/1.1\r\n");
            foreach (var header in sub.Request.Headers) body.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
            body.Append("Content-Length: 0\r\n\r\n");
        }
        body.Append("--").Append(boundary).Append("--\r\n");

        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(_container.Uri);
        message.Request.Uri.AppendQuery("restype", "container");
        message.Request.Uri.AppendQuery("comp", "batch");
        message.Request.Headers.SetValue("x-ms-version", ServiceVersion);
        message.Request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + boundary);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString()));
        await _pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        if (response.Status is < 200 or >= 300)
            return RefusedStatuses.Contains(response.Status) ? Refused(response.Status, response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null)
                : throw new RequestFailedException(response);

        var statuses = new int[names.Count];
        var parsed = 0;
        var contentType = response.Headers.ContentType ?? "";
        var at = contentType.IndexOf("boundary=", StringComparison.OrdinalIgnoreCase);
        if (at >= 0)
        {
            foreach (var part in response.Content.ToString().Split("--" + contentType[(at + 9)..].Trim('"', ' ')))
            {
                var (id, status, errorCode) = ParsePart(part);
                if (status == 0) continue;
                if (id is >= 0 && id < names.Count) statuses[id.Value] = status;
                else if (id is null && status >= 400) return RefusedStatuses.Contains(status) ? Refused(status, errorCode) : throw new RequestFailedException(status, $"Blob batch failed: {status} {errorCode}", errorCode, null);
                parsed++;
            }
        }
        if (parsed == 0) return Refused(response.Status, "NoBatchResponse");
        // Every sub-request unauthorized: the service does not take sub-requests authorized this way (a SAS, say).
        return statuses.All(s => s == 403) ? Refused(403, "SubRequestsNotAuthorized") : statuses;
    }

    /// <summary>A refused batch means batches are not supported here, unless only the container is missing.</summary>
    private int[]? Refused(int status, string? errorCode)
    {
        if (errorCode != "ContainerNotFound") RefusedWith = $"{status} {errorCode}";
        return null;
    }

    /// <summary>One part of the multipart response: its Content-ID (null if none), the sub-response status and error code.</summary>
    private static (int? Id, int Status, string? ErrorCode) ParsePart(string part)
    {
        int? id = null;
        var (status, errorCode) = (0, (string?)null);
        foreach (var line in part.Split("\r\n"))
        {
            if (line.StartsWith("Content-ID:", StringComparison.OrdinalIgnoreCase) && int.TryParse(line[11..], CultureInfo.InvariantCulture, out var value)) id = value;
            else if (line.StartsWith("HTTP/", StringComparison.Ordinal) && line.Split(' ') is [_, var code, ..]) int.TryParse(code, CultureInfo.InvariantCulture, out status);
            else if (line.StartsWith("x-ms-error-code:", StringComparison.OrdinalIgnoreCase)) errorCode = line[16..].Trim();
        }
        return (id, status, errorCode);
    }

    /// <summary>Answers every request with 200 at once: the transport of the sub-request signer.</summary>
    private sealed class NoSend : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
    }

    /// <summary>The client's pipeline and authentication policy, which the SDK exposes to derived clients (as Azure.Storage.Blobs.Batch uses them).</summary>
    private sealed class ClientInternals : BlobServiceClient
    {
        private ClientInternals() { }
        public static HttpPipeline Pipeline(BlobServiceClient client) => GetHttpPipeline(client);
        public static HttpPipelinePolicy? Authentication(BlobServiceClient client) => GetAuthenticationPolicy(client);
    }
}
