using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using VodFunctions.Soak;

// Usage: soak.sh [--seed N] [--trials N] [--bin-trials N] [--worker-trials N] [--outages N] [--load-minutes N] [--clients N] [--recovery-seconds N] [--plan] [parts...]
// (soak.sh installs Azurite, builds the app and this harness, and runs it from the repository's root.)
if (Options.Parse(args) is not { } options)
{
    Console.Error.WriteLine("Usage: ./soak.sh [--seed N] [--trials N] [--bin-trials N] [--worker-trials N] [--outages N] [--load-minutes N] [--clients N] [--recovery-seconds N] [--plan] [crash] [bin] [workers] [outage] [load] [corpus]");
    return 2;
}
if (options.PlanOnly)
{
    foreach (var plan in Kinds.Plan(new Random(options.Seed), options.Trials, Kinds.CrashMix)) Console.WriteLine($"crash  {plan}");
    foreach (var plan in BinPlan.Plan(new Random(options.Seed + 3), options.BinTrials)) Console.WriteLine($"bin    {plan}");
    foreach (var plan in Kinds.Plan(new Random(options.Seed + 1), options.Outages, Kinds.OutageMix)) Console.WriteLine($"outage {plan}");
    return 0;
}
var directory = Directory.CreateTempSubdirectory("vod-soak-").FullName;
Log.Open(directory);
Log.Line($"Soak seed {options.Seed} (--seed {options.Seed} repeats the plan); parts: {string.Join(", ", options.Parts)}; log: {Path.Combine(directory, "soak.log")}");
Log.Line("Storage: Azurite with disk persistence. Outages stop it gracefully (SIGTERM, then wait) and start it again on the same ports and data:");
Log.Line("  killed with SIGKILL, Azurite's disk persistence loses writes it already acknowledged, which Azure Storage never does.");

var watch = Stopwatch.StartNew();
var results = new List<(string Part, Violations Violations, List<string> Figures)>();
var storage = new Azurite(options.Azurite, Path.Combine(directory, "azurite"));
try
{
    await storage.StartAsync();
    foreach (var name in options.Parts)
    {
        var started = Stopwatch.GetTimestamp();
        Log.Line("");
        Log.Line($"== {name} ==");
        await using var part = await Part.StartAsync(name, options, storage);
        var figures = name switch
        {
            "crash" or "outage" => await TrialsAsync(part, name == "outage"),
            "bin" => await BinAsync(part),
            "workers" => await WorkersAsync(part),
            "load" => await LoadPart.RunAsync(part),
            _ => await CorpusPart.RunAsync(part),
        };
        var elapsed = Stopwatch.GetElapsedTime(started);
        figures.Add($"{part.Stats.Total} requests, {elapsed.TotalMinutes:F1} min");
        foreach (var line in LoadPart.Table(part.Stats, elapsed.TotalSeconds)) Log.File(name, line);
        results.Add((name, part.Violations, figures));
        Log.Line($"{name}: {part.Violations.Brief()}");
    }
}
finally
{
    await storage.StopAsync();
    Directory.Delete(Path.Combine(directory, "azurite"), recursive: true);
}

Log.Line("");
Log.Line($"== Summary (seed {options.Seed}, {watch.Elapsed.TotalMinutes:F1} min) ==");
foreach (var (name, _, figures) in results) Log.Line($"{name,-7} {string.Join("; ", figures)}");
Log.Line("");
Log.Line($"{"Violations",-56}{string.Concat(results.Select(r => $"{r.Part,8}"))}{"total",8}");
foreach (var (kind, title) in Violations.Kinds)
    Log.Line($"{title,-56}{string.Concat(results.Select(r => $"{r.Violations.Count(kind),8}"))}{results.Sum(r => r.Violations.Count(kind)),8}");
var total = results.Sum(r => r.Violations.Total);
foreach (var (name, violations, _) in results)
    foreach (var (kind, _) in Violations.Kinds)
        foreach (var example in violations.Examples(kind, 3))
            Log.Line($"  {name} {kind}: {example}");
Log.Line(total == 0 ? "No violations." : $"{total} violations (all of them in {Path.Combine(directory, "soak.log")}).");
return total == 0 ? 0 : 1;

async Task<List<string>> TrialsAsync(Part part, bool outages)
{
    var plans = Kinds.Plan(new Random(options.Seed + (outages ? 1 : 0)), outages ? options.Outages : options.Trials, outages ? Kinds.OutageMix : Kinds.CrashMix);
    var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", plans))))[..12];
    Log.Line($"{plans.Count} trials (plan {fingerprint}): {string.Join(", ", plans.GroupBy(p => p.Kind).Select(g => $"{g.Key} {g.Count()}"))}");
    await part.Seeder.BystandersAsync(new Random(options.Seed + 2), videosPerApp: 2, blobsPerVideo: 300);
    var runner = new TrialRunner(part, outages);
    await runner.RunAsync(plans);
    await part.CheckAsync(part.Catalog.Videos, part.Catalog.Files, images: 10);
    var what = outages ? "outages" : "kills";
    return
    [
        $"{plans.Count} trials (plan {fingerprint}), {runner.Kills.Values.Sum()} {what}: before {runner.Kills["before"]}, during {runner.Kills["during"]}, after {runner.Kills["after"]} the blob deletes",
        $"recovered by retry {runner.Recoveries.GetValueOrDefault("retry")}, by ReconcileStorage {runner.Recoveries.GetValueOrDefault("reconcile")}; " +
        string.Join(", ", runner.Outcomes.Select(o => $"{o.Key} {o.Value}")),
        $"{part.Seeder.Uploaded} blobs seeded, {part.Finished.Count} deletes finished, {part.Events.Count} events",
    ];
}

async Task<List<string>> BinAsync(Part part)
{
    var plans = BinPlan.Plan(new Random(options.Seed + 3), options.BinTrials);
    Log.Line($"{plans.Count} recycle bin trials: {string.Join(", ", plans.GroupBy(p => p.Kind).Select(g => $"{g.Key} {g.Count()}"))}, " +
             $"of a move by {string.Join(", ", plans.GroupBy(p => p.Move).Select(g => $"{g.Key} {g.Count()}"))}");
    await part.Seeder.BystandersAsync(new Random(options.Seed + 4), videosPerApp: 1, blobsPerVideo: 200);
    var trials = new BinTrials(part);
    await trials.RunAsync(plans);
    await part.CheckAsync(part.Catalog.Videos, part.Catalog.Files, images: 10);
    trials.CheckEvents(part.Events, part.Violations);
    return
    [
        $"{plans.Count} trials ({string.Join(", ", plans.GroupBy(p => p.Kind).Select(g => $"{g.Key} {g.Count()}"))}), killed with the operation " +
        string.Join(", ", trials.Probed.Select(o => $"{o.Key} {o.Value}")),
        $"recovered by retry {trials.Recoveries.GetValueOrDefault("retry")}, by ReconcileStorage {trials.Recoveries.GetValueOrDefault("reconcile")}; ended " +
        string.Join(", ", trials.Outcomes.Select(o => $"{o.Key} {o.Value}")),
        $"{part.Seeder.Uploaded} blobs seeded, {part.Events.Count} events",
    ];
}

async Task<List<string>> WorkersAsync(Part part)
{
    await part.Seeder.BystandersAsync(new Random(options.Seed + 5), videosPerApp: 1, blobsPerVideo: 100);
    var trials = new WorkerTrials(part);
    await trials.RunAsync(options.WorkerTrials);
    await part.CheckAsync(part.Catalog.Videos, part.Catalog.Files, images: 10);
    return
    [
        $"{trials.Kills} policy runs fanned out to two processes, the second killed mid-run after beginning {trials.BegunByKilled} deletes; {trials.Videos} videos",
        $"{part.Seeder.Uploaded} blobs seeded, {part.Finished.Count} deletes finished, {part.Events.Count} events",
    ];
}

public sealed record Options(
    int Seed, int Trials, int Outages, double LoadMinutes, int Clients, int RecoverySeconds, IReadOnlyList<string> Parts, string AppDll, string Azurite,
    bool PlanOnly = false, int BinTrials = 15, int WorkerTrials = 2)
{
    public static readonly string[] AllParts = ["crash", "bin", "workers", "outage", "load", "corpus"];

    public static Options? Parse(string[] args)
    {
        var options = new Options(Random.Shared.Next(1, 1_000_000), 110, 10, 3, 64, 90, AllParts,
            "src/VodFunctions.Functions/bin/Release/net10.0/VodFunctions.Functions.dll", "node_modules/.bin/azurite");
        var parts = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                options = args[i] switch
                {
                    "--seed" => options with { Seed = int.Parse(Next()) },
                    "--trials" => options with { Trials = int.Parse(Next()) },
                    "--bin-trials" => options with { BinTrials = int.Parse(Next()) },
                    "--worker-trials" => options with { WorkerTrials = int.Parse(Next()) },
                    "--outages" => options with { Outages = int.Parse(Next()) },
                    "--load-minutes" => options with { LoadMinutes = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                    "--clients" => options with { Clients = int.Parse(Next()) },
                    "--recovery-seconds" => options with { RecoverySeconds = int.Parse(Next()) },
                    "--plan" => options with { PlanOnly = true },
                    "--app" => options with { AppDll = Next() },
                    "--azurite" => options with { Azurite = Next() },
                    var part when AllParts.Contains(part) => options,
                    _ => throw new ArgumentException($"unknown argument {args[i]}"),
                };
                if (AllParts.Contains(args[i])) parts.Add(args[i]);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine(e.Message);
                return null;
            }
        }
        return options with { Parts = parts.Count > 0 ? AllParts.Where(parts.Contains).ToArray() : AllParts };
    }
}
