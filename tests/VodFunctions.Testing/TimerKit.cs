using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Timers;

namespace VodFunctions.Testing;

public sealed record PolicyVideo(string VideoId, IReadOnlyDictionary<string, string> JobIds)
{
    public string Folder => $"videos/{VideoId}/";
}

/// <summary>Helpers for the timer functions' tests: an app on a fake clock, invoking timers as the host does, policies and videos.</summary>
public static class TimerKit
{
    /// <summary>The real app and storage, on <paramref name="clock"/> instead of the system clock.</summary>
    public static Task<TestApp> StartAsync(FakeTimeProvider clock, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null) =>
        TestApp.StartAsync(settings, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            configure?.Invoke(builder);
        });

    /// <summary>
    /// Invokes a timer function as the Azure Functions host's timer does (its <c>[TimerTrigger]</c> method, with the
    /// host's timer data) and answers how the run ended.
    /// </summary>
    public static async Task<TimerInvocation> RunTimerAsync(this TestApp app, string function, bool isPastDue = false)
    {
        var ended = app.Services.GetRequiredService<TimerRunner>().NextCompletionAsync(function);
        var timer = new TimerInfo { IsPastDue = isPastDue };
        try
        {
            await TimerRunner.Find(function)!.InvokeAsync(app.Services, p => p.ParameterType == typeof(TimerInfo) ? timer : CancellationToken.None);
        }
        catch (TimerRunFailedException)
        {
            // A failed run: its outcome says so.
        }
        return await ended;
    }

    /// <summary>POST to a path outside <c>/api</c> (the admin endpoint) with a raw body and a key.</summary>
    public static async Task<ApiResponse> PostAsync(this TestApp app, string path, string? body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        return await app.SendAsync(request);
    }

    /// <summary>Runs ApplyMediaPolicies as the host's timer does and answers its run record (the newest).</summary>
    public static async Task<JsonElement> ApplyPoliciesAsync(this TestApp app)
    {
        var invoked = await app.RunTimerAsync("ApplyMediaPolicies");
        invoked.Status.Should().NotBe(RunStatus.Failed, invoked.ToString());
        var runs = await app.CallAsync("ListMediaPolicyRuns", new { PageSize = 1 });
        runs.Status.Should().Be(200, runs.ToString());
        return runs["Runs"][0];
    }

    /// <summary>The policy run <paramref name="runId"/> as ListMediaPolicyRuns answers it now.</summary>
    public static async Task<JsonElement> PolicyRunAsync(this TestApp app, string runId)
    {
        var runs = await app.CallAsync("ListMediaPolicyRuns", new { PageSize = 100 });
        runs.Status.Should().Be(200, runs.ToString());
        return runs["Runs"].EnumerateArray().Single(r => r.Prop("RunId") == runId);
    }

    /// <summary>Polls ListMediaPolicyRuns, as a caller does, until the policy run's queued work is all settled (at most a minute); answers the run.</summary>
    public static async Task<JsonElement> WaitForPolicyRunAsync(this TestApp app, string runId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var run = await app.PolicyRunAsync(runId);
            if (run.Prop("Status") != RunStatus.Running) return run;
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Runs ReconcileStorage as the host's timer does and answers the report.</summary>
    public static async Task<ApiResponse> ReconcileAsync(this TestApp app)
    {
        var invoked = await app.RunTimerAsync("ReconcileStorage");
        invoked.Status.Should().NotBe(RunStatus.Failed, invoked.ToString());
        var report = await app.CallAsync("GetReconcileReport");
        report.Status.Should().Be(200, report.ToString());
        return report;
    }

    public static async Task<string> SetPolicyAsync(this TestApp app, object policy, string key = TestApp.AdminKey)
    {
        var response = await app.CallAsync("SetMediaPolicy", policy, key);
        response.Status.Should().Be(200, response.ToString());
        return response.Str("PolicyId");
    }

    public static async Task<ApiResponse> PreviewAsync(this TestApp app, string policyId)
    {
        var response = await app.CallAsync("PreviewMediaPolicy", new { PolicyId = policyId });
        response.Status.Should().Be(200, response.ToString());
        return response;
    }

    /// <summary>
    /// A video created through the API in a category, with an uploaded 1000-byte mezzanine and one HLS stream
    /// (a 100-byte playlist and a 200-byte segment) per definition.
    /// </summary>
    public static async Task<PolicyVideo> SeedPolicyVideoAsync(
        this TestApp app, string? cateId = null, string appId = TestApp.DefaultApp, string transcodeMode = "FastTranscode", params string[] definitions)
    {
        var created = await app.CallAsync("CreateUploadVideo", new { Title = "Policy video", FileName = "source.mp4", TranscodeMode = transcodeMode, AppId = appId, CateId = cateId });
        created.Status.Should().Be(200, created.ToString());
        var videoId = created.Str("VideoId");
        await app.UploadAsync($"videos/{videoId}/mezzanine/source.mp4", 1000);
        (await app.CallAsync("CompleteUpload", new { MediaId = videoId })).Status.Should().Be(200);
        var jobIds = definitions.ToDictionary(d => d, _ => Guid.NewGuid().ToString("N"));
        foreach (var jobId in jobIds.Values)
        {
            await app.UploadAsync($"videos/{videoId}/streams/{jobId}/index.m3u8", 100);
            await app.UploadAsync($"videos/{videoId}/streams/{jobId}/seg-00000.ts", 200);
        }
        if (jobIds.Count > 0)
        {
            var registered = await app.CallAsync("RegisterMediaFiles", new
            {
                VideoId = videoId,
                Streams = jobIds.Select(j => new { Definition = j.Key, Format = "m3u8", FileURL = app.UrlOf($"videos/{videoId}/streams/{j.Value}/index.m3u8") }).ToArray(),
            });
            registered.Status.Should().Be(200, registered.ToString());
        }
        return new PolicyVideo(videoId, jobIds);
    }

    /// <summary>Takes every DeleteMediaComplete event off the app's queue (so the next call answers only newer ones), decoded.</summary>
    public static async Task<List<JsonElement>> DrainEventsAsync(this TestApp app)
    {
        var queue = TestStorage.Queues.GetQueueClient(app.QueueName);
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

    public static string Prop(this JsonElement element, string name) => element.GetProperty(name).GetString()!;
    public static int Int(this JsonElement element, string name) => element.GetProperty(name).GetInt32();
    public static long Long(this JsonElement element, string name) => element.GetProperty(name).GetInt64();
}
