using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace VodFunctions.Soak;

/// <summary>A run of a timer function as the app records it.</summary>
public sealed record Run(string RunId, DateTimeOffset Start, DateTimeOffset? End, string Status);

/// <summary>
/// One part's world: the app (with storage names of the part's own, so each part starts from empty containers and
/// tables), what the part seeded, the events it saw, its answers and its violations.
/// </summary>
public sealed class Part : IAsyncDisposable
{
    private Part(string name, Options options, Azurite azurite, AppUnderTest app)
    {
        (Name, Options, Azurite, App) = (name, options, azurite, app);
        Container = new BlobContainerClient(azurite.ConnectionString, app.Container);
        Events = new EventLog(new QueueClient(azurite.ConnectionString, app.Queue));
        Seeder = new Seeder(app, Container, Catalog);
    }

    public string Name { get; }
    public Options Options { get; }
    public Azurite Azurite { get; }
    public AppUnderTest App { get; }
    public Api Api => App.Api;
    public Stats Stats => App.Api.Stats;
    public BlobContainerClient Container { get; }
    public EventLog Events { get; }
    public Catalog Catalog { get; } = new();
    public Seeder Seeder { get; }
    public Violations Violations { get; } = new();
    /// <summary>What the part's deletes finished, for the events check.</summary>
    public List<Item> Finished { get; } = [];

    public static async Task<Part> StartAsync(string name, Options options, Azurite azurite)
    {
        var app = new AppUnderTest(options.AppDll, azurite, name);
        await app.StartAsync();
        return new Part(name, options, azurite, app);
    }

    /// <summary>Starts a timer function now (<c>POST /admin/functions/{Name}</c>); answers its RunId, null when it was not started.</summary>
    public async Task<string?> PostFunctionAsync(string function)
    {
        var answer = await Api.SendAsync(HttpMethod.Post, $"admin/functions/{function}", Api.Json(new { }), AppUnderTest.AdminKey, "admin/functions/" + function);
        return answer.Status == 202 ? answer.Str("RunId") : null;
    }

    /// <summary>The run a POST started, as ListFunctionRuns shows it; null until it is recorded (or when another instance held the lock).</summary>
    public async Task<Run?> FindRunAsync(string function, string runId) =>
        (await Api.CallAsync("ListFunctionRuns", new { FunctionName = function, PageSize = 10 })).Items("Runs")
            .Where(r => r.GetProperty("RunId").GetString() == runId)
            .Select(r => new Run(runId, DateTimeOffset.Parse(r.GetProperty("StartTime").GetString()!),
                r.TryGetProperty("EndTime", out var end) && end.ValueKind == JsonValueKind.String ? DateTimeOffset.Parse(end.GetString()!) : null,
                r.GetProperty("Status").GetString()!))
            .FirstOrDefault();

    /// <summary>Runs a timer function and waits for its end; null when it did not run (another instance held its lock: a killed run's lease).</summary>
    public async Task<Run?> RunFunctionAsync(string function)
    {
        if (await PostFunctionAsync(function) is not { } runId) return null;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(200);
            var run = await FindRunAsync(function, runId);
            if (run is null && watch.Elapsed > TimeSpan.FromSeconds(5)) return null;
            if (run?.End is not null) return run.Status is "Completed" or "Interrupted" or "Failed" ? run : null;
        }
        return null;
    }

    /// <summary>
    /// The checks that close a part: a last ReconcileStorage run (it sends events the queue refused or a stopped process
    /// never sent) and ApplyMediaPolicies run, no run of either still shown running, then every finished delete's success
    /// event, events of deletes that removed nothing, storage and the reads of <paramref name="videos"/> and
    /// <paramref name="files"/>, and the answers 5xx.
    /// </summary>
    public async Task CheckAsync(IEnumerable<Video> videos, IEnumerable<FileMedia> files, int images)
    {
        // A delete whose owner was killed, or lost its storage, is anyone's once its heartbeat is 30 s old (the app's rule):
        // an event it left unsent included. The last run comes after that, as the next scheduled run would.
        var quiet = TimeSpan.FromSeconds(35) - Stopwatch.GetElapsedTime(Math.Max(App.Killed, Azurite.Started));
        if (quiet > TimeSpan.Zero)
        {
            Log.Status($"{Name}: waiting {quiet.TotalSeconds:F0} s for the heartbeats of killed deletes to end ...");
            await Task.Delay(quiet);
        }
        Log.Status($"{Name}: final ReconcileStorage and ApplyMediaPolicies runs, events, storage and reads ...");
        foreach (var function in new[] { "ReconcileStorage", "ApplyMediaPolicies" })
        {
            var last = await RunFunctionAsync(function);
            for (var attempt = 0; attempt < 20 && last is null; attempt++)
            {
                await Task.Delay(5000);
                last = await RunFunctionAsync(function);
            }
            if (last?.Status is not ("Completed" or "Interrupted"))
                Violations.Add(Violations.Unfinished, $"{Name}: final {function} run", $"ended {last?.Status ?? "never (its lock stayed held)"}");
            // A run killed mid-way is recorded as failed by the function's next run, this one at the latest.
            foreach (var run in (await Api.CallAsync("ListFunctionRuns", new { FunctionName = function, PageSize = 100 })).Items("Runs"))
                if (run.GetProperty("Status").GetString() == "Running" && run.GetProperty("RunId").GetString() != last?.RunId)
                    Violations.Add(Violations.StuckRun, $"{function} run {run.GetProperty("RunId").GetString()}", "still Running after the function's next run");
        }
        await Events.DrainAsync();
        foreach (var item in Finished)
            if (item.Event is var (mediaId, deleteType, part) && !Events.Has(mediaId, deleteType, part))
                Violations.Add(Violations.NoEvent, item.ToString(), $"no success event ({deleteType} of {mediaId}{(part is null ? "" : $", {part}")}) on the queue");
        Events.CountEmpty(Violations);
        var present = await Checks.ListAsync(Container);
        Checks.Storage(Catalog, present, Violations);
        await Checks.ReadsAsync(Api, videos, files, present, Violations, images);
        Stats.CountServerErrors(Violations, kills: Name is "crash" or "bin");
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
