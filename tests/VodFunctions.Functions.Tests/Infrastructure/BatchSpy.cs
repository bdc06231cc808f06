using System.Collections.Concurrent;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;

namespace VodFunctions.Functions.Tests.Infrastructure;

/// <summary>
/// Watches the app's blob requests: counts Blob Batch requests and single blob deletes, can act just
/// before the first batch is sent, and can play a storage service without batches (answering them itself).
/// </summary>
public sealed class BatchSpy : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, bool> _batches = new();
    private int _singleDeletes, _first;

    /// <summary>Batch requests sent, each counted once however often the SDK retried it.</summary>
    public int Batches => _batches.Count;

    public int SingleDeletes => _singleDeletes;

    /// <summary>Runs once, before the first batch request goes out.</summary>
    public Func<Task>? BeforeFirstBatch { get; init; }

    /// <summary>When set, every batch request is answered with this status instead of reaching storage.</summary>
    public HttpStatusCode? AnswerBatches { get; init; }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Method == RequestMethod.Delete) Interlocked.Increment(ref _singleDeletes);
        if (!FaultPolicy.IsBlobBatch(message))
        {
            await ProcessNextAsync(message, pipeline);
            return;
        }
        _batches.TryAdd(message.Request.Headers.TryGetValue("Content-Type", out var type) ? type : "", true);
        if (BeforeFirstBatch is not null && Interlocked.Exchange(ref _first, 1) == 0) await BeforeFirstBatch();
        if (AnswerBatches is { } status)
            await new HttpClientTransport(new HttpClient(new Answer(status))).ProcessAsync(message);
        else
            await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    private sealed class Answer(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(status) { RequestMessage = request };
            response.Headers.Add("x-ms-error-code", "NotImplemented");
            return Task.FromResult(response);
        }
    }
}
