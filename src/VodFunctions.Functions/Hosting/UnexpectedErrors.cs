using Microsoft.Azure.Functions.Worker.Middleware;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// Under the Functions host, an HTTP invocation that fails outside its function's preamble (the function's class could
/// not be made, say) would reach the caller as an empty 200. This answers the contract's JSON 500 instead, as the
/// standalone hosting does.
/// </summary>
public sealed class UnexpectedErrors(ILogger<UnexpectedErrors> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (context.GetHttpContext() is { RequestAborted.IsCancellationRequested: false })
        {
            logger.LogError(e, "{Function} failed before it ran", context.FunctionDefinition.Name);
            context.GetInvocationResult().Value = new ApiResult(Guid.NewGuid().ToString(), Api.Unexpected);
        }
    }
}
