using System.CommandLine;
using VodFunctions.Client;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary>Holds: set and release them (admin key; neither deletes anything, so no confirmation), list them.</summary>
internal static class HoldVerbs
{
    public static IEnumerable<Command> All() => [Set(), Release(), List()];

    private static Option<string> MediaType(string description)
    {
        var option = new Option<string>("--media-type") { Description = description, HelpName = "type", DefaultValueFactory = _ => "video" };
        option.AcceptOnlyFromAmong("video", "image", "attached");
        return option;
    }

    private static Verb Set()
    {
        var ids = Ids("MEDIA_ID", "The media to hold");
        var mediaType = MediaType("What the IDs are: video (with its streams, source and snapshots; the default), image or attached.");
        var reason = Single<string>("--reason", "Why (a case, a letter): shown with the hold. Required.", "text", required: true);
        return new Verb("set-media-hold", "SetMediaHold: puts media on hold (admin key): nothing deletes it until the hold is released.", async (context, ct) =>
        {
            var missing = new List<string>();
            foreach (var chunk in context.Ids(ids).Chunk(20))
                missing.AddRange((await context.Client.SetMediaHoldAsync(new SetMediaHoldRequest
                {
                    MediaType = context.Get(mediaType)!, MediaIds = chunk, Reason = context.Get(reason)!,
                }, ct)).NonExistMediaIds);
            return Report(context, context.Ids(ids).Count - missing.Count, "Held", missing);
        }) { ids, mediaType, reason };
    }

    private static Verb Release()
    {
        var ids = Ids("MEDIA_ID", "The media to release");
        var mediaType = MediaType("What the IDs are: video (the default), image or attached.");
        return new Verb("release-media-hold", "ReleaseMediaHold: lifts holds (admin key): the media can be deleted again.", async (context, ct) =>
        {
            var missing = new List<string>();
            foreach (var chunk in context.Ids(ids).Chunk(20))
                missing.AddRange((await context.Client.ReleaseMediaHoldAsync(context.Get(mediaType)!, chunk, ct)).NonExistMediaIds);
            return Report(context, context.Ids(ids).Count - missing.Count, "Released", missing);
        }) { ids, mediaType };
    }

    private static int Report(Context context, int done, string verb, IReadOnlyList<string> missing)
    {
        if (context.Json) context.WriteJson(new HoldChangeResponse { NonExistMediaIds = missing });
        else
        {
            context.Line($"{verb} {done} media.");
            if (missing.Count > 0) context.Ids(verb == "Held" ? "Not found" : "Not held", missing);
        }
        return missing.Count > 0 ? ExitCodes.Partial : ExitCodes.Success;
    }

    private static Verb List()
    {
        var appId = Single<string>("--app-id", "Only holds of this application's media.", "app-id");
        var mediaType = Single<string>("--media-type", "Only holds of video, image or attached media.", "type");
        mediaType.AcceptOnlyFromAmong("video", "image", "attached");
        var pageSize = Single<int?>("--page-size", "Holds per page, at most 100 (default 20).", "n");
        var pageToken = Single<string>("--page-token", "The NextPageToken of the page before.", "token");
        return new Verb("list-media-holds", "ListMediaHolds: the holds on the key's media: why, when and by which key each was set.", async (context, ct) =>
        {
            var answer = await context.Client.ListMediaHoldsAsync(new ListMediaHoldsRequest
            {
                AppId = context.Get(appId), MediaType = context.Get(mediaType), PageSize = context.Get(pageSize), PageToken = context.Get(pageToken),
            }, ct);
            if (context.Json) context.WriteJson(answer);
            else
            {
                context.Table(answer.Holds, ("Media", h => $"{h.MediaType} {h.MediaId}"), ("AppId", h => h.AppId), ("Reason", h => h.Reason),
                    ("By", h => h.SetBy), ("At", h => h.SetTime));
                if (answer.NextPageToken is { } next) context.Line($"More: --page-token {next}");
            }
            return ExitCodes.Success;
        }) { appId, mediaType, pageSize, pageToken };
    }
}
