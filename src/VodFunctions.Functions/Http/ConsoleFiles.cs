using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>
/// <c>GET /api/console/{path}</c>, without a key: the web console's static files, embedded in the app.
/// The page then calls the public API with the key its user enters.
/// </summary>
public sealed class ConsoleFiles : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Pages", "The web console: its page and files (no key; the page asks for one).")
    {
        Content = new(["text/html", "text/javascript", "text/css"], "The console's page (`/api/console/`) or one of its files."),
        Anonymous = true,
        IgnoresQuery = true,
    };

    private static readonly Lazy<StaticFiles> Files = new(() => new("Console",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"));

    [Function("console")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/{*path}")] HttpRequest req) =>
        Api.RunAsync(req, "console", RunAsync);

    private static Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) => Task.FromResult(Files.Value.Serve(request));
}
