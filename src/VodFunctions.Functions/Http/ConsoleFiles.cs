using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>
/// <c>GET /api/console/{path}</c>, without a key: the web console's static files, embedded in the app.
/// The page then calls the public API with the key its user enters.
/// </summary>
public sealed class ConsoleFiles
{
    [Function("console")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{*path}")] HttpRequest req) =>
        Api.RunAsync(req, "console", RunAsync, anonymous: true);

    private const string ResourcePrefix = "Console/";

    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, (byte[] Content, string ETag)> Files = Load();

    private Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var http = request.Http;
        var path = http.Request.RouteValues["path"] as string ?? "";
        if (path.Length == 0 && !http.Request.Path.Value!.EndsWith('/'))
            return Task.FromResult<object>(Results.Redirect(http.Request.PathBase + http.Request.Path + "/"));
        if (path.Length == 0) path = "index.html";
        if (!Files.TryGetValue(path, out var file))
            return Task.FromResult<object>(new Core.VodError("NoSuchResource", $"The console has no file '{path}'.", 404));

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        if (http.Request.Headers.IfNoneMatch == file.ETag)
            return Task.FromResult<object>(Results.StatusCode(StatusCodes.Status304NotModified));
        return Task.FromResult<object>(Results.Bytes(file.Content, ContentTypes[Path.GetExtension(path)]));
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(ConsoleFiles).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            files[name[ResourcePrefix.Length..]] = (content, new EntityTagHeaderValue($"\"{Convert.ToHexString(SHA256.HashData(content))[..16]}\"").ToString());
        }
        return files.ToFrozenDictionary();
    }
}
