using System.CommandLine;
using VodFunctions.Client;
using static VodFunctions.Cli.Output;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary><c>vod policies list|set|delete|preview</c>: the media policies ApplyMediaPolicies applies.</summary>
internal static class PolicyVerbs
{
    public static IEnumerable<Command> All() =>
    [
        new Command("policies", "Media policies: what ApplyMediaPolicies deletes on its schedule.") { List(), Set(), Delete(), Preview() },
    ];

    private static Verb List() => new("list", "ListMediaPolicies: the policies the key may see, highest priority first.", async (context, ct) =>
    {
        var answer = await context.Client.ListMediaPoliciesAsync(ct);
        if (context.Json)
        {
            context.WriteJson(answer);
            return ExitCodes.Success;
        }
        context.Table(answer.Policies, ("PolicyId", p => p.PolicyId), ("Name", p => p.Name), ("Enabled", p => p.Enabled), ("Priority", p => p.Priority),
            ("Action", p => p.Action + (p.Definitions is { Count: > 0 } d ? $" ({string.Join(", ", d)})" : "")), ("MinAge", p => p.MinAge),
            ("AppId", p => p.AppId ?? "(every)"), ("CateIds", p => p.CateIds), ("Statuses", p => p.Statuses), ("DailyLimit", p => p.DailyLimit));
        return ExitCodes.Success;
    });

    private static Verb Set()
    {
        var id = IdOption(Single<string>("--id", "Replace this policy, whole (fields not given take their defaults); none creates a policy.", "policy-id"), "PolicyId");
        var name = Single<string>("--name", "A name for people.", "name");
        var action = Single<string>("--action", "DeleteVideo, DeleteMezzanine or DeleteStreams (with --definitions).", "action", required: true);
        var minAge = Single<string>("--min-age", "Age since creation, an ISO-8601 duration such as P90D.", "duration", required: true);
        var priority = Single<int?>("--priority", "Higher wins: an asset is handled by the one highest-priority policy that matches it (default 0).", "n");
        var definitions = Many("--definitions", "The definitions whose streams DeleteStreams deletes (FD, LD, SD, HD, ...).", "def");
        var app = Single<string>("--app-id", "Only this application's videos (none: every application, admin key only).", "app-id");
        var cateIds = Many("--cate-ids", "Only videos of these categories.", "id");
        var statuses = Many("--statuses", "Only videos of these statuses (Normal, UploadSucc, ...).", "status");
        var limit = Single<int?>("--daily-limit", "Assets per UTC day, at most and by default 50000.", "n");
        var disabled = new Option<bool>("--disabled") { Description = "Saved but not applied." };
        return new Verb("set", "SetMediaPolicy: creates a policy, or replaces one (--id).", async (context, ct) =>
        {
            var answer = await context.Client.SetMediaPolicyAsync(new MediaPolicy
            {
                PolicyId = context.Get(id), Name = context.Get(name) ?? "", Enabled = !context.Get(disabled), Priority = context.Get(priority) ?? 0,
                Action = context.Get(action)!, MinAge = context.Get(minAge)!, AppId = context.Get(app), DailyLimit = context.Get(limit),
                Definitions = Listed(context, definitions), CateIds = Listed(context, cateIds), Statuses = Listed(context, statuses),
            }, ct);
            if (context.Json) context.WriteJson(answer);
            else context.Line($"Saved policy {answer.PolicyId}{(context.Get(disabled) ? " (disabled)" : "")}.");
            return ExitCodes.Success;
        }) { id, name, action, minAge, priority, definitions, app, cateIds, statuses, limit, disabled };
    }

    private static IReadOnlyList<string>? Listed(Context context, Option<string[]> option) =>
        context.Get(option) is { Length: > 0 } values ? context.Ids(values) : null;

    private static Verb Delete()
    {
        var id = Id("POLICY_ID", "The policy.");
        return new Verb("delete", "DeleteMediaPolicy: deletes a policy (no media is touched).", async (context, ct) =>
        {
            var answer = await context.Client.DeleteMediaPolicyAsync(context.Get(id)!, ct);
            if (context.Json) context.WriteJson(answer);
            else context.Line($"Deleted policy {context.Get(id)}.");
            return ExitCodes.Success;
        }) { id };
    }

    private static Verb Preview()
    {
        var id = Id("POLICY_ID", "The policy.");
        return new Verb("preview", "PreviewMediaPolicy: what a run would do with the policy now (after priorities and today's limit); nothing is deleted.", async (context, ct) =>
        {
            var answer = await context.Client.PreviewMediaPolicyAsync(context.Get(id)!, ct);
            if (context.Json)
            {
                context.WriteJson(answer);
                return ExitCodes.Success;
            }
            context.Table(answer.Matches, ("VideoId", m => m.VideoId), ("Action", m => m.Action), ("Files", m => m.Files), ("Bytes", m => ShortSize(m.Bytes)));
            context.Line($"{answer.Total:N0} {(answer.Total == 1 ? "video" : "videos")} would be handled now ({Size(answer.Matches.Sum(m => m.Bytes))}).");
            return ExitCodes.Success;
        }) { id };
    }
}
