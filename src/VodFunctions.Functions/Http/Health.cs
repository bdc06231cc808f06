using VodFunctions.Core.Catalog;
using VodFunctions.Core.Files;
using VodFunctions.Core;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary><c>GET /api/health</c>, without a key: 200 when the catalog and the media container answer, else 503.</summary>
public sealed class Health(CatalogStore catalog, MediaStorage storage, ILogger<Health> logger) : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Service", "Whether the app's storage answers (no key needed).")
    {
        Answers = [new("Status", Shape.OneOf(["Healthy", "Unhealthy"]), "`Healthy`; with 503 `ServiceUnavailable`, `Unhealthy`.")],
        Errors = [new("ServiceUnavailable", "The catalog or the media container does not answer; the answer also has `Status: Unhealthy`.")],
        Anonymous = true,
    };

    [Function("health")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest req) =>
        Api.RunAsync(req, "health", RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await catalog.PingAsync(timeout.Token);
            await storage.Container(VodOptions.DefaultLocation).GetPropertiesAsync(cancellationToken: timeout.Token);
            return new { Status = "Healthy" };
        }
        catch (Exception e) when (StorageFaults.Is(e) || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Health check failed: {Error}", e.Message);
            return Results.Json(new
            {
                request.RequestId, Code = "ServiceUnavailable", Message = "The app's storage does not answer.", Status = "Unhealthy",
            }, Api.Json, statusCode: 503);
        }
    }
}
