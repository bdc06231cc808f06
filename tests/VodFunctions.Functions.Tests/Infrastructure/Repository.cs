using System.Diagnostics;

namespace VodFunctions.Functions.Tests.Infrastructure;

/// <summary>The repository this test run was built from, and a way to run its command-line tools.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VodFunctions.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No VodFunctions.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs a program to its end; returns its exit code and its output and errors together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
