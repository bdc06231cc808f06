namespace VodFunctions.Cli;

/// <summary>What <c>vod</c> exits with (docs/cli.md lists them too).</summary>
public static class ExitCodes
{
    /// <summary>Done: everything the command named was done (or, with <c>--dry-run</c>, would be).</summary>
    public const int Success = 0;

    /// <summary>The service answered an error (its Code and Message are printed), or a run the command waited for failed.</summary>
    public const int ServiceError = 1;

    /// <summary>The command line is wrong (an unknown verb or option, an argument that is not what it stands for, no key, a file that
    /// cannot be read), or a real delete without <c>--yes</c> where nobody can confirm it. Nothing was sent.</summary>
    public const int Usage = 2;

    /// <summary>The service cannot be reached, or <c>run-function</c> gave up waiting (<c>--timeout</c>).</summary>
    public const int Unreachable = 3;

    /// <summary>Done in part: the service did the rest but named items it did not act on (not found, forbidden, not removable).</summary>
    public const int Partial = 4;

    /// <summary>Nothing done: a person at the terminal did not confirm the real delete the verb showed the plan of.</summary>
    public const int Declined = 5;

    /// <summary>Stopped by Ctrl-C.</summary>
    public const int Cancelled = 130;
}

/// <summary>A command line that cannot be run as given: reported with <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException(string message) : Exception(message);
