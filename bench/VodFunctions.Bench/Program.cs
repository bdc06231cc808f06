using VodFunctions.Bench;

// Usage: bench.sh [delete [rounds]] | bench.sh trace | bench.sh sweep [rounds [sizes...]] | bench.sh startup [rounds] | bench.sh rpc [rounds]   (bench.sh starts Azurite and sets VOD_BENCH_STORAGE)
var storage = Environment.GetEnvironmentVariable("VOD_BENCH_STORAGE")
    ?? throw new InvalidOperationException("VOD_BENCH_STORAGE is not set: run the benchmark with ./bench.sh, which starts Azurite.");
var mode = args.FirstOrDefault() ?? "delete";
switch (mode)
{
    case "delete":
        await DeleteBenchmark.RunAsync(storage, args.Length > 1 ? int.Parse(args[1]) : 7, Environment.GetEnvironmentVariable("VOD_BENCH_BASELINE"));
        break;
    case "trace":
        await DeleteBenchmark.TraceAsync(storage);
        break;
    case "sweep":
        await SweepBenchmark.RunAsync(storage, args.Length > 1 ? int.Parse(args[1]) : 3,
            args.Length > 2 ? args[2..].Select(int.Parse).ToArray() : [5_000, 100_000]);
        break;
    case "rpc":
        await RpcBenchmark.RunAsync(storage, args.Length > 1 ? int.Parse(args[1]) : 7);
        break;
    case "startup":
        await StartupBenchmark.RunAsync(storage, args.Length > 1 ? int.Parse(args[1]) : 10);
        break;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{mode}'. Modes: delete, trace, sweep, startup, rpc");
        return 2;
}
return 0;
