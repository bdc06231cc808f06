using System.Net;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using VodFunctions.Core;

namespace VodFunctions.Functions.Tests;

/// <summary>Storage faults answer 503 (safe to retry), never 500, and the health check reports them.</summary>
public sealed class StorageFaultTests
{
    /// <summary>Fails every storage request while <see cref="Failing"/> is set, as an unreachable service would.</summary>
    private sealed class Outage : HttpPipelinePolicy
    {
        public volatile bool Failing;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Failing) throw new RequestFailedException(503, "Injected storage outage.");
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            Failing ? throw new RequestFailedException(503, "Injected storage outage.") : ProcessNextAsync(message, pipeline);
    }

    private static async Task<(TestApp App, Outage Tables, Outage Blobs)> StartAsync()
    {
        var (tables, blobs) = (new Outage(), new Outage());
        var app = await TestApp.StartAsync(configure: builder => builder.Services.Configure<StorageClientsOptions>(options =>
        {
            options.TablePolicies.Add(tables);
            options.BlobPolicies.Add(blobs);
        }));
        return (app, tables, blobs);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(TestApp app)
    {
        using var response = await app.Client.GetAsync("/api/health");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task HealthReportsAStorageOutage()
    {
        var (app, tables, blobs) = await StartAsync();
        await using var _ = app;

        var healthy = await HealthAsync(app);
        tables.Failing = true;
        var tablesDown = await HealthAsync(app);
        (tables.Failing, blobs.Failing) = (false, true);
        var blobsDown = await HealthAsync(app);

        healthy.Status.Should().Be(HttpStatusCode.OK);
        tablesDown.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        tablesDown.Body.GetProperty("Status").GetString().Should().Be("Unhealthy");
        tablesDown.Body.GetProperty("Code").GetString().Should().Be("ServiceUnavailable", "it is the contract's error too");
        blobsDown.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task AnOperationDuringAnOutageIsServiceUnavailableAndCanBeRetried()
    {
        var (app, tables, blobs) = await StartAsync();
        await using var _ = app;
        var videoId = await app.UploadVideoAsync(bytes: 10);

        tables.Failing = true;
        var read = await app.CallAsync("GetVideoInfo", new { VideoId = videoId });
        var create = await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" });
        (tables.Failing, blobs.Failing) = (false, true);
        var complete = await app.CallAsync("CompleteUpload", new { MediaId = videoId });
        blobs.Failing = false;
        var retried = await app.CallAsync("CompleteUpload", new { MediaId = videoId });

        new[] { read, create, complete }.Should().AllSatisfy(r =>
        {
            (r.Status, r.Code).Should().Be((503, "ServiceUnavailable"), r.ToString());
            r.Str("RequestId").Should().Be(r.RequestId);
        });
        retried.Str("Status").Should().Be("UploadSucc");
    }

    [Fact]
    public async Task StorageThatDoesNotAnswerIsServiceUnavailableAndChangesNothing()
    {
        await using var proxy = await TableFaultProxy.StartAsync(TestStorage.ConnectionString);
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = proxy.ConnectionString },
            builder => builder.Services.Configure<StorageClientsOptions>(options =>
            {
                options.NetworkTimeout = TimeSpan.FromSeconds(2);
                options.MaxRetries = 1;
            }));
        var videoId = await app.UploadVideoAsync(bytes: 10);

        proxy.Stalling = true;
        var read = await app.CallAsync("GetVideoInfo", new { VideoId = videoId });
        var delete = await app.CallAsync("DeleteVideo", new { VideoIds = videoId });
        var health = await HealthAsync(app);
        proxy.Stalling = false;
        var after = await app.CallAsync("GetVideoInfo", new { VideoId = videoId });

        (read.Status, read.Code).Should().Be((503, "ServiceUnavailable"), read.ToString());
        (delete.Status, delete.Code).Should().Be((503, "DeleteVideoFailed"), delete.ToString());
        health.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        (after.Status, after["Video"].Prop("Status")).Should().Be((200, "UploadSucc"), "nothing was deleted or marked");
    }
}
