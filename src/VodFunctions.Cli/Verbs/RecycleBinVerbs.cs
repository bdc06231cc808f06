using System.CommandLine;
using VodFunctions.Client;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary>The recycle bin: list it, restore from it (not a delete: no confirmation), purge it (a real delete: <c>--yes</c> or a person's yes).</summary>
internal static class RecycleBinVerbs
{
    public static IEnumerable<Command> All() => [List(), Restore(), Purge()];

    private static Verb List()
    {
        var appId = Single<string>("--app-id", "Only entries of this application.", "app-id");
        var mediaType = Single<string>("--media-type", "Only entries of video, image or attached media.", "type");
        mediaType.AcceptOnlyFromAmong("video", "image", "attached");
        var pageSize = Single<int?>("--page-size", "Entries per page, at most 100 (default 20).", "n");
        var pageToken = Single<string>("--page-token", "The NextPageToken of the page before.", "token");
        return new Verb("list-recycle-bin", "ListRecycleBin: what deletes moved into the recycle bin, newest first, and when each is purged.", async (context, ct) =>
        {
            var answer = await context.Client.ListRecycleBinAsync(new ListRecycleBinRequest
            {
                AppId = context.Get(appId), MediaType = context.Get(mediaType), PageSize = context.Get(pageSize), PageToken = context.Get(pageToken),
            }, ct);
            if (context.Json) context.WriteJson(answer);
            else
            {
                context.Table(answer.Entries, ("EntryId", e => e.EntryId), ("Media", e => $"{e.MediaType} {e.MediaId}"), ("Deleted", e => e.DeleteType),
                    ("By", e => e.DeletedBy), ("At", e => e.DeleteTime), ("Purged at", e => e.PurgeTime), ("Files", e => e.Files), ("Bytes", e => e.Bytes));
                if (answer.NextPageToken is { } next) context.Line($"More: --page-token {next}");
            }
            return ExitCodes.Success;
        }) { appId, mediaType, pageSize, pageToken };
    }

    private static Verb Restore()
    {
        var ids = Ids("ENTRY_ID", "The recycle bin entries");
        return new Verb("restore-media", "RestoreMedia: brings back what recycle bin entries hold, with the same IDs, files and records (20 a call, all or none).", async (context, ct) =>
        {
            var restored = new List<string>();
            foreach (var chunk in context.Ids(ids).Chunk(20))
                restored.AddRange((await context.Client.RestoreMediaAsync(chunk, ct)).RestoredEntryIds);
            if (context.Json) context.WriteJson(new RestoreMediaResponse { RestoredEntryIds = restored });
            else context.Line($"Restored {restored.Count} {(restored.Count == 1 ? "entry" : "entries")}.");
            return ExitCodes.Success;
        }) { ids };
    }

    private static Verb Purge()
    {
        var ids = new Argument<string[]>("ENTRY_ID") { Arity = ArgumentArity.ZeroOrMore, Description = "The entries to purge (or --all)." };
        var all = new Option<bool>("--all") { Description = "Purge every entry (of --app-id when given)." };
        var appId = Single<string>("--app-id", "With --all: only this application's entries.", "app-id");
        var yes = Yes();
        yes.Description = "Purge without asking (for scripts). Without it the verb asks at a terminal, and is refused elsewhere.";
        return new Verb("purge-recycle-bin", "PurgeRecycleBin: deletes recycle bin entries for good now (admin key).", async (context, ct) =>
        {
            var entryIds = context.Get(ids) is { Length: > 0 } given ? context.Ids(given, "EntryId") : [];
            if (context.Get(all) == entryIds.Count > 0) throw new UsageException("Name the entries to purge, or give --all.");
            if (context.Get(appId) is not null && !context.Get(all)) throw new UsageException("--app-id goes with --all.");
            if (!context.Get(yes))
            {
                Confirmation.Refuse(context);
                var what = context.Get(all) ? $"every entry{(context.Get(appId) is { } app ? $" of {app}" : "")}" : $"{entryIds.Count} {(entryIds.Count == 1 ? "entry" : "entries")}";
                if (!context.Ask($"Purge {what} of the recycle bin for good? It cannot be undone.")) return ExitCodes.Declined;
            }
            var request = context.Get(all)
                ? new PurgeRecycleBinRequest { All = true, AppId = context.Get(appId) }
                : new PurgeRecycleBinRequest { EntryIds = entryIds };
            var answer = await context.Client.PurgeRecycleBinAsync(request, ct);
            if (context.Json) context.WriteJson(answer);
            else
            {
                context.Line($"Purged {answer.PurgedEntryIds.Count} {(answer.PurgedEntryIds.Count == 1 ? "entry" : "entries")}: {answer.Purged.Files} files, {answer.Purged.Bytes} bytes.");
                if (answer.NonExistEntryIds.Count > 0) context.Ids("Not found", answer.NonExistEntryIds);
            }
            return answer.NonExistEntryIds.Count > 0 ? ExitCodes.Partial : ExitCodes.Success;
        }) { ids, all, appId, yes };
    }
}
