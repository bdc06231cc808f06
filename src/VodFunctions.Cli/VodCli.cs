using System.CommandLine;
using System.Text.Json.Nodes;
using VodFunctions.Cli.Verbs;
using VodFunctions.Client;

namespace VodFunctions.Cli;

/// <summary>A verb of <c>vod</c>: a command with the work it runs.</summary>
internal sealed class Verb(string name, string description, Func<Context, CancellationToken, Task<int>> run) : Command(name, description)
{
    public Func<Context, CancellationToken, Task<int>> Run { get; } = run;
}

/// <summary>The options every verb takes.</summary>
internal static class Global
{
    public const string DefaultUrl = "http://localhost:7071";

    public static readonly Option<string> Url = new("--url")
    {
        Description = $"The app's root URL. Default: $VOD_URL, else {DefaultUrl}.", Recursive = true, HelpName = "url",
    };

    public static readonly Option<string> Key = new("--key")
    {
        Description = "The key (x-functions-key). Default: $VOD_KEY. Prefer the variable: a command line is visible to other users.",
        Recursive = true, HelpName = "key",
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the API's JSON (merged when a verb makes several calls) instead of tables and words.", Recursive = true,
    };
}

/// <summary>The <c>vod</c> command line: parses, runs the verb, maps every outcome to an exit code.</summary>
public static class VodCli
{
    private static readonly Lazy<RootCommand> Root = new(Build);

    private static RootCommand Build()
    {
        var root = new RootCommand("vod: the VodFunctions media service from the command line. Every operation of its API is a verb.")
        {
            Global.Url, Global.Key, Global.Json,
        };
        foreach (var command in IngestVerbs.All().Concat(ReadVerbs.All()).Concat(DeleteVerbs.All()).Concat(PolicyVerbs.All())
                     .Concat(RecycleBinVerbs.All()).Concat(AuditVerbs.All()).Concat(FunctionVerbs.All()).Append(StatsVerb.Create()).Append(SampleVerb.Create()))
            root.Add(command);
        return root;
    }

    /// <summary>Runs <c>vod</c> with <paramref name="args"/>; answers its exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var parse = Root.Value.Parse(args);
        var secret = parse.GetValue(Global.Key) ?? host.Variable("VOD_KEY");
        string Redact(string text) => secret is { Length: > 0 } ? text.Replace(secret, "***", StringComparison.Ordinal) : text;

        var problems = UnknownTokens.Find(parse, args);
        if (problems.Count > 0 || parse.Errors.Count > 0)
        {
            foreach (var problem in problems.Count > 0 ? problems : parse.Errors.Select(e => e.Message)) host.Error.WriteLine(Redact($"vod: {problem}"));
            host.Error.WriteLine($"Run 'vod {string.Concat(CommandPath(parse))}--help' for usage.");
            return ExitCodes.Usage;
        }
        if (parse.Action is not null || parse.CommandResult.Command is not Verb verb)
            return await parse.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Error }, cancellationToken);

        using var context = new Context(parse, host);
        try
        {
            return await verb.Run(context, cancellationToken);
        }
        catch (UsageException e)
        {
            host.Error.WriteLine(Redact($"vod {verb.Name}: {e.Message}"));
            return ExitCodes.Usage;
        }
        catch (VodException e)
        {
            WriteError(context, e, Redact);
            return ExitCodes.ServiceError;
        }
        catch (HttpRequestException e)
        {
            host.Error.WriteLine(Redact($"vod {verb.Name}: cannot reach {context.Url}: {e.Message}"));
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            host.Error.WriteLine($"vod {verb.Name}: cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (OperationCanceledException e) when (e.InnerException is TimeoutException)
        {
            host.Error.WriteLine(Redact($"vod {verb.Name}: {context.Url} did not answer in time."));
            return ExitCodes.Unreachable;
        }
    }

    /// <summary>The contract's error: Code and Message, with the status and request ID (JSON on standard error with <c>--json</c>).</summary>
    private static void WriteError(Context context, VodException e, Func<string, string> redact)
    {
        if (context.Json)
        {
            var error = new JsonObject { ["RequestId"] = e.RequestId, ["Code"] = e.Code, ["Message"] = redact(e.Message), ["Status"] = e.Status };
            context.Host.Error.WriteLine(error.ToJsonString(Output.JsonWriting));
            return;
        }
        context.Host.Error.WriteLine($"Error: {e.Code}: {redact(e.Message)}");
        context.Host.Error.WriteLine($"(HTTP {e.Status}{(e.RequestId is { Length: > 0 } id ? $", RequestId {id}" : "")}{Hint(e)})");
    }

    private static string Hint(VodException e) => e.Status switch
    {
        401 => "; the key is missing or unknown: check --key or VOD_KEY",
        403 => "; the key may not do this: a ReadOnly key only reads, and a key sees only its applications",
        _ => e.IsRetriable ? "; safe to retry" : "",
    };

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
            names.Insert(0, result.Command.Name + " ");
        return names;
    }
}
