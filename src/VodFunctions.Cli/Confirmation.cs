using System.Text.Json.Nodes;

namespace VodFunctions.Cli;

/// <summary>
/// A real delete is never made by accident: with <c>--yes</c> it runs at once; at a terminal it first shows the dry run's plan
/// and asks; anywhere else (a script, a pipe) it is refused. A dry run never asks.
/// </summary>
internal static class Confirmation
{
    public const string NeedsYes =
        "this deletes for real and cannot be undone: add --yes (-y) to delete without being asked, or --dry-run to see what it would delete.";

    /// <summary>
    /// Runs a delete verb: <paramref name="call"/> makes the calls (as a dry run when told) and answers the (merged) answer,
    /// <paramref name="report"/> shows it and answers the exit code. At a terminal without <c>--yes</c> the dry run's report
    /// goes to standard error, and the real delete follows only a yes; a plan with nothing to delete asks nothing.
    /// </summary>
    public static async Task<int> DeleteAsync(this Context context, bool dryRun, bool yes,
        Func<bool, Task<JsonObject>> call, Func<JsonObject, int> report)
    {
        if (dryRun || yes) return report(await call(dryRun));
        Refuse(context);

        var plan = await call(true);
        var planCode = context.OnError(() => report(plan));
        if (plan["Plan"] is JsonObject p && (long?)p["Files"] == 0 && (long?)p["Records"] == 0)
        {
            context.Host.Error.WriteLine("Nothing to delete.");
            return planCode;
        }
        return context.Ask("Delete this for real? It cannot be undone.") ? report(await call(false)) : ExitCodes.Declined;
    }

    /// <summary>Refuses a real action when nobody is at a terminal to confirm it (a usage error: nothing is sent).</summary>
    public static void Refuse(Context context)
    {
        if (!context.Host.InIsTerminal) throw new UsageException(NeedsYes);
    }

    /// <summary>Asks on standard error; true for y or yes, else says that nothing was done.</summary>
    public static bool Ask(this Context context, string question)
    {
        context.Host.Error.Write($"{question} [y/N] ");
        var answer = context.Host.In.ReadLine()?.Trim();
        if (answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)))
            return true;
        context.Host.Error.WriteLine("Not confirmed: nothing was deleted.");
        return false;
    }
}
