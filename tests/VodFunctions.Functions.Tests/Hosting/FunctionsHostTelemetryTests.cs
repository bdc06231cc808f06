using System.Diagnostics;

namespace VodFunctions.Functions.Tests.Hosting;

/// <summary>
/// Under the Functions host (the test host driving the built worker over FunctionRpc), with an OTLP endpoint set: the
/// worker's span of an invocation continues the trace the host sends with it, and the app's span of the run is inside it.
/// </summary>
public sealed class FunctionsHostTelemetryTests
{
    [Fact]
    public async Task ATimerRunsSpanJoinsTheHostsTrace()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var storage = await TestApp.StartAsync();
        var settings = storage.Settings.Where(s => s.Value is not null).ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value!);
        settings["Logging__LogLevel__Default"] = "Warning";
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint;
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        settings["OTEL_BSP_SCHEDULE_DELAY"] = "100"; // spans exported every 100 ms
        await using var host = await FunctionsHost.StartAsync(FunctionsHostTests.Hostings.WorkerDll, settings);
        var (traceId, hostSpanId) = (ActivityTraceId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());

        var outcome = await host.InvokeTimerAsync("ReconcileStorage", traceParent: $"00-{traceId}-{hostSpanId}-01");

        outcome.Status.Should().Be(InvocationStatus.Success, outcome.ToString());
        // The invocation's span ends (and is exported) after the run's.
        var spans = await SpansAsync(otlp, spans => spans.Any(s => s.Name == "ReconcileStorage" && s.Scope == "VodFunctions")
            && spans.Any(s => s.Scope == "Microsoft.Azure.Functions.Worker" && s.TraceId == traceId));
        var invocation = spans.Single(s => s.Scope == "Microsoft.Azure.Functions.Worker" && s.TraceId == traceId);
        invocation.ParentSpanId.Should().Be(hostSpanId, "the worker's span of the invocation is the host's span's child");
        var run = spans.Single(s => s.Name == "ReconcileStorage" && s.Scope == "VodFunctions");
        (run.TraceId, run.ParentSpanId).Should().Be((traceId, invocation.SpanId), "the run's span is inside the invocation's");
    }

    /// <summary>Waits, at most 30 s, until the spans exported so far satisfy <paramref name="done"/>.</summary>
    private static async Task<List<OtlpSpan>> SpansAsync(OtlpReceiver otlp, Func<List<OtlpSpan>, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var spans = otlp.Exports.SelectMany(e => e.Spans()).ToList();
            if (done(spans)) return spans;
            await Task.Delay(50, timeout.Token);
        }
    }
}
