using VodFunctions.Core;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Alibaba;

/// <summary>
/// What a signed VOD request at <c>/</c> carries to the operation it names: its RequestId, the key's caller and the
/// parameters taken from VOD's encodings. <see cref="Api"/> runs the operation with these instead of reading the request
/// itself; its errors then carry VOD's <c>HostId</c> and <c>Recommend</c> too.
/// </summary>
public sealed class RpcCall(string requestId, string hostId, string recommend)
{
    public string RequestId => requestId;
    public string HostId => hostId;
    public string Recommend => recommend;
    public Caller? Caller { get; set; }
    public Parameters? Parameters { get; set; }
}

/// <summary>
/// VOD's RPC request syntax at the app's root: <c>GET</c> or <c>POST</c> with <c>Action</c>, <c>Version</c> 2017-03-21,
/// <c>Format</c> JSON and the operation's parameters in the query string and/or a form body, signed with an AccessKey
/// pair (V1 or V3, see <see cref="Signatures"/>). The operation is the one <c>/api/{Action}</c> runs, the same function
/// body with the same declared parameters, under the signing key's role and applications. <c>GET /</c> without an
/// <c>Action</c> or any piece of a signature is a person: it goes to the console.
/// </summary>
public static class RpcEndpoint
{
    public const string Version = CommonParameters.ApiVersion;

    /// <summary>The operations callable at <c>/</c>: every listed operation that takes a key (not the pages, the reference or health).</summary>
    private static readonly Lazy<Dictionary<string, WorkerFunction>> Actions = new(() => WorkerFunction.HttpFunctions
        .Where(f => f.Operation is { Listed: true, Anonymous: false })
        .ToDictionary(f => f.Name, StringComparer.Ordinal));

    public static IEnumerable<string> ActionNames => Actions.Value.Keys.Order(StringComparer.Ordinal);

    public static async Task<IActionResult> RunAsync(HttpRequest request)
    {
        var http = request.HttpContext;
        if (HttpMethods.IsGet(request.Method) && !new[] { "Action", "AccessKeyId", "Signature" }.Any(request.Query.ContainsKey)
            && !request.Headers.ContainsKey("x-acs-action") && !request.Headers.ContainsKey("Authorization"))
            return new ApiResult(Guid.NewGuid().ToString(), Results.Redirect($"/{Api.RoutePrefix}/console/"));
        var host = RpcRequest.HostOf(request);
        var rpc = new RpcCall(Guid.NewGuid().ToString(), host, $"{request.Scheme}://{host}/{Api.RoutePrefix}/reference/");
        http.Features.Set(rpc);
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("VodFunctions.Alibaba");
        try
        {
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsPost(request.Method))
            {
                http.Response.Headers.Allow = "GET, POST";
                throw new ApiException(new VodError("InvalidParameter", $"/ is called with GET or POST, not {request.Method}.", StatusCodes.Status405MethodNotAllowed));
            }
            var signed = await RpcRequest.ReadAsync(request, http.RequestAborted);
            var function = FunctionOf(signed);
            var parameters = VodEncodings.ToParameters(function.Operation!, signed.Parameters);
            var key = await http.RequestServices.GetRequiredService<Signatures>().VerifyAsync(signed, http.RequestAborted);
            rpc.Caller = key.Caller;
            rpc.Parameters = parameters;
            var result = await function.InvokeAsync(http.RequestServices, p =>
                p.ParameterType == typeof(HttpRequest) ? request : p.ParameterType == typeof(CancellationToken) ? http.RequestAborted : null);
            return (IActionResult)result!;
        }
        catch (ApiException e)
        {
            return new ApiResult(rpc.RequestId, e.Error);
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogError(e, "Storage failed checking a signed request ({RequestId})", rpc.RequestId);
            return new ApiResult(rpc.RequestId, new VodError("ServiceUnavailable", "Storage is unavailable; the request is safe to retry."));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return new EmptyResult();
        }
        catch (Exception e)
        {
            logger.LogError(e, "A signed request failed ({RequestId})", rpc.RequestId);
            return new ApiResult(rpc.RequestId, Api.Unexpected);
        }
    }

    /// <summary>The operation the request names, in the version and format the service speaks.</summary>
    private static WorkerFunction FunctionOf(RpcRequest request)
    {
        var action = request.Action
            ?? throw RpcRequest.Refused("MissingParameter", "The input parameter \"Action\" that is mandatory for processing this request is not supplied.");
        if (!Actions.Value.TryGetValue(action, out var function))
            throw RpcRequest.Refused("InvalidAction.NotFound", $"Specified api is not found: there is no operation {action}. The operations are: {string.Join(", ", ActionNames)}.");
        var version = request.Version
            ?? throw RpcRequest.Refused("MissingParameter", "The input parameter \"Version\" that is mandatory for processing this request is not supplied.");
        if (version != Version) throw RpcRequest.Refused("InvalidVersion", $"Specified parameter Version {version} is not valid: it is {Version}.");
        if (request.Parameter("Format") is { } format && !format.Equals("JSON", StringComparison.OrdinalIgnoreCase))
            throw ApiException.Invalid($"Format {format} is not supported: the service answers JSON only (Format=JSON).");
        if (request.IsV3 && request.Parameter("Action") is { } queried && queried != action)
            throw ApiException.Invalid($"The Action parameter {queried} is not the x-acs-action header {action}.");
        return function;
    }
}
