using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using VodFunctions.Core.Telemetry;

namespace VodFunctions.Functions.Tests;

/// <summary>
/// The app's OpenTelemetry: with an OTLP endpoint set, the real app on loopback exports its spans and metrics there (a
/// receiver on loopback counts the exports), and the SDK's in-memory exporters, added beside, show what they hold: a
/// delete's span tree, the metric points with their attributes, and no key, secret or signature anywhere. With no
/// exporter set, no provider is registered at all.
/// </summary>
public sealed class TelemetryTests
{
    private const string CallbackAuthKey = "callback-auth-key-0123456789";

    private sealed record TelemetryApp(TestApp App, List<Activity> Spans, List<MetricSnapshot> Metrics) : IAsyncDisposable
    {
        public List<Activity> SpansNow()
        {
            lock (Spans) return [.. Spans];
        }

        /// <summary>Collects every metric now (the in-memory reader and the OTLP one) and exports the spans ended so far.</summary>
        public void Flush()
        {
            App.Services.GetRequiredService<TracerProvider>().ForceFlush().Should().BeTrue();
            App.Services.GetRequiredService<MeterProvider>().ForceFlush().Should().BeTrue();
        }

        /// <summary>The last collection's points of a metric.</summary>
        public List<MetricPoint> Points(string name)
        {
            List<MetricPoint> points;
            lock (Metrics) points = Metrics.LastOrDefault(m => m.Name == name)?.MetricPoints.ToList() ?? [];
            return points;
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private static async Task<TelemetryApp> StartAsync(OtlpReceiver receiver, Dictionary<string, string?>? settings = null, FakeTimeProvider? clock = null)
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        var all = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        foreach (var (key, value) in settings ?? []) all[key] = value;
        void Configure(WebApplicationBuilder builder)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(new Locked<Activity>(spans)));
            builder.Services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(new Locked<MetricSnapshot>(metrics)));
        }
        var app = clock is null ? await TestApp.StartAsync(all, Configure) : await TimerKit.StartAsync(clock, all, Configure);
        return new TelemetryApp(app, spans, metrics);
    }

    [Fact]
    public async Task ADeleteVideoIsASpanWithItsStepsAsChildrenAndCountedWithNoSecretAnywhere()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var callbacks = await CallbackReceiver.StartAsync(CallbackReceiver.Always(200), CallbackAuthKey);
        var callbackQueue = TestStorage.UniqueName("callbacks-");
        await using var telemetry = await StartAsync(otlp, new()
        {
            ["Vod:Callback:Url"] = callbacks.BaseUrl + "/vod", ["Vod:Callback:AuthKey"] = CallbackAuthKey, ["Vod:Callback:Queue"] = callbackQueue,
            ["Vod:Queues:MaxPollingInterval"] = "00:00:00.100",
        });
        var app = telemetry.App;
        try
        {
            var video = await app.SeedVideoAsync(streams: 2, segments: 3, snapshots: 1);
            var files = (await app.ListBlobsAsync(video.Folder)).Count;

            // The key in the query string, where a request span's URL could show it.
            var response = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, key: null, query: "code=" + TestApp.AdminKey);

            response.Status.Should().Be(200, response.ToString());
            var deleteEvent = (await app.EventsAsync()).Single();
            var operationId = deleteEvent.GetProperty("OperationId").GetString()!;
            var callback = (await callbacks.WaitForAsync(calls => calls.Any(c => c.Answer == 200), "the delete's callback")).First(c => c.Answer == 200);
            // The request's own span ends once its response is written; the callback's once its delivery is counted.
            var spans = await SpansAsync(telemetry, s => s.Any(a => a.OperationName == "DeleteVideo" && Tag(a, VodTelemetry.RequestId) == response.RequestId)
                && s.Any(a => a.Kind == ActivityKind.Server && a.Source.Name == "Microsoft.AspNetCore")
                && s.Any(a => a.OperationName == "DeliverCallback" && Tag(a, VodTelemetry.OperationId) == operationId));
            telemetry.Flush();

            var operation = spans.Single(s => s.OperationName == "DeleteVideo" && Tag(s, VodTelemetry.RequestId) == response.RequestId);
            (Tag(operation, VodTelemetry.Operation), Tag(operation, VodTelemetry.Trigger), Tag(operation, VodTelemetry.Outcome), Tag(operation, VodTelemetry.Status),
                Tag(operation, VodTelemetry.OperationId)).Should().Be(("DeleteVideo", "api", "success", "200", operationId));
            spans.Should().Contain(s => s.SpanId == operation.ParentSpanId && s.Kind == ActivityKind.Server,
                "standalone, ASP.NET Core's request span holds the operation's");
            var steps = spans.Where(s => s.ParentSpanId == operation.SpanId && s.Source == VodTelemetry.Source).ToList();
            steps.Select(s => s.OperationName).Distinct().Should().BeEquivalentTo(["vod.delete.journal", "vod.delete.blobs", "vod.delete.records", "vod.delete.event"]);
            steps.Where(s => s.OperationName != "vod.delete.blobs").Should().OnlyContain(s => Tag(s, VodTelemetry.OperationId) == operationId);
            steps.Where(s => s.OperationName == "vod.delete.blobs").Sum(s => (int)s.GetTagItem(VodTelemetry.Files)!).Should().Be(files, "every blob goes in one page or another");
            steps.Single(s => s.OperationName == "vod.delete.records").GetTagItem(VodTelemetry.Bytes).Should().Be(deleteEvent.GetProperty("DeletedBytes").GetInt64());
            steps.Should().OnlyContain(s => s.Status != ActivityStatusCode.Error);
            var delivery = spans.Single(s => s.OperationName == "DeliverCallback" && Tag(s, VodTelemetry.OperationId) == operationId);
            (Tag(delivery, VodTelemetry.Trigger), Tag(delivery, VodTelemetry.RequestId), Tag(delivery, VodTelemetry.Outcome))
                .Should().Be(("callback", response.RequestId, "success"));

            await app.Services.GetRequiredService<BacklogGauges>().RefreshAsync(CancellationToken.None);
            telemetry.Flush();
            var api = Attributes(("vod.operation", "DeleteVideo"), ("vod.trigger", "api"), ("vod.outcome", "success"));
            Sum(telemetry.Points("vod.deletes"), api).Should().BeGreaterThanOrEqualTo(1);
            Sum(telemetry.Points("vod.deleted.files"), api).Should().BeGreaterThanOrEqualTo(files);
            Sum(telemetry.Points("vod.deleted.bytes"), api).Should().BeGreaterThanOrEqualTo(deleteEvent.GetProperty("DeletedBytes").GetInt64());
            telemetry.Points("vod.delete.duration").Where(p => Matches(p, api)).Sum(p => p.GetHistogramCount()).Should().BeGreaterThanOrEqualTo(1);
            Sum(telemetry.Points("vod.callback.deliveries"), Attributes(("vod.outcome", "delivered"))).Should().BeGreaterThanOrEqualTo(1);
            telemetry.Points("vod.callback.lag").Sum(p => p.GetHistogramCount()).Should().BeGreaterThanOrEqualTo(1);
            foreach (var gauge in new[] { "vod.interrupted_deletes", "vod.events.pending", "vod.recycle_bin.entries" })
                telemetry.Points(gauge).Should().NotBeEmpty("{0} is observed at every collection", gauge);
            var callbacksQueue = Attributes(("vod.queue", "callbacks"));
            telemetry.Points("vod.work_queue.depth").Where(p => Matches(p, callbacksQueue)).Should().NotBeEmpty();

            // Exported over OTLP/HTTP in protobuf, traces and metrics.
            var exports = otlp.Exports;
            exports.Should().Contain(e => e.Path == "/v1/traces").And.Contain(e => e.Path == "/v1/metrics");
            exports.Should().OnlyContain(e => e.ContentType == "application/x-protobuf");

            string[] secrets = [TestApp.AdminKey, TestApp.FullKey, TestApp.OtherAppKey, TestApp.ReadOnlyKey, CallbackAuthKey, callback.Signature!];
            var values = spans.SelectMany(s => s.TagObjects.Select(t => $"{s.OperationName} {t.Key}={t.Value}")
                    .Concat(s.Events.SelectMany(e => e.Tags.Select(t => $"{s.OperationName} event {t.Key}={t.Value}"))))
                .Concat(SnapshotAttributes(telemetry))
                .ToList();
            values.Should().NotBeEmpty();
            foreach (var secret in secrets)
            {
                values.Should().NotContain(v => v.Contains(secret, StringComparison.Ordinal), "no attribute holds a key, secret or signature");
                exports.Should().NotContain(e => Encoding.UTF8.GetString(e.Body).Contains(secret, StringComparison.Ordinal), "nothing exported holds one");
            }
        }
        finally
        {
            await TestStorage.Queues.GetQueueClient(callbackQueue).DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task APolicyRunIsASpanHoldingItsDeletesAndCountsMatchesDeletesAndSkipsPerPolicy()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 3, 1, 10, 0, 0, TimeSpan.Zero));
        await using var telemetry = await StartAsync(otlp, clock: clock);
        var app = telemetry.App;
        await app.SeedPolicyVideoAsync("news", transcodeMode: "NoTranscode"); // its source is its playback: skipped
        await app.SeedPolicyVideoAsync("news");
        clock.Advance(TimeSpan.FromDays(100));
        var policy = await app.SetPolicyAsync(new { Name = "Old news sources", Priority = 1, Action = "DeleteMezzanine", MinAge = "P90D", CateIds = new[] { "news" } });

        var run = await app.ApplyPoliciesAsync();

        (run.Int("Matched"), run.Int("Deleted"), run.Int("Skipped")).Should().Be((2, 1, 1));
        var runId = run.Prop("RunId");
        var spans = await SpansAsync(telemetry, s => s.Any(a => a.OperationName == "ApplyMediaPolicies" && Tag(a, VodTelemetry.RequestId) == runId));
        var span = spans.Single(a => a.OperationName == "ApplyMediaPolicies" && Tag(a, VodTelemetry.RequestId) == runId);
        (Tag(span, VodTelemetry.Trigger), Tag(span, VodTelemetry.Outcome), Tag(span, VodTelemetry.Status)).Should().Be(("policy", "success", "Completed"));
        spans.Where(s => s.ParentSpanId == span.SpanId).Select(s => s.OperationName).Should().Contain(["vod.delete.journal", "vod.delete.records", "vod.delete.event"]);

        telemetry.Flush();
        var ofPolicy = Attributes(("vod.policy_id", policy));
        (Sum(telemetry.Points("vod.policy.matches"), ofPolicy), Sum(telemetry.Points("vod.policy.deletes"), ofPolicy), Sum(telemetry.Points("vod.policy.skips"), ofPolicy))
            .Should().Be((2, 1, 1));
        Sum(telemetry.Points("vod.deletes"), Attributes(("vod.operation", "DeleteMezzanines"), ("vod.trigger", "policy"), ("vod.outcome", "success")))
            .Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task AThrottledRequestIsCounted()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var telemetry = await StartAsync(otlp, new() { ["Vod:RequestsPerSecond"] = "1" });

        var statuses = new List<int>();
        for (var i = 0; i < 50 && !statuses.Contains(429); i++)
            statuses.Add((await telemetry.App.CallAsync("SearchMedia", new { SearchType = "video" }, TestApp.ReadOnlyKey)).Status);

        statuses.Should().Contain(429, "one request a second, and these come faster");
        telemetry.Flush();
        Sum(telemetry.Points("vod.throttled_requests"), Attributes(("vod.operation", "SearchMedia"))).Should().BeGreaterThanOrEqualTo(statuses.Count(s => s == 429));
    }

    [Fact]
    public async Task WithAnApplicationInsightsConnectionStringTheAzureMonitorExporterSendsToItsIngestionEndpoint()
    {
        await using var receiver = await OtlpReceiver.StartAsync(); // takes any POST: here Application Insights' track calls too
        // The exporter's own usage reports (statsbeat) go to Microsoft's endpoints and probe the Azure instance metadata: not here.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        await using var telemetry = await StartAsync(receiver, new()
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey={Guid.NewGuid()};IngestionEndpoint={receiver.Endpoint}/",
        });

        var response = await telemetry.App.CallAsync("SearchMedia", new { SearchType = "video" });

        response.Status.Should().Be(200);
        // Traces are sampled (Azure Monitor's rate-limited sampler); metrics never are.
        telemetry.Flush();
        receiver.Exports.Select(e => e.Path).Should().Contain("/v1/metrics", "OTLP is on too").And.Contain(p => p.EndsWith("/track", StringComparison.Ordinal),
            "Azure Monitor's exporter posts to the connection string's ingestion endpoint");
    }

    [Fact]
    public async Task WithNoExporterSetNoProviderIsRegistered()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "", ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "" });

        (await app.CallAsync("SearchMedia", new { SearchType = "video" })).Status.Should().Be(200);

        app.Services.GetService<TracerProvider>().Should().BeNull();
        app.Services.GetService<MeterProvider>().Should().BeNull();
        app.Services.GetService<BacklogGauges>().Should().BeNull();
    }

    [Fact]
    public void TheAuthenticationStringNamesTheManagedIdentity()
    {
        VodFunctions.Functions.Hosting.Telemetry.CredentialOf(null).Should().BeNull();
        VodFunctions.Functions.Hosting.Telemetry.CredentialOf("ClientId=5b8f9a3c-0000-4000-8000-000000000001;Authorization=AAD").Should().BeOfType<Azure.Identity.ManagedIdentityCredential>();
        VodFunctions.Functions.Hosting.Telemetry.CredentialOf("Authorization=AAD").Should().BeOfType<Azure.Identity.ManagedIdentityCredential>();
        FluentActions.Invoking(() => VodFunctions.Functions.Hosting.Telemetry.CredentialOf("ClientId=abc")).Should().Throw<InvalidOperationException>();
    }

    /// <summary>Waits, at most 30 s, until the spans ended so far satisfy <paramref name="done"/>.</summary>
    private static async Task<List<Activity>> SpansAsync(TelemetryApp telemetry, Func<List<Activity>, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var spans = telemetry.SpansNow();
            if (done(spans)) return spans;
            await Task.Delay(20, timeout.Token);
        }
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    private static Dictionary<string, string> Attributes(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private static bool Matches(MetricPoint point, Dictionary<string, string> attributes)
    {
        var tags = new Dictionary<string, string?>();
        foreach (var tag in point.Tags) tags[tag.Key] = tag.Value?.ToString();
        return attributes.All(a => tags.TryGetValue(a.Key, out var value) && value == a.Value);
    }

    private static long Sum(List<MetricPoint> points, Dictionary<string, string> attributes) =>
        points.Where(p => Matches(p, attributes)).Sum(p => p.GetSumLong());

    private static IEnumerable<string> SnapshotAttributes(TelemetryApp telemetry)
    {
        List<MetricSnapshot> metrics;
        lock (telemetry.Metrics) metrics = [.. telemetry.Metrics];
        foreach (var metric in metrics)
        foreach (var point in metric.MetricPoints)
        foreach (var tag in point.Tags)
            yield return $"{metric.Name} {tag.Key}={tag.Value}";
    }

    /// <summary>A list the exporters add to under its own lock (the test reads it while they write).</summary>
    private sealed class Locked<T>(List<T> list) : ICollection<T>
    {
        public int Count { get { lock (list) return list.Count; } }
        public bool IsReadOnly => false;
        public void Add(T item) { lock (list) list.Add(item); }
        public void Clear() { lock (list) list.Clear(); }
        public bool Contains(T item) { lock (list) return list.Contains(item); }
        public void CopyTo(T[] array, int arrayIndex) { lock (list) list.CopyTo(array, arrayIndex); }
        public bool Remove(T item) { lock (list) return list.Remove(item); }
        public IEnumerator<T> GetEnumerator() { lock (list) return list.ToList().GetEnumerator(); }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
