using VodFunctions.Core.Catalog;
using VodFunctions.Core.Files;
using VodFunctions.Core;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary><c>GET /api/health</c>, without a key: 200 when the catalog and the media container answer, else 503.</summary>
public sealed class Health(CatalogStore catalog, MediaStorage storage, ILogger<Health> logger)
{
    [Function("health")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest req) =>
        Api.RunAsync(req, "health", RunAsync, anonymous: true);

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
        catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Health check failed: {Error}", e.Message);
            return Results.Json(new { request.RequestId, Status = "Unhealthy" }, Api.Json, statusCode: 503);
        }
    }
}
