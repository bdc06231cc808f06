using System.CommandLine;
using Spectre.Console;
using VodFunctions.Client;

namespace VodFunctions.Cli;

/// <summary>Where <c>vod</c> reads and writes: the process's console and environment, or a test's.</summary>
/// <param name="Out">Results: tables and words, or JSON.</param>
/// <param name="Error">Errors and progress.</param>
/// <param name="In">Standard input, read for the ID <c>-</c> and for a person's yes to a real delete.</param>
/// <param name="Variable">Reads an environment variable.</param>
/// <param name="OutIsTerminal">Whether a person reads <paramref name="Out"/>: colours and the terminal's width, else plain rows.</param>
/// <param name="ErrorIsTerminal">Whether a person watches <paramref name="Error"/>: progress bars, else progress lines.</param>
/// <param name="InIsTerminal">Whether a person types into <paramref name="In"/>: a real delete without <c>--yes</c> asks there, else is refused.</param>
public sealed record CliHost(TextWriter Out, TextWriter Error, TextReader In, Func<string, string?> Variable, bool OutIsTerminal = false, bool ErrorIsTerminal = false,
    bool InIsTerminal = false)
{
    public static CliHost System { get; } = new(
        Console.Out, Console.Error, Console.In, Environment.GetEnvironmentVariable, !Console.IsOutputRedirected, !Console.IsErrorRedirected, !Console.IsInputRedirected);
}

/// <summary>One run of a verb: its parsed command line, the client, the consoles.</summary>
internal sealed class Context : IDisposable
{
    private readonly ParseResult _parse;
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) }) { Timeout = Timeout.InfiniteTimeSpan };
    private VodClient? _client;

    public Context(ParseResult parse, CliHost host)
    {
        _parse = parse;
        Host = host;
        var url = parse.GetValue(Global.Url) ?? Variable("VOD_URL") ?? Global.DefaultUrl;
        Url = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
        Key = parse.GetValue(Global.Key) is { Length: > 0 } key ? key : Variable("VOD_KEY");
        Json = parse.GetValue(Global.Json);
        Out = Console(host.Out, host.OutIsTerminal);
        Progress = Console(host.Error, host.ErrorIsTerminal);
    }

    public CliHost Host { get; }

    /// <summary>The app's root URL; null when the one given is not an http(s) URL.</summary>
    public Uri? Url { get; }

    public string? Key { get; }
    public bool Json { get; private set; }

    /// <summary>Tables and words, on standard output.</summary>
    public IAnsiConsole Out { get; private set; }

    /// <summary>Progress bars, on standard error (standard output stays the result).</summary>
    public IAnsiConsole Progress { get; }

    /// <summary>Runs <paramref name="write"/> with its tables and words going to standard error (never as JSON): what is shown there is not the result.</summary>
    public T OnError<T>(Func<T> write)
    {
        var (output, json) = (Out, Json);
        (Out, Json) = (Progress, false);
        try
        {
            return write();
        }
        finally
        {
            (Out, Json) = (output, json);
        }
    }

    public T? Get<T>(Option<T> option) => _parse.GetValue(option);
    public T? Get<T>(Argument<T> argument) => _parse.GetValue(argument);

    /// <summary>A set, non-empty environment variable.</summary>
    public string? Variable(string name) => Host.Variable(name) is { Length: > 0 } value ? value : null;

    /// <summary>The client, with the key: no key is a usage error.</summary>
    public VodClient Client => _client ??= new VodClient(_http, AppUrl(),
        Key ?? throw new UsageException("No key: pass --key or set VOD_KEY (the app's local key is printed by ./run.sh)."));

    /// <summary>A client without a key, for the one operation that needs none (health).</summary>
    public VodClient Anonymous() => new(_http, AppUrl(), null);

    /// <summary>The same HTTP client the API calls go through, for storage calls that are not the API's.</summary>
    public HttpClient Http => _http;

    private Uri AppUrl() => Url ?? throw new UsageException("--url (or VOD_URL) must be an http:// or https:// URL.");

    private static IAnsiConsole Console(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Piped output is read by tools: rows are never wrapped to a terminal's width.
        if (!terminal) console.Profile.Width = 100_000;
        return console;
    }

    public void Dispose()
    {
        _client?.Dispose();
        _http.Dispose();
    }
}
