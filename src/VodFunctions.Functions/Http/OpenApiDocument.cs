using System.Text;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary><c>GET /api/openapi.json</c>, without a key: the API's OpenAPI 3.1 document, written from the functions' declarations.</summary>
public sealed class OpenApiDocument : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Service", "This API's OpenAPI 3.1 document: every operation, its parameters, answers and error codes.")
    {
        Content = new(["application/json"], "The OpenAPI document."),
        Anonymous = true,
    };

    [Function("openapi")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/openapi.json")] HttpRequest req) =>
        Api.RunAsync(req, "openapi", RunAsync);

    private static Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        request.Http.Response.Headers.CacheControl = "no-cache";
        return Task.FromResult<object>(Results.Text(ApiReference.OpenApiJson, "application/json", Encoding.UTF8));
    }
}
