using System.CommandLine;
using System.Text.RegularExpressions;

namespace VodFunctions.Cli;

/// <summary>
/// What the parser would let through: a word that looks like an option but is none of the verb's is, for the parser, one
/// more value of an argument (<c>delete-video ID --dryrun</c> would name the ID <c>--dryrun</c>). Every such word, and every
/// word the parser could not place, is refused here, before anything is sent, with the closest known name as a suggestion.
/// </summary>
internal static partial class UnknownTokens
{
    /// <summary>One message per word of <paramref name="args"/> that is not an option, verb or value the command takes.</summary>
    public static IReadOnlyList<string> Find(ParseResult parse, IReadOnlyList<string> args)
    {
        var command = parse.CommandResult.Command;
        var unmatched = parse.UnmatchedTokens.Where(t => !LooksLikeOption(t)).ToList();
        if (command.Subcommands.Count > 0 && unmatched.Count > 0)
            return [$"unknown verb '{unmatched[0]}'{Suggest(unmatched[0], command.Subcommands.Select(c => c.Name))}."];

        var options = KnownOptions(parse).ToList();
        var problems = new List<string>();
        foreach (var arg in args.TakeWhile(a => a != "--").Where(LooksLikeOption))
        {
            var name = arg.Split('=', ':')[0];
            if (!options.Contains(name)) problems.Add($"unknown option '{name}'{Suggest(name, options)}.");
        }
        problems.AddRange(unmatched.Select(token => $"unexpected argument '{token}'."));
        return problems;
    }

    /// <summary>A word that starts with a dash, but not <c>-</c> (standard input) or a negative number.</summary>
    private static bool LooksLikeOption(string arg) => arg.Length > 1 && arg[0] == '-' && !NegativeNumber().IsMatch(arg);

    /// <summary>The names and aliases of the command's options and the recursive ones of the commands above it.</summary>
    private static IEnumerable<string> KnownOptions(ParseResult parse)
    {
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            foreach (var option in result.Command.Options.Where(o => result == parse.CommandResult || o.Recursive || result.Parent is null))
            {
                yield return option.Name;
                foreach (var alias in option.Aliases) yield return alias;
            }
        }
    }

    /// <summary>" (did you mean '--dry-run'?)" for the closest candidate within a typo's distance, else nothing.</summary>
    private static string Suggest(string word, IEnumerable<string> candidates)
    {
        var closest = candidates.Select(c => (Name: c, Distance: Distance(word, c))).OrderBy(c => c.Distance).FirstOrDefault();
        return closest.Name is not null && closest.Distance <= Math.Max(2, word.Length / 4) ? $" (did you mean '{closest.Name}'?)" : "";
    }

    /// <summary>The Levenshtein distance: insertions, deletions and substitutions to turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }

    [GeneratedRegex(@"^-\d")]
    private static partial Regex NegativeNumber();
}
