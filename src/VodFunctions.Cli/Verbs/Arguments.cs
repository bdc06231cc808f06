using System.CommandLine;

namespace VodFunctions.Cli.Verbs;

/// <summary>Arguments and options several verbs share.</summary>
internal static class Arguments
{
    /// <summary>One or more IDs (each may hold several, comma-separated; <c>-</c> reads them from standard input).</summary>
    public static Argument<string[]> Ids(string name, string what) => new(name)
    {
        Arity = ArgumentArity.OneOrMore,
        Description = $"{what}: any number (sent 20 a call), space- or comma-separated; - reads them from standard input.",
    };

    public static Argument<string> Id(string name, string description) => new(name) { Description = description };

    public static Option<bool> DryRun() => new("--dry-run")
    {
        Description = "Delete nothing: check the request exactly as the real delete would and show what it would remove.",
    };

    /// <summary>An option that takes several values, given as <c>--x a b</c> or <c>--x a --x b</c>.</summary>
    public static Option<string[]> Many(string name, string description, string helpName) => new(name)
    {
        Description = description, AllowMultipleArgumentsPerToken = true, HelpName = helpName,
    };

    public static Option<T> Single<T>(string name, string description, string? helpName = null, bool required = false) => new(name)
    {
        Description = description, HelpName = helpName, Required = required,
    };
}
