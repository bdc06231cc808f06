using System.CommandLine;
using System.CommandLine.Parsing;

namespace VodFunctions.Cli.Verbs;

/// <summary>Arguments and options several verbs share. Every ID they take is checked for the service's ID shape while parsing.</summary>
internal static class Arguments
{
    /// <summary>One or more IDs (each may hold several, comma-separated; <c>-</c> reads them from standard input).</summary>
    public static Argument<string[]> Ids(string name, string what)
    {
        var argument = new Argument<string[]>(name)
        {
            Arity = ArgumentArity.OneOrMore,
            Description = $"{what}: any number (sent 20 a call), space- or comma-separated; - reads them from standard input.",
        };
        argument.Validators.Add(result => CheckIds(result, IdName(name)));
        return argument;
    }

    /// <summary>One ID; <paramref name="name"/> (<c>VIDEO_ID</c>, <c>JOB_ID</c>, ...) says which.</summary>
    public static Argument<string> Id(string name, string description)
    {
        var argument = new Argument<string>(name) { Description = description };
        argument.Validators.Add(result => CheckIds(result, IdName(name)));
        return argument;
    }

    /// <summary>An option whose values are IDs of <paramref name="idName"/> (<c>ImageId</c>, ...).</summary>
    public static Option<T> IdOption<T>(Option<T> option, string idName)
    {
        option.Validators.Add(result => CheckIds(result, idName));
        return option;
    }

    public static Option<bool> DryRun() => new("--dry-run")
    {
        Description = "Delete nothing: check the request exactly as the real delete would and show what it would remove.",
    };

    public static Option<bool> Permanent() => new("--permanent")
    {
        Description = "With the recycle bin on: delete for good instead of moving what it names into the bin (Admin or Full key).",
    };

    public static Option<bool> Yes() => new("--yes", "-y")
    {
        Description = "Delete without asking (for scripts). Without it a real delete shows its plan and asks at a terminal, and is refused elsewhere.",
    };

    public static Option<string> IdempotencyKey() => new("--idempotency-key")
    {
        Description = "The delete's idempotency key (up to 64 printable ASCII characters; a delete in several calls sends KEY-1, KEY-2, ...): "
            + "run again with the same key within 24 hours, it answers the first answer and deletes nothing. By default each call gets a new one.",
        HelpName = "key",
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

    /// <summary>Whether <paramref name="id"/> has the service's ID shape: 32 lowercase hexadecimal characters.</summary>
    public static bool IsId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The refusal of something given as an ID that is not one, naming what it stands for.</summary>
    public static string NotAnId(string value, string idName) =>
        $"'{value}' is not {(idName[0] is 'I' or 'A' or 'E' or 'O' or 'U' ? "an" : "a")} {idName}: IDs are 32 lowercase hexadecimal characters, as the service answers them.";

    /// <summary><c>VIDEO_ID</c> → <c>VideoId</c>.</summary>
    public static string IdName(string name) =>
        string.Concat(name.Split('_').Select(part => part[..1] + part[1..].ToLowerInvariant()));

    /// <summary>Each ID of the tokens (lists split, <c>-</c> left for standard input) must be of the ID shape.</summary>
    private static void CheckIds(SymbolResult result, string idName)
    {
        var bad = result.Tokens.SelectMany(t => t.Value.Split(Batches.Separators, StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(id => id != "-" && !IsId(id));
        if (bad is not null) result.AddError(NotAnId(bad, idName));
    }
}
