using Scalar.AspNetCore;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>
/// <c>GET /api/reference/{path}</c>, without a key: the interactive API reference, Scalar's API reference over the app's
/// own <c>/api/openapi.json</c>. Every file comes from the app: the page and its start script are embedded in it, and
/// Scalar's browser bundle is the one the Scalar.AspNetCore package embeds (gzip), served here because a worker under
/// the Functions host has no endpoint routing for that package's own endpoints.
/// </summary>
public sealed class ReferenceFiles : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Pages", "The interactive API reference over `/api/openapi.json` (no key; a key entered there is sent with its test requests).")
    {
        Content = new(["text/html", "text/javascript"], "The reference's page (`/api/reference/`) or one of its files."),
        Anonymous = true,
        IgnoresQuery = true,
    };

    /// <summary>The name of Scalar's bundle among the package's resources.</summary>
    public const string BundleResource = "ScalarStaticAssets.scalar.js";

    // Scalar injects its styles at run time; scripts, data and fonts come from the app only.
    private static readonly Lazy<StaticFiles> Files = new(() => new("Reference",
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; font-src 'self' data:; "
        + "connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        new Dictionary<string, StaticFiles.File> { ["scalar.js"] = new(Bundle(), Gzipped: true) }));

    private static byte[] Bundle()
    {
        using var stream = typeof(ScalarOptions).Assembly.GetManifestResourceStream(BundleResource)
            ?? throw new InvalidOperationException($"Scalar.AspNetCore no longer embeds {BundleResource}.");
        return StaticFiles.ReadAll(stream);
    }

    [Function("reference")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/reference/{*path}")] HttpRequest req) =>
        Api.RunAsync(req, "reference", RunAsync);

    private static Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) => Task.FromResult(Files.Value.Serve(request));
}
