using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;

namespace VodFunctions.Core.Files;

/// <summary>
/// The media containers (the default storage location and configured external ones) and the folder
/// layout of API.md section 4. A blob path is only ever built from IDs and validated file names.
/// </summary>
public sealed class MediaStorage(IReadOnlyDictionary<string, BlobContainerClient> containers, TimeProvider time)
{
    public IEnumerable<string> LocationNames => containers.Keys;

    public bool IsKnownLocation(string name) => containers.ContainsKey(name);

    /// <summary>Whether two locations are one container (two names may be configured for it).</summary>
    public bool SameContainer(string location, string other) =>
        containers.TryGetValue(location, out var a) && containers.TryGetValue(other, out var b) && a.Uri == b.Uri;

    /// <summary>One location name per distinct container.</summary>
    public IEnumerable<string> DistinctLocations => containers.DistinctBy(c => c.Value.Uri).Select(c => c.Key);

    public BlobContainerClient Container(string location) =>
        containers.TryGetValue(location, out var container)
            ? container
            : throw new InvalidOperationException($"Storage location '{location}' is not configured.");

    public Uri UrlOf(string location, string blobName) => Container(location).GetBlobClient(blobName).Uri;

    /// <summary>The URL of a folder (IDs only, ending in '/'); a blob URL would lose the trailing '/'.</summary>
    public Uri FolderUrlOf(string location, string folder) => new(Container(location).Uri.AbsoluteUri.TrimEnd('/') + "/" + folder);

    public static string VideoFolder(string videoId) => $"videos/{videoId}/";
    public static string MezzanineFolder(string videoId) => $"videos/{videoId}/mezzanine/";
    public static string StreamsFolder(string videoId) => $"videos/{videoId}/streams/";
    public static string StreamFolder(string videoId, string jobId) => $"videos/{videoId}/streams/{jobId}/";
    public static string SnapshotsFolder(string videoId) => $"videos/{videoId}/snapshots/";
    public static string SnapshotFolder(string videoId, string imageType) => $"videos/{videoId}/snapshots/{imageType}/";
    public static string ImageFolder(string imageId) => $"images/{imageId}/";
    public static string AttachedFolder(string mediaId) => $"attached/{mediaId}/";

    /// <summary>A file name is one path segment: no separators, no dot segments, no control characters.</summary>
    public static bool IsValidFileName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= 255 && name.Trim() == name
        && name is not ("." or "..") && name.IndexOfAny(['/', '\\']) < 0 && !name.Any(char.IsControl);

    /// <summary>
    /// Maps a URL to the blob it names in one of the configured media containers. The path is read
    /// as written (before any normalization) and each segment decoded exactly once: dot segments,
    /// encoded separators, backslashes and empty segments are refused, so a URL never reaches a
    /// blob other than the one it spells. The query string and fragment are ignored.
    /// </summary>
    public bool TryParseUrl(string? url, out string location, out string blobName)
    {
        location = blobName = "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return false;
        var rawPath = RawPath(url!);
        if (rawPath is null || rawPath.Contains('\\')) return false;
        var segments = rawPath.Split('/').Skip(1).Select(Uri.UnescapeDataString).ToList();
        if (segments.Any(s => s.Contains('/') || s.Contains('\\'))) return false;
        foreach (var (name, container) in containers)
        {
            var root = container.Uri;
            var rootSegments = root.AbsolutePath.Trim('/').Split('/');
            if (!string.Equals(uri.Scheme, root.Scheme, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(uri.Authority, root.Authority, StringComparison.OrdinalIgnoreCase)
                || segments.Count <= rootSegments.Length
                || !segments.Take(rootSegments.Length).SequenceEqual(rootSegments, StringComparer.Ordinal)) continue;
            var decoded = string.Join('/', segments.Skip(rootSegments.Length));
            if (!IsSafeBlobName(decoded)) return false;
            location = name;
            blobName = decoded;
            return true;
        }
        return false;
    }

    /// <summary>The path of a URL exactly as written: after the authority, before any query or fragment.</summary>
    private static string? RawPath(string url)
    {
        var authority = url.IndexOf("://", StringComparison.Ordinal);
        if (authority < 0) return null;
        var start = url.IndexOf('/', authority + 3);
        if (start < 0) return null;
        var end = url.IndexOfAny(['?', '#'], start);
        return end < 0 ? url[start..] : url[start..end];
    }

    public static bool IsSafeBlobName(string name) =>
        name.Length is > 0 and <= 1024 && !name.Contains('\\') && !name.Any(char.IsControl)
        && name.Split('/').All(segment => segment is not ("" or "." or ".."));

    /// <summary>A SAS URL that allows creating/writing exactly this one blob for <paramref name="validity"/>.</summary>
    public async Task<Uri> UploadUrlAsync(string location, string blobName, TimeSpan validity, CancellationToken cancellationToken = default)
    {
        var blob = Container(location).GetBlobClient(blobName);
        var expires = time.GetUtcNow().Add(validity);
        var sas = new BlobSasBuilder(BlobSasPermissions.Create | BlobSasPermissions.Write, expires)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            Protocol = SasProtocol.HttpsAndHttp,
        };
        if (blob.CanGenerateSasUri) return blob.GenerateSasUri(sas);

        // Identity-based connections (no account key): sign with a user delegation key.
        var service = blob.GetParentBlobContainerClient().GetParentBlobServiceClient();
        var key = await service.GetUserDelegationKeyAsync(time.GetUtcNow().AddMinutes(-5), expires, cancellationToken);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, service.AccountName) }.ToUri();
    }

    public async Task<long?> BlobSizeAsync(string location, string blobName, CancellationToken cancellationToken = default) =>
        await PropertiesAsync(Container(location).GetBlobClient(blobName), cancellationToken) is { } properties && !IsDiscardResidue(properties)
            ? properties.ContentLength
            : null;

    /// <summary>A blob's properties, or null when there is no committed blob.</summary>
    public static async Task<BlobProperties?> PropertiesAsync(BlobBaseClient blob, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private const string DiscardMark = "voddiscardedupload";

    /// <summary>
    /// Drops the uncommitted blocks of a blob that has no committed version, by committing an empty blob in its
    /// place (only where none exists: If-None-Match *), marked so that it is never taken for an upload and a
    /// retry can finish the discard if the process stops before the empty blob is deleted. Answers the empty
    /// blob's ETag, or null when a blob was committed meanwhile.
    /// </summary>
    public static async Task<ETag?> CommitEmptyAsync(BlockBlobClient blob, CancellationToken cancellationToken = default)
    {
        try
        {
            var options = new CommitBlockListOptions
            {
                Metadata = new Dictionary<string, string> { [DiscardMark] = "true" },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            };
            return (await blob.CommitBlockListAsync([], options, cancellationToken)).Value.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return null;
        }
    }

    /// <summary>The empty blob <see cref="CommitEmptyAsync"/> left behind.</summary>
    public static bool IsDiscardResidue(BlobProperties properties) => properties.ContentLength == 0 && properties.Metadata.ContainsKey(DiscardMark);

    /// <summary>Files and bytes under a folder, subfolders included, listed page by page.</summary>
    public async Task<(int Files, long Bytes)> FolderSizeAsync(string location, string prefix, CancellationToken cancellationToken = default)
    {
        var (files, bytes) = (0, 0L);
        await foreach (var blob in Container(location).GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            files++;
            bytes += blob.Properties.ContentLength ?? 0;
        }
        return (files, bytes);
    }
}
