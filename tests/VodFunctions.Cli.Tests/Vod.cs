using System.Diagnostics;
using System.Text.Json;

namespace VodFunctions.Cli.Tests;

/// <summary>What one run of <c>vod</c> printed and exited with.</summary>
public sealed record VodRun(int ExitCode, string Out, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement.Clone();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs <c>vod</c> against a <see cref="TestApp"/>: in process through its entry point (the real parser, client and
/// network), or as its own process from its build output, as a shell runs it. The app's URL and a key come from the
/// environment (VOD_URL, VOD_KEY) unless a test says otherwise.
/// </summary>
public static class Vod
{
    public static async Task<VodRun> RunAsync(TestApp app, params string[] args) => await RunWithAsync(Environment(app), args);

    /// <summary>
    /// In process, with exactly these environment variables and standard input; with <paramref name="terminal"/> standard input
    /// is taken for a person's terminal (what they type is <paramref name="input"/>).
    /// </summary>
    public static async Task<VodRun> RunWithAsync(IReadOnlyDictionary<string, string> environment, string[] args, string input = "", bool terminal = false)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var host = new CliHost(output, error, new StringReader(input), name => environment.GetValueOrDefault(name), InIsTerminal: terminal);
        var exitCode = await VodCli.RunAsync(args, host);
        return new VodRun(exitCode, output.ToString(), error.ToString());
    }

    public static Dictionary<string, string> Environment(TestApp app, string key = TestApp.AdminKey) => new()
    {
        ["VOD_URL"] = app.Client.BaseAddress!.AbsoluteUri, ["VOD_KEY"] = key,
    };

    /// <summary>The built <c>vod</c> as a process (<c>dotnet vod.dll</c>), with these variables added to the environment.</summary>
    public static async Task<VodRun> ProcessAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vod.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("VOD_URL");
        start.Environment.Remove("VOD_KEY");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return new VodRun(process.ExitCode, await output, await error);
    }

    public static string[] Strings(this JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
