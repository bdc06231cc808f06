using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.DependencyInjection;
using RpcException = Microsoft.Azure.Functions.Worker.Grpc.Messages.RpcException;

namespace VodFunctions.Testing;

/// <summary>
/// Plays the Azure Functions host for a built .NET isolated-worker app, so tests can drive the app the way the host
/// does where Core Tools is not installed.
/// <para>Like the host, it:</para>
/// <list type="bullet">
/// <item>serves FunctionRpc's EventStream over HTTP/2 without TLS on 127.0.0.1 and starts
/// <c>dotnet app.dll --host ... --functions-uri http://127.0.0.1:PORT/ --functions-worker-id ... --functions-request-id ...
/// --functions-grpc-max-message-length ...</c> in the app's folder, with FUNCTIONS_WORKER_RUNTIME=dotnet-isolated,
/// FUNCTIONS_APPLICATION_DIRECTORY, FUNCTIONS_WORKER_DIRECTORY and AzureWebJobsScriptRoot set to that folder, the test
/// process's environment, and the app settings given (as environment variables);</item>
/// <item>sends WorkerInitRequest (reading the worker's "HttpUri" capability), FunctionsMetadataRequest (worker indexing)
/// and one FunctionLoadRequest a function;</item>
/// <item>for an HTTP request under the route prefix (host.json's extensions.http.routePrefix, default "api"), picks the
/// HTTP function by method and route template (the most specific route wins; none: 404), forwards the request to the
/// worker's HttpUri with <c>x-ms-invocation-id</c> and X-Forwarded-For/Host/Proto, method, path, query, headers and body,
/// and sends the InvocationRequest (with a TraceContext, an empty RpcHttp input and the route values, Query and Headers
/// as trigger metadata); the caller gets the worker's HTTP response as it is (a function that throws answers 200 with an
/// empty body, as under the host) and the InvocationResponse's outcome;</item>
/// <item>invokes a timer function with the TimerInfo JSON the host sends;</item>
/// <item>invokes a queue function with a message as the host's queue listener does: its text (a string trigger) and its
/// Id, DequeueCount, times and PopReceipt as trigger metadata;</item>
/// <item>ends with WorkerTerminate, then kills the process if it has not exited.</item>
/// </list>
/// <para>It does not: check keys or authLevel (the host would for non-anonymous functions), run timer schedules or
/// poll queues, resolve <c>%Setting%</c> expressions, serve /admin or /runtime routes, support other triggers, output bindings,
/// function.json indexing, workers without the ASP.NET Core integration (no HttpUri), restarts, placeholders or
/// several worker processes.</para>
/// </summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    /// <summary>The request option under which <see cref="CreateClient"/> leaves a request's invocation outcome.</summary>
    public static readonly HttpRequestOptionsKey<InvocationOutcome> InvocationOption = new("FunctionsHost.Invocation");

    private const string HostVersion = "4.1037.0";
    private const int MaxMessageLength = int.MaxValue; // the host's default
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly string[] HopByHopHeaders = ["Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade"];

    private readonly string _workerAssembly;
    private readonly string _appDirectory;
    private readonly string _workerId = Guid.NewGuid().ToString();
    private readonly WebApplication _server;
    private readonly Process _worker = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout };
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<WorkerLog>> _invocationLogs = new();
    private readonly TaskCompletionSource<IServerStreamWriter<StreamingMessage>> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, (HostedFunction Function, string Id, FunctionRoute? Route)> _functions = new(StringComparer.OrdinalIgnoreCase);
    private Exception? _failure;
    private bool _workerStarted;
    private bool _disposed;

    private FunctionsHost(string workerAssembly)
    {
        _workerAssembly = Path.GetFullPath(workerAssembly);
        _appDirectory = Path.GetDirectoryName(_workerAssembly)!;
        RoutePrefix = ReadRoutePrefix(Path.Combine(_appDirectory, "host.json"));
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => (o.MaxReceiveMessageSize, o.MaxSendMessageSize) = (null, null));
        builder.Services.AddSingleton(new RpcService(this));
        _server = builder.Build();
        _server.MapGrpcService<RpcService>();
    }

    /// <summary>The functions the worker reported, in its order.</summary>
    public IReadOnlyList<HostedFunction> Functions { get; private set; } = [];

    /// <summary>The route prefix HTTP functions are served under, without slashes ("api" unless host.json says otherwise).</summary>
    public string RoutePrefix { get; }

    /// <summary>Where the worker's ASP.NET Core integration listens (its "HttpUri" capability); null without it.</summary>
    public Uri? WorkerHttpUri { get; private set; }

    /// <summary>The worker's stdout and stderr so far, and its stream logs outside invocations, one line each.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the worker whose assembly is given, from its build or publish folder, and loads its functions.</summary>
    public static async Task<FunctionsHost> StartAsync(
        string workerAssembly, IEnumerable<KeyValuePair<string, string>>? environment = null, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(workerAssembly))
        {
            throw new FileNotFoundException("The worker assembly was not found.", workerAssembly);
        }
        var host = new FunctionsHost(workerAssembly);
        try
        {
            await host.StartCoreAsync(environment ?? [], cancellationToken);
            return host;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException or Grpc.Core.RpcException)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"The worker did not start: {e.Message}{Environment.NewLine}{host.Output}", e);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Serves an HTTP request as the host would (see the class summary); the request URI may be relative.</summary>
    public async Task<HostHttpResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        uri = uri.IsAbsoluteUri ? uri : new Uri(new Uri("http://localhost/"), uri);
        var match = MatchHttpFunction(request.Method.Method, uri.AbsolutePath);
        if (match is not var (function, functionId, routeValues))
        {
            return new HostHttpResponse(new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request }, null);
        }
        var workerUri = WorkerHttpUri ?? throw new NotSupportedException(
            "The worker reported no HttpUri capability: HTTP needs ConfigureFunctionsWebApplication (ASP.NET Core integration).");

        var invocation = NewInvocation(functionId, function.Trigger.Name, new TypedData { Http = new RpcHttp() });
        foreach (var (name, value) in routeValues)
        {
            invocation.TriggerMetadata[name] = new TypedData { String = value };
        }
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).ToDictionary(q => q.Key, q => q.Value.ToString());
        invocation.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(query) };
        invocation.TriggerMetadata["Headers"] = new TypedData
        {
            Json = JsonSerializer.Serialize(request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value)))
        };
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);

        // As the host: the forwarding starts first, then the invocation request goes out.
        var forwarding = ForwardAsync(request, uri, body, new Uri(workerUri, uri.PathAndQuery), invocation.InvocationId, cancellationToken);
        var outcome = InvokeAsync(function, invocation, cancellationToken);
        await Task.WhenAll(forwarding, outcome);
        var response = await forwarding;
        response.RequestMessage = request;
        return new HostHttpResponse(response, await outcome);
    }

    /// <summary>An HttpClient (base address http://localhost/) whose requests go through <see cref="SendAsync"/>;
    /// a request's invocation outcome is left in its options under <see cref="InvocationOption"/>.</summary>
    public HttpClient CreateClient() => new(new HostHandler(this)) { BaseAddress = new Uri("http://localhost/"), Timeout = Timeout };

    /// <summary>Invokes a timer function as the host's timer would, with this TimerInfo
    /// (<c>{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{Last,Next,LastUpdated}|null,"IsPastDue":...}</c>), in the trace
    /// <paramref name="traceParent"/> when given (W3C <c>traceparent</c>; else a new one).</summary>
    public Task<InvocationOutcome> InvokeTimerAsync(
        string functionName, bool isPastDue = false, TimerStatus? status = null, CancellationToken cancellationToken = default, string? traceParent = null)
    {
        if (!_functions.TryGetValue(functionName, out var entry) || !entry.Function.Trigger.Type.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"No timer function named '{functionName}'.", nameof(functionName));
        }
        var timerInfo = JsonSerializer.Serialize(new { Schedule = new { AdjustForDST = true }, ScheduleStatus = status, IsPastDue = isPastDue });
        var invocation = NewInvocation(entry.Id, entry.Function.Trigger.Name, new TypedData { Json = timerInfo }, traceParent);
        return InvokeAsync(entry.Function, invocation, cancellationToken);
    }

    /// <summary>Invokes a queue function as the host's queue listener does with a message it took off the queue (its text, Base64 decoded).</summary>
    public Task<InvocationOutcome> InvokeQueueAsync(
        string functionName, string messageText, string messageId, long dequeueCount = 1, CancellationToken cancellationToken = default)
    {
        if (!_functions.TryGetValue(functionName, out var entry) || !entry.Function.Trigger.Type.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"No queue function named '{functionName}'.", nameof(functionName));
        }
        var invocation = NewInvocation(entry.Id, entry.Function.Trigger.Name, new TypedData { String = messageText });
        var now = DateTimeOffset.UtcNow;
        invocation.TriggerMetadata["QueueTrigger"] = new TypedData { String = messageText };
        invocation.TriggerMetadata["Id"] = new TypedData { String = messageId };
        invocation.TriggerMetadata["DequeueCount"] = new TypedData { Json = dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        invocation.TriggerMetadata["PopReceipt"] = new TypedData { String = Guid.NewGuid().ToString() };
        invocation.TriggerMetadata["InsertionTime"] = new TypedData { Json = JsonSerializer.Serialize(now) };
        invocation.TriggerMetadata["ExpirationTime"] = new TypedData { Json = JsonSerializer.Serialize(now.AddDays(7)) };
        invocation.TriggerMetadata["NextVisibleTime"] = new TypedData { Json = JsonSerializer.Serialize(now.AddMinutes(10)) };
        return InvokeAsync(entry.Function, invocation, cancellationToken);
    }

    /// <summary>Sends WorkerTerminate, waits a few seconds for the worker to exit, kills it if it has not, stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_workerStarted && !_worker.HasExited)
        {
            if (_stream.Task.IsCompletedSuccessfully && _failure is null)
            {
                try
                {
                    var terminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) };
                    await WriteAsync(new StreamingMessage { WorkerTerminate = terminate }, CancellationToken.None);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or Grpc.Core.RpcException or OperationCanceledException)
                {
                    // The stream is already gone: the worker is killed below if it does not exit by itself.
                }
            }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _worker.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _worker.Kill(entireProcessTree: true);
                await _worker.WaitForExitAsync();
            }
        }
        await _stopping.CancelAsync();
        await _server.StopAsync(CancellationToken.None);
        await _server.DisposeAsync();
        _worker.Dispose();
        _http.Dispose();
        _writeLock.Dispose();
        _stopping.Dispose();
    }

    internal static (HostedFunction Function, Dictionary<string, string> Values)? MatchRoute(
        IEnumerable<(HostedFunction Function, FunctionRoute Route)> routes, string routePrefix, string method, string path)
    {
        var prefix = routePrefix.Length == 0 ? "/" : $"/{routePrefix}/";
        if (!(path + "/").StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var rest = path.Length > prefix.Length ? path[prefix.Length..] : "";
        return routes
            .Where(r => r.Function.Methods.Count == 0 || r.Function.Methods.Contains(method.ToUpperInvariant()))
            .Select(r => (r.Function, r.Route, Matched: r.Route.TryMatch(rest, out var values), Values: values))
            .Where(r => r.Matched)
            .OrderBy(r => r.Route.Precedence)
            .Select(r => ((HostedFunction, Dictionary<string, string>)?)(r.Function, r.Values))
            .FirstOrDefault();
    }

    private async Task StartCoreAsync(IEnumerable<KeyValuePair<string, string>> environment, CancellationToken cancellationToken)
    {
        await _server.StartAsync(cancellationToken);
        var port = new Uri(_server.Urls.Single()).Port.ToString();
        var requestId = Guid.NewGuid().ToString();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            _workerAssembly, "--host", "127.0.0.1", "--port", port, "--workerId", _workerId, "--requestId", requestId,
            "--grpcMaxMessageLength", $"{MaxMessageLength}", "--functions-uri", $"http://127.0.0.1:{port}/",
            "--functions-worker-id", _workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", $"{MaxMessageLength}",
        ];
        arguments.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = _appDirectory;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = _appDirectory;
        start.Environment["AzureWebJobsScriptRoot"] = _appDirectory;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        _worker.StartInfo = start;
        _worker.EnableRaisingEvents = true;
        _worker.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _worker.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _worker.Exited += (_, _) =>
        {
            _worker.WaitForExit(); // drains stdout and stderr into the output first
            Fail(new IOException($"The worker exited with code {_worker.ExitCode}."));
        };
        _worker.Start();
        _workerStarted = true;
        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();

        await _stream.Task.WaitAsync(Timeout, cancellationToken);
        var init = (await CallAsync(new StreamingMessage
        {
            WorkerInitRequest = new WorkerInitRequest { HostVersion = HostVersion, WorkerDirectory = _appDirectory, FunctionAppDirectory = _appDirectory },
        }, cancellationToken)).WorkerInitResponse;
        EnsureSuccess(init.Result, "WorkerInitRequest");
        WorkerHttpUri = init.Capabilities.TryGetValue("HttpUri", out var httpUri) ? new Uri(httpUri) : null;

        var metadata = (await CallAsync(new StreamingMessage
        {
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _appDirectory },
        }, cancellationToken)).FunctionMetadataResponse;
        EnsureSuccess(metadata.Result, "FunctionsMetadataRequest");
        if (metadata.UseDefaultMetadataIndexing)
        {
            throw new InvalidOperationException("The worker asked for host indexing (function.json), which is not supported.");
        }
        foreach (var rpc in metadata.FunctionMetadataResults)
        {
            var bindings = rpc.RawBindings.Select(raw => JsonDocument.Parse(raw).RootElement.Clone())
                .Select(json => new HostedBinding(Text(json, "name"), Text(json, "type"), Text(json, "direction"), json)).ToArray();
            var function = new HostedFunction(rpc.Name, rpc.EntryPoint, rpc.ScriptFile, bindings);
            _functions[rpc.Name] = (function, rpc.FunctionId, function.Route is { } route ? new FunctionRoute(route) : null);
        }
        Functions = _functions.Values.Select(f => f.Function).ToArray();

        await Task.WhenAll(metadata.FunctionMetadataResults.Select(async rpc =>
        {
            var load = new FunctionLoadRequest
            {
                FunctionId = rpc.FunctionId,
                Metadata = new RpcFunctionMetadata
                {
                    Name = rpc.Name, Directory = rpc.Directory, EntryPoint = rpc.EntryPoint, ScriptFile = rpc.ScriptFile,
                    Bindings = { rpc.Bindings }, Properties = { rpc.Properties },
                },
            };
            var loaded = (await CallAsync(new StreamingMessage { FunctionLoadRequest = load }, cancellationToken)).FunctionLoadResponse;
            EnsureSuccess(loaded.Result, $"FunctionLoadRequest for {rpc.Name}");
        }));
    }

    private (HostedFunction Function, string Id, Dictionary<string, string> Values)? MatchHttpFunction(string method, string path)
    {
        var routes = _functions.Values.Where(f => f.Route is not null).Select(f => (f.Function, f.Route!));
        return MatchRoute(routes, RoutePrefix, method, path) is var (function, values) ? (function, _functions[function.Name].Id, values) : null;
    }

    private static InvocationRequest NewInvocation(string functionId, string triggerName, TypedData trigger, string? traceParent = null)
    {
        var invocation = new InvocationRequest
        {
            FunctionId = functionId,
            InvocationId = Guid.NewGuid().ToString(),
            // Required: without a TraceContext the worker fails every invocation with a NullReferenceException.
            TraceContext = new RpcTraceContext { TraceParent = traceParent ?? $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01" },
        };
        invocation.InputData.Add(new ParameterBinding { Name = triggerName, Data = trigger });
        return invocation;
    }

    private async Task<InvocationOutcome> InvokeAsync(HostedFunction function, InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var logs = _invocationLogs[invocation.InvocationId] = new ConcurrentQueue<WorkerLog>();
        try
        {
            var response = (await CallAsync(new StreamingMessage { InvocationRequest = invocation }, cancellationToken)).InvocationResponse;
            var status = response.Result.Status switch
            {
                StatusResult.Types.Status.Success => InvocationStatus.Success,
                StatusResult.Types.Status.Cancelled => InvocationStatus.Cancelled,
                _ => InvocationStatus.Failure,
            };
            var exception = response.Result.Exception;
            return new InvocationOutcome(function.Name, invocation.InvocationId, status, exception?.Message, Describe(exception), logs.ToArray());
        }
        finally
        {
            _invocationLogs.TryRemove(invocation.InvocationId, out _);
        }
    }

    private async Task<HttpResponseMessage> ForwardAsync(
        HttpRequestMessage request, Uri uri, byte[]? body, Uri target, string invocationId, CancellationToken cancellationToken)
    {
        // As the host's proxy: retry while the worker's HTTP server is not accepting connections yet.
        for (var attempt = 1; ; attempt++)
        {
            using var forwarded = new HttpRequestMessage(request.Method, target);
            foreach (var header in request.Headers.Where(h => !HopByHopHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase)))
            {
                forwarded.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            forwarded.Headers.TryAddWithoutValidation("x-ms-invocation-id", invocationId);
            forwarded.Headers.TryAddWithoutValidation("X-Forwarded-For", "127.0.0.1");
            forwarded.Headers.TryAddWithoutValidation("X-Forwarded-Host", uri.Authority);
            forwarded.Headers.TryAddWithoutValidation("X-Forwarded-Proto", uri.Scheme);
            if (body is not null)
            {
                forwarded.Content = new ByteArrayContent(body);
                foreach (var header in request.Content!.Headers)
                {
                    forwarded.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
            try
            {
                return await _http.SendAsync(forwarded, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < 10 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Math.Min(50 << (attempt - 1), 250), cancellationToken);
            }
        }
    }

    private async Task<StreamingMessage> CallAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        message.RequestId = Guid.NewGuid().ToString();
        var response = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[message.RequestId] = response;
        try
        {
            if (_failure is not null)
            {
                throw new IOException("The worker is gone.", _failure);
            }
            await WriteAsync(message, cancellationToken);
            return await response.Task.WaitAsync(Timeout, cancellationToken);
        }
        finally
        {
            _pending.TryRemove(message.RequestId, out _);
        }
    }

    private async Task WriteAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        var stream = await _stream.Task;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(message, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task RunStreamAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken callAborted)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(callAborted, _stopping.Token);
        try
        {
            if (!await requests.MoveNext(stopping.Token) || requests.Current.StartStream?.WorkerId != _workerId || !_stream.TrySetResult(responses))
            {
                return;
            }
            while (await requests.MoveNext(stopping.Token))
            {
                Receive(requests.Current);
            }
            Fail(new IOException("The worker closed its stream."));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            Fail(new IOException("The worker's stream broke.", e));
        }
    }

    private void Receive(StreamingMessage message)
    {
        if (message.RpcLog is { } log)
        {
            var entry = new WorkerLog(log.Level.ToString(), log.Category, log.Message, Describe(log.Exception));
            if (_invocationLogs.TryGetValue(log.InvocationId, out var logs))
            {
                logs.Enqueue(entry);
            }
            else
            {
                _output.Enqueue($"[stream {entry.Level}] {entry.Category}: {entry.Message}{(entry.Exception is null ? "" : " " + entry.Exception)}");
            }
        }
        else if (_pending.TryGetValue(message.RequestId, out var response))
        {
            response.TrySetResult(message);
        }
    }

    private void Fail(Exception failure)
    {
        _failure ??= failure;
        _stream.TrySetException(failure);
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(failure);
        }
    }

    private static void EnsureSuccess(StatusResult result, string step)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"{step} failed: {Describe(result.Exception) ?? result.Status.ToString()}");
        }
    }

    private static string? Describe(RpcException? exception) =>
        exception is null ? null : $"{exception.Type} {exception.Message}{Environment.NewLine}{exception.StackTrace}".Trim();

    private static string Text(JsonElement json, string property) =>
        json.TryGetProperty(property, out var value) ? value.GetString() ?? "" : "";

    internal static string ReadRoutePrefix(string hostJson)
    {
        if (!File.Exists(hostJson))
        {
            return "api";
        }
        using var document = JsonDocument.Parse(File.ReadAllText(hostJson), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        JsonElement? node = document.RootElement;
        foreach (var name in new[] { "extensions", "http", "routePrefix" })
        {
            node = node is { ValueKind: JsonValueKind.Object } parent
                ? parent.EnumerateObject().Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault()
                : null;
        }
        return node is { ValueKind: JsonValueKind.String } prefix ? prefix.GetString()!.Trim('/') : "api";
    }

    private sealed class RpcService(FunctionsHost host) : FunctionRpc.FunctionRpcBase
    {
        public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
            host.RunStreamAsync(requestStream, responseStream, context.CancellationToken);
    }

    private sealed class HostHandler(FunctionsHost host) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var result = await host.SendAsync(request, cancellationToken);
            if (result.Invocation is not null)
            {
                request.Options.Set(InvocationOption, result.Invocation);
            }
            return result.Response;
        }
    }
}
