using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Media;
using VodFunctions.Core.Policies;

namespace VodFunctions.Functions.Tests.Policies;

/// <summary>
/// Three standalone app processes against one storage account share a policy run's work queue: every asset is deleted once,
/// by one of them, also when one of them is killed mid-run and when a message is delivered again.
/// </summary>
public sealed partial class PolicyFanOutProcessTests
{
    private const int Videos = 600;
    private const int Segments = 18; // + playlist + mezzanine = 20 blobs a video
    private const string Key = "process-admin-key-0123456789";
    private const string App = TestApp.DefaultApp;

    [GeneratedRegex(@"batch \d+: (\d+) deleted")]
    private static partial Regex SettledLine();

    [Fact]
    public async Task ThreeProcessesDeleteEveryAssetOnceAlsoWhenOneIsKilledMidRunAndAMessageComesTwice()
    {
        var (container, prefix, events, work) = (TestStorage.UniqueName("media-"), TestStorage.UniqueName("t"), TestStorage.UniqueName("events-"), TestStorage.UniqueName("policy-work-"));
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = TestStorage.ConnectionString, ["Vod__MediaContainer"] = container, ["Vod__TablePrefix"] = prefix,
            ["Vod__EventsQueue"] = events, ["Vod__Policies__Queue"] = work, ["Vod__RequestsPerSecond"] = "0",
            ["Vod__Keys__0__Secret"] = Key, ["Vod__Keys__0__Role"] = "Admin", ["Vod__Keys__0__AppIds"] = "*",
            // Two messages at a time each, so that the three share the queue; a killed process's messages come back after 10 s.
            ["Vod__Queues__Workers"] = "2", ["Vod__Queues__Lease"] = "00:00:10", ["Vod__Queues__MaxPollingInterval"] = "00:00:00.200",
            ["AzureWebJobs__ApplyMediaPolicies__Disabled"] = "true", ["AzureWebJobs__ReconcileStorage__Disabled"] = "true",
            ["Logging__LogLevel__Default"] = "Warning", ["Logging__LogLevel__VodFunctions.Core.Policies"] = "Information",
        };
        var processes = new List<AppProcess>();
        try
        {
            for (var i = 0; i < 3; i++) processes.Add(await AppProcess.StartAsync(settings, Key));
            var (first, killed) = (processes[0], processes[2]);
            var videoIds = await SeedAsync(prefix, container);
            var policy = (await first.CallAsync("SetMediaPolicy", new { Name = "After a year", Action = "DeleteVideo", MinAge = "P365D", AppId = App }))
                .GetProperty("PolicyId").GetString()!;

            using var started = await first.Client.PostAsync("/admin/functions/ApplyMediaPolicies", null);
            started.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);
            await UntilAsync(() => Task.FromResult(Settled(killed) > 0));
            await killed.KillAsync();
            var run = await UntilAsync(async () => await RunAsync(first) is { } r && r.GetProperty("Status").GetString() == "Completed" ? r : (JsonElement?)null);

            (run.GetProperty("Enqueued").GetInt32(), run.GetProperty("Deleted").GetInt32(), run.GetProperty("Skipped").GetInt32(),
                run.GetProperty("Failed").GetInt32(), run.GetProperty("Remaining").GetInt32()).Should().Be((Videos, Videos, 0, 0, 0));
            processes.Should().OnlyContain(p => Settled(p) > 0, "each process did part of the work");

            // A message delivered again after its assets are done (a stop after the deletes, before the message was removed).
            var queue = new QueueClient(TestStorage.ConnectionString, work, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            var runId = run.GetProperty("RunId").GetString()!;
            await queue.SendMessageAsync(new PolicyWorkMessage(runId, "00000000", policy, DateTimeOffset.UtcNow).ToString());
            await UntilAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0);
            // What a killed delete left (its event stored, not sent) ReconcileStorage sends, as after any stop.
            using var reconcile = await first.Client.PostAsync("/admin/functions/ReconcileStorage", null);
            await UntilAsync(async () => (await first.CallAsync("ListFunctionRuns", new { FunctionName = "ReconcileStorage", PageSize = 1 }))
                .GetProperty("Runs").EnumerateArray().Any(r => r.GetProperty("Status").GetString() != "Running"));

            var again = (await RunAsync(first))!.Value;
            (again.GetProperty("Deleted").GetInt32(), again.GetProperty("Remaining").GetInt32()).Should().Be((Videos, 0), "the repeated message counts nothing");
            await foreach (var blob in TestStorage.Blobs.GetBlobContainerClient(container).GetBlobsAsync())
                throw new InvalidOperationException($"{blob.Name} is left");
            var videoRows = await TestStorage.Tables.GetTableClient(prefix + "Media")
                .QueryAsync<TableEntity>(e => e.RowKey.CompareTo("video|") >= 0 && e.RowKey.CompareTo("video|~") < 0).CountAsync();
            videoRows.Should().Be(0, "every video record is gone");
            var sent = await DrainEventsAsync(events);
            sent.Should().OnlyContain(e => e.GetProperty("Status").GetString() == "success" && e.GetProperty("Trigger").GetString() == policy);
            sent.Select(e => e.GetProperty("MediaId").GetString()).Should().BeEquivalentTo(videoIds, "one success event per asset");
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            throw new InvalidOperationException("The processes' last output:\n" + string.Join("\n---\n", processes.Select(p => string.Join('\n', p.Lines.TakeLast(60)))), e);
        }
        finally
        {
            foreach (var process in processes) await process.DisposeAsync();
            await TestStorage.Blobs.GetBlobContainerClient(container).DeleteIfExistsAsync();
            await foreach (var table in TestStorage.Tables.QueryAsync($"TableName ge '{prefix}' and TableName lt '{prefix}~'"))
                await TestStorage.Tables.DeleteTableAsync(table.Name);
            foreach (var queue in new[] { events, work, work + "-poison" }) await TestStorage.Queues.GetQueueClient(queue).DeleteIfExistsAsync();
        }
    }

    /// <summary>Assets this process deleted, from its log of settled batches.</summary>
    private static int Settled(AppProcess process) =>
        process.Lines.Select(line => SettledLine().Match(line)).Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<JsonElement?> RunAsync(AppProcess app) =>
        (await app.CallAsync("ListMediaPolicyRuns", new { PageSize = 1 })).GetProperty("Runs").EnumerateArray().Select(r => (JsonElement?)r).FirstOrDefault();

    /// <summary>Polls until <paramref name="probe"/> answers a value (at most five minutes).</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T?>> probe) where T : struct
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (true)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(100, timeout.Token);
        }
    }

    private static Task UntilAsync(Func<Task<bool>> probe) => UntilAsync<bool>(async () => await probe() ? true : null);

    /// <summary>600 videos created 400 days ago, each a mezzanine and one HLS stream (20 blobs), written as the catalog writes them.</summary>
    private static async Task<List<string>> SeedAsync(string prefix, string containerName)
    {
        var media = TestStorage.Tables.GetTableClient(prefix + "Media");
        var index = TestStorage.Tables.GetTableClient(prefix + "Index");
        var container = TestStorage.Blobs.GetBlobContainerClient(containerName);
        var now = DateTimeOffset.UtcNow;
        var videos = Enumerable.Range(0, Videos).Select(i => MediaIds.New() is var id ? new VideoEntity
        {
            PartitionKey = id, RowKey = VideoEntity.RowOf(id), Title = "Old video", AppId = App, TranscodeMode = TranscodeModes.FastTranscode,
            StorageLocation = "default", Status = VideoStatus.Normal, CreationTime = now.AddDays(-400).AddMinutes(-i), Size = 20 * 100,
            MezzanineFileName = "source.mp4", MezzanineStatus = MezzanineStatus.Normal, MezzanineJobId = MediaIds.New(), MezzanineSize = 100,
        } : null!).ToList();
        var streams = new List<StreamEntity>();
        var blobs = new List<string>();
        foreach (var video in videos)
        {
            var jobId = MediaIds.New();
            var folder = $"videos/{video.VideoId}/streams/{jobId}/";
            blobs.Add($"videos/{video.VideoId}/mezzanine/source.mp4");
            blobs.Add(folder + "index.m3u8");
            blobs.AddRange(Enumerable.Range(0, Segments).Select(s => $"{folder}seg-{s:D5}.ts"));
            streams.Add(new StreamEntity
            {
                PartitionKey = video.VideoId, RowKey = StreamEntity.RowOf(jobId), JobId = jobId, Definition = "HD", Format = "m3u8",
                BlobName = folder + "index.m3u8", Size = 19 * 100, Status = VideoStatus.Normal, CreationTime = video.CreationTime, AppId = App,
            });
        }
        var content = new BinaryData(new byte[100]);
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (name, ct) => await container.GetBlobClient(name).UploadAsync(content, ct));
        var entries = videos.SelectMany(CatalogStore.IndexEntriesOf).GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(100)).ToList();
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (batch, ct) =>
            await index.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct));
        await Parallel.ForEachAsync(videos, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (video, ct) => await media.AddEntityAsync(video, ct));
        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (stream, ct) => await media.AddEntityAsync(stream, ct));
        return videos.Select(v => v.VideoId).ToList();
    }

    private static async Task<List<JsonElement>> DrainEventsAsync(string name)
    {
        var queue = TestStorage.Queues.GetQueueClient(name);
        var events = new List<JsonElement>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                events.Add(JsonDocument.Parse(Convert.FromBase64String(message.MessageText)).RootElement.Clone());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
        return events;
    }
}
