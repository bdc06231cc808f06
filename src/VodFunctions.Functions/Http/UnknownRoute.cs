using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using VodFunctions.Core;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>
/// Every other request under <c>/api</c> (routes with literal segments win over this one): a JSON answer instead of an
/// empty 404 or 405. A known operation asked with the wrong method → 405 naming the method to use; anything else →
/// 404 <c>InvalidAction.NotFound</c> naming the operations.
/// </summary>
public sealed class UnknownRoute : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Service", "Any other request under `/api`: the contract's JSON 404 or 405.")
    {
        Anonymous = true,
        IgnoresQuery = true,
        Listed = false,
    };

    // Made on first use: this class is made while the list of functions is.
    private static readonly Lazy<(TemplateMatcher Matcher, WorkerFunction Function)[]> Routes = new(() => WorkerFunction.HttpFunctions
        .Where(f => f.Operation!.Listed)
        .Select(f => (new TemplateMatcher(TemplateParser.Parse(f.Route), new RouteValueDictionary()), f))
        .ToArray());

    private static readonly Lazy<string> Operations = new(() => string.Join(", ", WorkerFunction.HttpFunctions
        .Where(f => f.Methods.Contains("POST") && !f.Route.Contains('{')).Select(f => f.Name)));

    [Function(nameof(UnknownRoute))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "head", "options", Route = "api/{*path}")] HttpRequest req) =>
        Api.RunAsync(req, nameof(UnknownRoute), RunAsync);

    private static Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var http = request.Http;
        var path = (http.GetRouteValue("path") as string ?? "").Trim('/');
        var known = Routes.Value.FirstOrDefault(r => r.Matcher.TryMatch($"/{Api.RoutePrefix}/{path}", new RouteValueDictionary())).Function;
        if (known is null)
            return Task.FromResult<object>(new VodError("InvalidAction.NotFound", $"There is no operation '{path}'. The operations are: {Operations.Value}; the reference is /api/openapi.json."));
        http.Response.Headers.Allow = string.Join(", ", known.Methods);
        return Task.FromResult<object>(new VodError("InvalidParameter",
            $"{known.Name} is called with {string.Join(" or ", known.Methods)}, not {http.Request.Method}.", StatusCodes.Status405MethodNotAllowed));
    }
}
