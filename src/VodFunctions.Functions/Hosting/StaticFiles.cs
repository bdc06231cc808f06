using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;
using VodFunctions.Core;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// A folder of pages embedded in the app (<c>Console/</c>, <c>Reference/</c>), served from <c>{route}/{*path}</c> without a
/// key: with an ETag (304 when unchanged), <c>nosniff</c>, no referrer, and the folder's content security policy.
/// </summary>
public sealed class StaticFiles
{
    /// <summary>A file's bytes, stored gzip-compressed or not.</summary>
    public sealed record File(byte[] Content, bool Gzipped = false);

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, (File File, string ETag)> _files;
    private readonly string _policy;

    /// <param name="folder">The folder of the app's embedded files (its resources are named <c>{folder}/{path}</c>).</param>
    /// <param name="policy">The <c>Content-Security-Policy</c> of every file.</param>
    /// <param name="more">Files from elsewhere (a library's bundle), by path.</param>
    public StaticFiles(string folder, string policy, IReadOnlyDictionary<string, File>? more = null)
    {
        _policy = policy;
        var assembly = typeof(StaticFiles).Assembly;
        var files = new Dictionary<string, File>(more ?? new Dictionary<string, File>(), StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(folder + "/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            files[name[(folder.Length + 1)..]] = new File(ReadAll(stream));
        }
        _files = files.ToFrozenDictionary(f => f.Key,
            f => (f.Value, new EntityTagHeaderValue($"\"{Convert.ToHexString(SHA256.HashData(f.Value.Content))[..16]}\"", isWeak: f.Value.Gzipped).ToString()));
    }

    public static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The file the route's <c>path</c> names (the folder itself: <c>index.html</c>), or 404 <c>NoSuchResource</c>.</summary>
    public object Serve(ApiRequest request)
    {
        var http = request.Http;
        var path = http.Request.RouteValues["path"] as string ?? "";
        if (path.Length == 0 && !http.Request.Path.Value!.EndsWith('/'))
            return Results.Redirect(http.Request.PathBase + http.Request.Path + "/");
        if (path.Length == 0) path = "index.html";
        if (!_files.TryGetValue(path, out var found) || !ContentTypes.TryGetValue(Path.GetExtension(path), out var contentType))
            return new VodError("NoSuchResource", $"There is no file '{path}' here.", StatusCodes.Status404NotFound);

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = _policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        headers.ETag = found.ETag;
        if (found.File.Gzipped) headers.Vary = "Accept-Encoding";
        if (http.Request.Headers.IfNoneMatch == found.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        if (!found.File.Gzipped) return Results.Bytes(found.File.Content, contentType);
        if (http.Request.Headers.AcceptEncoding.Any(e => e?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true))
        {
            headers.ContentEncoding = "gzip";
            return Results.Bytes(found.File.Content, contentType);
        }
        return Results.Stream(new GZipStream(new MemoryStream(found.File.Content), CompressionMode.Decompress), contentType);
    }
}
