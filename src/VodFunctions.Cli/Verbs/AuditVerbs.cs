using System.CommandLine;
using System.Globalization;
using VodFunctions.Client;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary>The audit log of deletions: who deleted what, when, and what came of it.</summary>
internal static class AuditVerbs
{
    public static IEnumerable<Command> All() => [List()];

    private static Verb List()
    {
        var mediaId = Single<string>("--media-id", "Only records of this media.", "id");
        var appId = Single<string>("--app-id", "Only records of this application.", "app-id");
        var keyName = Single<string>("--key-name", "Only deletions by this key (its name or AccessKeyId).", "name");
        var startTime = Single<string>("--start-time", "Only records from this time on (ISO-8601, e.g. 2026-12-01T00:00:00Z).", "time");
        var endTime = Single<string>("--end-time", "Only records up to this time (ISO-8601).", "time");
        var pageSize = Single<int?>("--page-size", "Records per page, at most 100 (default 20).", "n");
        var pageToken = Single<string>("--page-token", "The NextPageToken of the page before.", "token");
        return new Verb("list-deletions", "ListDeletions: the audit log of deletions, newest first: who deleted what, when, and what came of it.", async (context, ct) =>
        {
            var answer = await context.Client.ListDeletionsAsync(new ListDeletionsRequest
            {
                MediaId = context.Get(mediaId), AppId = context.Get(appId), KeyName = context.Get(keyName),
                StartTime = TimeOf(context.Get(startTime), "--start-time"), EndTime = TimeOf(context.Get(endTime), "--end-time"),
                PageSize = context.Get(pageSize), PageToken = context.Get(pageToken),
            }, ct);
            if (context.Json) context.WriteJson(answer);
            else
            {
                context.Table(answer.Deletions, ("Time", d => d.Time), ("Operation", d => d.Operation + (d.DryRun ? " (dry run)" : "")),
                    ("By", d => d.KeyName ?? d.PolicyName ?? d.Trigger), ("Media", d => $"{d.MediaType} {d.MediaId}".Trim()), ("Outcome", d => d.Outcome),
                    ("Files", d => d.Files), ("Bytes", d => d.Bytes));
                if (answer.NextPageToken is { } next) context.Line($"More: --page-token {next}");
            }
            return ExitCodes.Success;
        }) { mediaId, appId, keyName, startTime, endTime, pageSize, pageToken };
    }

    private static DateTimeOffset? TimeOf(string? text, string option) => text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time
        : throw new UsageException($"{option} '{text}' is not a time such as 2026-12-01T00:00:00Z.");
}
