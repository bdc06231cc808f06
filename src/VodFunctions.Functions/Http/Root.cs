using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using VodFunctions.Core;
using VodFunctions.Functions.Alibaba;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>
/// Everything outside <c>/api</c>: <c>/</c> is VOD's RPC endpoint (<see cref="RpcEndpoint"/>; <c>GET /</c> without an
/// <c>Action</c> goes to the console), any other address a JSON 404 (or 405 for <c>/admin/functions/{name}</c>, which
/// takes POST). Its route <c>{*path}</c> is at the root because host.json's route prefix is empty and every other function's
/// route starts with <c>api/</c>: that is how the Functions host routes <c>/</c> to the app (without it the host answers
/// <c>/</c> with its own page).
/// </summary>
public sealed partial class Root : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Service", "VOD's RPC endpoint at `/`; any other address outside `/api` is a JSON 404.")
    {
        Anonymous = true,
        IgnoresQuery = true,
        Listed = false,
    };

    [Function(nameof(Root))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "head", "options", Route = "{*path}")] HttpRequest req) =>
        (req.HttpContext.GetRouteValue("path") as string ?? "").Length == 0 ? RpcEndpoint.RunAsync(req) : Api.RunAsync(req, nameof(Root), NotFoundAsync);

    private static Task<object> NotFoundAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var http = request.Http;
        var path = http.Request.Path.Value ?? "/";
        if (!AdminRoute().IsMatch(path))
            return Task.FromResult<object>(new VodError("InvalidAction.NotFound",
                $"There is nothing at {path}. VOD's signed requests go to /, the operations are under /{Api.RoutePrefix}/ (the reference: /{Api.RoutePrefix}/reference/), the console at /{Api.RoutePrefix}/console/."));
        http.Response.Headers.Allow = "POST";
        return Task.FromResult<object>(new VodError("InvalidParameter", $"{path} is called with POST, not {http.Request.Method}.", StatusCodes.Status405MethodNotAllowed));
    }

    [GeneratedRegex("^/admin/functions/[^/]+$", RegexOptions.IgnoreCase)]
    private static partial Regex AdminRoute();
}
