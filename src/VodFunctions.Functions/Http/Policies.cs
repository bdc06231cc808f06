using VodFunctions.Core.Media;
using VodFunctions.Core.Policies;
using VodFunctions.Core.Runs;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>A policy as the operations answer it, with what it has taken today (UTC) of its DailyLimit.</summary>
public sealed record PolicyView(
    string PolicyId, string Name, bool Enabled, int Priority, string Action, IReadOnlyList<string> Definitions, string MinAge,
    string? AppId, IReadOnlyList<string> CateIds, IReadOnlyList<string> Statuses, int DailyLimit, int UsedToday)
{
    public static PolicyView Of(MediaPolicy p, int usedToday) =>
        new(p.PolicyId, p.Name, p.Enabled, p.Priority, p.Action, p.Definitions, p.MinAge, p.AppId, p.CateIds, p.Statuses, p.DailyLimit, usedToday);
}

/// <summary>The <c>PolicyId</c> of the operations on one policy.</summary>
internal static class Policy
{
    public static readonly Parameter<string> PolicyId = Param.Id("PolicyId", "The policy.");
    public static readonly ErrorCode NotFound = new("InvalidPolicy.NotFound", "The policy does not exist.");
}

/// <summary>Creates a policy, or (with PolicyId) replaces one whole. Answers PolicyId.</summary>
public sealed class SetMediaPolicy(MediaPolicies policies) : IApiFunction
{
    private static readonly Parameter<string?> PolicyId = Param.OptionalId("PolicyId", "The policy to replace whole; none to create one.");
    private static readonly Parameter<string?> Name = Param.Text("Name", "A name for people.", maxLength: MediaPolicy.MaxNameLength);
    private static readonly Parameter<bool> Enabled = Param.Flag("Enabled", "Whether runs apply it.", fallback: true);
    private static readonly Parameter<int> Priority = Param.Int("Priority",
        "Higher wins: an asset is handled by the single highest-priority enabled policy that matches it.", 0, 0, MediaPolicy.MaxPriority);
    private static readonly Parameter<string> Action = Param.OneOf("Action",
        "What it does to a matching video (here `Action` is the policy's, not the common request parameter; at `/`, VOD's request syntax, it is given as `PolicyAction`).", PolicyActions.All);
    private static readonly Parameter<IReadOnlyList<string>> Definitions = Param.List("Definitions",
        "With `Action: DeleteStreams` (required then): the definitions whose streams it deletes.", required: false,
        max: Core.Media.Definitions.All.Length, values: Core.Media.Definitions.All);
    private static readonly Parameter<string> MinAge = Param.RequiredText("MinAge",
        "How old (since `CreationTime`) a video must be: a positive ISO-8601 duration such as `P90D` or `PT1H`.");
    private static readonly Parameter<string?> AppId = Param.AppId("Only videos of this application; none: every application (an Admin key only).");
    private static readonly Parameter<IReadOnlyList<string>> CateIds = Param.List("CateIds",
        "Only videos in these categories (each a string or a number, as `CateId`).", required: false, max: MediaPolicy.MaxCateIds,
        item: Shape.TextOrNumber(64), numbers: true);
    private static readonly Parameter<IReadOnlyList<string>> Statuses = Param.List("Statuses", "Only videos with these statuses.", required: false,
        max: VideoStatus.All.Length, values: VideoStatus.All);
    private static readonly Parameter<int> DailyLimit = Param.Int("DailyLimit",
        "Assets it deletes per UTC day at most; the rest waits for the next day.", MediaPolicy.MaxDailyLimit, 1, MediaPolicy.MaxDailyLimit);

    public static ApiOperation Operation { get; } = new("Policies",
        "Creates a media policy, or replaces one whole (with `PolicyId`): what `ApplyMediaPolicies` deletes when it runs.")
    {
        Parameters = [PolicyId, Name, Enabled, Priority, Action, Definitions, MinAge, AppId, CateIds, Statuses, DailyLimit],
        Answers = [new("PolicyId", Shape.Id, "The policy's ID.")],
        Errors = [Policy.NotFound],
        Example = new
        {
            Name = "Drop old trailers", Action = "DeleteVideo", MinAge = "P90D", Priority = 10, AppId = "app-1000000",
            CateIds = new object[] { 7, "8" }, Statuses = new[] { "Normal" }, DailyLimit = 5000,
        },
    };

    [Function(nameof(SetMediaPolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/SetMediaPolicy")] HttpRequest req) =>
        Api.RunAsync(req, nameof(SetMediaPolicy), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var policy = new MediaPolicy
        {
            PolicyId = PolicyId.Read(request) ?? "",
            Name = Name.Read(request) ?? "",
            Enabled = Enabled.Read(request),
            Priority = Priority.Read(request),
            Action = Action.Read(request),
            Definitions = Definitions.Read(request),
            MinAge = MinAge.Read(request),
            AppId = AppId.Read(request),
            CateIds = CateIds.Read(request),
            Statuses = Statuses.Read(request),
            DailyLimit = DailyLimit.Read(request),
        };
        return (await policies.SetAsync(policy, request.Scope, request.Caller.IsAdmin, cancellationToken)).Answer(id => new { PolicyId = id });
    }
}

/// <summary>The policies the caller may see, highest priority first.</summary>
public sealed class ListMediaPolicies(MediaPolicies policies, TimeProvider time) : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Policies", "The media policies the key may see, highest priority first.")
    {
        Answers = [new("Policies", Shape.ArrayOf(Shape.Of<PolicyView>()), "The policies, each with `UsedToday`: what it has taken of its `DailyLimit` today (UTC).")],
    };

    [Function(nameof(ListMediaPolicies))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ListMediaPolicies")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListMediaPolicies), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var list = await policies.ListAsync(request.Scope, cancellationToken);
        var views = await Task.WhenAll(list.Select(async p => PolicyView.Of(p, await policies.UsedTodayAsync(p, now, cancellationToken))));
        return new { Policies = views };
    }
}

public sealed class DeleteMediaPolicy(MediaPolicies policies) : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Policies", "Deletes a media policy (not the media it deleted).")
    {
        Parameters = [Policy.PolicyId],
        Errors = [Policy.NotFound],
        Example = new { PolicyId = ExampleIds.Policy },
    };

    [Function(nameof(DeleteMediaPolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/DeleteMediaPolicy")] HttpRequest req) =>
        Api.RunAsync(req, nameof(DeleteMediaPolicy), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await policies.DeleteAsync(Policy.PolicyId.Read(request), request.Scope, request.Caller.IsAdmin, cancellationToken)).Answer(_ => new { });
}

/// <summary>What the next run would do with the policy now: <c>Matches</c> ({VideoId, Action, Files, Bytes}) and <c>Total</c>.</summary>
public sealed class PreviewMediaPolicy(MediaPolicies policies, PolicySweep sweep) : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Policies",
        "What a run of the policy would do now, after priority and what is left of today's `DailyLimit`, without doing it.")
    {
        Parameters = [Policy.PolicyId],
        Answers =
        [
            new("Matches", Shape.ArrayOf(Shape.Of<PolicyMatch>()), "The videos a run would handle now, with the files and bytes it would delete; `Held: true` on a video on hold, which a run leaves alone and counts as held."),
            new("Total", Shape.Count, "The number of matches."),
        ],
        Errors = [Policy.NotFound],
        Example = new { PolicyId = ExampleIds.Policy },
    };

    [Function(nameof(PreviewMediaPolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/PreviewMediaPolicy")] HttpRequest req) =>
        Api.RunAsync(req, nameof(PreviewMediaPolicy), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var found = await policies.FindAsync(Policy.PolicyId.Read(request), request.Scope, cancellationToken);
        if (!found.Ok) return found.Error!;
        var matches = await sweep.PreviewAsync(found.Value!, cancellationToken);
        return new { Matches = matches, Total = matches.Count };
    }
}

/// <summary>Runs of ApplyMediaPolicies, newest first (<c>PageSize</c> ≤ 100, default 20).</summary>
public sealed class ListMediaPolicyRuns(RunStore runs, PolicySweep sweep) : IApiFunction
{
    private static readonly Parameter<int> PageSize = Param.Int("PageSize", "Runs to list.", 20, 1, 100);

    public static ApiOperation Operation { get; } = new("Runs", "The runs of `ApplyMediaPolicies`, newest first (`ListFunctionRuns` lists them too).")
    {
        Description = "A run that put its deletes on the policy work queue (`Vod__Policies__Queue`) counts them as every instance deletes them: "
            + "`Enqueued` assets, of which `Deleted`, `Skipped` (no longer matched when their turn came) and `Failed` (kept failing; "
            + "`ReconcileStorage` settles them), `Held` (on hold when their turn came: never deleted), and `Remaining`. It shows `Running` until the last is settled; its `EndTime` is then the last one's.",
        Parameters = [PageSize],
        Answers =
        [
            new("Runs", Shape.ArrayOf(Shape.Object("`RunId`, `Trigger`, `IsPastDue`, `StartTime`, `EndTime` (absent while it runs), `Status`, "
                + "`Matched`, `Enqueued`, `Deleted`, `Skipped`, `Failed`, `Held`, `DeletedBytes`, `Remaining`, `Error`")), "The runs."),
        ],
        Example = new { PageSize = 10 },
    };

    [Function(nameof(ListMediaPolicyRuns))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ListMediaPolicyRuns")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListMediaPolicyRuns), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var pageSize = PageSize.Read(request);
        var latest = await runs.LatestAsync<PolicyRunEntity>(PolicySweep.FunctionName, pageSize, cancellationToken);
        var current = new List<(PolicyRunEntity Run, int Remaining)>();
        foreach (var run in latest) current.Add(await sweep.CurrentAsync(run, cancellationToken));
        return new
        {
            Runs = current.Select(c => c.Run is var r ? new
            {
                r.RunId, r.Trigger, r.IsPastDue, StartTime = Times.Format(r.StartTime), EndTime = r.EndTime is { } end ? Times.Format(end) : null,
                r.Status, r.Matched, r.Enqueued, r.Deleted, r.Skipped, r.Failed, r.Held, r.DeletedBytes, c.Remaining, r.Error,
            } : null),
        };
    }
}
