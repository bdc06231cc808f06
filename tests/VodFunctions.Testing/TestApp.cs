using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VodFunctions.Functions;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Testing;

/// <summary>
/// The real function app on a loopback port against Azurite, with storage names of its own
/// (container, tables, queue) and four keys: admin, full (app-1000000), other (app-2000000), read-only.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string AdminKey = "admin-key-0123456789";
    public const string FullKey = "full-key-0123456789";
    public const string OtherAppKey = "other-key-0123456789";
    public const string ReadOnlyKey = "readonly-key-0123456789";
    public const string DefaultApp = "app-1000000";
    public const string OtherApp = "app-2000000";

    private readonly WebApplication _app;

    private TestApp(WebApplication app, HttpClient client, string container, string tablePrefix, string queue, IReadOnlyDictionary<string, string?> settings)
    {
        _app = app;
        Settings = settings;
        Client = client;
        Container = TestStorage.Blobs.GetBlobContainerClient(container);
        TablePrefix = tablePrefix;
        QueueName = queue;
    }

    public HttpClient Client { get; }

    /// <summary>The app's settings (storage, storage names, keys, ...), as configuration keys.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The media container, through a client of the test's own (not the app's).</summary>
    public BlobContainerClient Container { get; }

    public string TablePrefix { get; }
    public string QueueName { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(
        IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var container = TestStorage.UniqueName("media-");
        var tablePrefix = TestStorage.UniqueName("t");
        var queue = TestStorage.UniqueName("events-");
        var config = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
            ["Vod:MediaContainer"] = container,
            ["Vod:TablePrefix"] = tablePrefix,
            ["Vod:EventsQueue"] = queue,
            ["Vod:RequestsPerSecond"] = "0",
            ["Vod:Keys:0:Secret"] = AdminKey, ["Vod:Keys:0:Role"] = "Admin", ["Vod:Keys:0:AppIds"] = "*",
            ["Vod:Keys:1:Secret"] = FullKey, ["Vod:Keys:1:Role"] = "Full", ["Vod:Keys:1:AppIds"] = DefaultApp,
            ["Vod:Keys:2:Secret"] = OtherAppKey, ["Vod:Keys:2:Role"] = "Full", ["Vod:Keys:2:AppIds"] = OtherApp,
            ["Vod:Keys:3:Secret"] = ReadOnlyKey, ["Vod:Keys:3:Role"] = "ReadOnly", ["Vod:Keys:3:AppIds"] = "*",
            // The app's scheduler runs on the real clock unless a test fakes it: timers stay off unless a test turns them on.
            ["AzureWebJobs.ApplyMediaPolicies.Disabled"] = "true",
            ["AzureWebJobs.ReconcileStorage.Disabled"] = "true",
            ["AzureWebJobs.EmptyRecycleBin.Disabled"] = "true",
            ["AzureWebJobs.PurgeAuditLog.Disabled"] = "true",
            // A policy run deletes on its own instance unless a test gives it a work queue (TestApp.FanOut).
            ["Vod:Policies:Queue"] = "",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;
        (container, tablePrefix, queue) = (config["Vod:MediaContainer"]!, config["Vod:TablePrefix"]!, config["Vod:EventsQueue"]!);

        var app = VodApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        await app.Services.GetRequiredService<StorageInitializer>().Ready.WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
        return new TestApp(app, client, container, tablePrefix, queue, config);
    }

    /// <summary>Settings that make another app instance use this one's storage (catalog tables, media container, events queue).</summary>
    public Dictionary<string, string?> SharedStorage() => new()
    {
        ["Vod:MediaContainer"] = Container.Name, ["Vod:TablePrefix"] = TablePrefix, ["Vod:EventsQueue"] = QueueName,
    };

    /// <summary>Settings that make policy runs fan their deletes out over a work queue of the test's own, read every 100 ms when idle.</summary>
    public static Dictionary<string, string?> FanOut(string? queue = null) => new()
    {
        ["Vod:Policies:Queue"] = queue ?? TestStorage.UniqueName("policy-work-"), ["Vod:Queues:MaxPollingInterval"] = "00:00:00.100",
    };

    /// <summary>The policy work queue (empty when runs do not fan out).</summary>
    public string PolicyQueue => Settings["Vod:Policies:Queue"] ?? "";

    /// <summary>POST /api/{operation} with a JSON body (or none) and a key.</summary>
    public async Task<ApiResponse> CallAsync(string operation, object? body = null, string? key = AdminKey, string? query = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/{operation}{(query is null ? "" : "?" + query)}");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        if (body is not null) request.Content = body is string raw ? new StringContent(raw, Encoding.UTF8, "application/json") : JsonContent.Create(body);
        return await SendAsync(request);
    }

    public async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new ApiResponse((int)response.StatusCode, json, response.Headers.TryGetValues("x-request-id", out var ids) ? ids.First() : null);
    }

    public async Task UploadAsync(string blobName, int bytes = 16) =>
        await Container.GetBlobClient(blobName).UploadAsync(new BinaryData(new byte[bytes]), overwrite: true);

    /// <summary>Every blob name in the media container, listed by the test's own client.</summary>
    public async Task<List<string>> ListBlobsAsync(string? prefix = null)
    {
        var names = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, States = BlobStates.Uncommitted }))
            names.Add(blob.Name);
        return names;
    }

    /// <summary>Stops the app (its server and background work) and leaves its storage for another instance; disposing cleans up.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Container.DeleteIfExistsAsync();
        await foreach (var table in TestStorage.Tables.QueryAsync($"TableName ge '{TablePrefix}' and TableName lt '{TablePrefix}~'"))
            await TestStorage.Tables.DeleteTableAsync(table.Name);
        await TestStorage.Queues.GetQueueClient(QueueName).DeleteIfExistsAsync();
        if (PolicyQueue.Length > 0)
        {
            await TestStorage.Queues.GetQueueClient(PolicyQueue).DeleteIfExistsAsync();
            await TestStorage.Queues.GetQueueClient(PolicyQueue + "-poison").DeleteIfExistsAsync();
        }
    }
}

public sealed record ApiResponse(int Status, JsonElement Json, string? RequestId)
{
    public string? Code => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("Code", out var code) ? code.GetString() : null;
    public JsonElement this[string name] => Json.GetProperty(name);
    public string Str(string name) => Json.GetProperty(name).GetString()!;
    public override string ToString() => $"{Status} {Json}";
}
