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

/// <summary>Creates a policy, or (with PolicyId) replaces one whole. Answers PolicyId.</summary>
public sealed class SetMediaPolicy(MediaPolicies policies)
{
    [Function(nameof(SetMediaPolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(SetMediaPolicy), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var p = request.Parameters;
        var policy = new MediaPolicy
        {
            PolicyId = p.String("PolicyId") ?? "",
            Name = p.String("Name") ?? "",
            Enabled = p.Bool("Enabled", true),
            Priority = p.Int("Priority", 0, 0, MediaPolicy.MaxPriority),
            Action = p.Required("Action"),
            Definitions = p.List("Definitions", max: Definitions.All.Length),
            MinAge = p.Required("MinAge"),
            AppId = p.String("AppId"),
            CateIds = p.List("CateIds", max: MediaPolicy.MaxCateIds),
            Statuses = p.List("Statuses", max: VideoStatus.All.Length),
            DailyLimit = p.Int("DailyLimit", MediaPolicy.MaxDailyLimit, 1, MediaPolicy.MaxDailyLimit),
        };
        return (await policies.SetAsync(policy, request.Scope, request.Caller.IsAdmin, cancellationToken)).Answer(id => new { PolicyId = id });
    }
}

/// <summary>The policies the caller may see, highest priority first.</summary>
public sealed class ListMediaPolicies(MediaPolicies policies, TimeProvider time)
{
    [Function(nameof(ListMediaPolicies))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListMediaPolicies), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var list = await policies.ListAsync(request.Scope, cancellationToken);
        var views = await Task.WhenAll(list.Select(async p => PolicyView.Of(p, await policies.UsedTodayAsync(p, now, cancellationToken))));
        return new { Policies = views };
    }
}

public sealed class DeleteMediaPolicy(MediaPolicies policies)
{
    [Function(nameof(DeleteMediaPolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(DeleteMediaPolicy), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await policies.DeleteAsync(request.Parameters.Id("PolicyId"), request.Scope, request.Caller.IsAdmin, cancellationToken)).Answer(_ => new { });
}

/// <summary>What the next run would do with the policy now: <c>Matches</c> ({VideoId, Action, Files, Bytes}) and <c>Total</c>.</summary>
public sealed class PreviewMediaPolicy(MediaPolicies policies, PolicySweep sweep)
{
    [Function(nameof(PreviewMediaPolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(PreviewMediaPolicy), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var found = await policies.FindAsync(request.Parameters.Id("PolicyId"), request.Scope, cancellationToken);
        if (!found.Ok) return found.Error!;
        var matches = await sweep.PreviewAsync(found.Value!, cancellationToken);
        return new { Matches = matches, Total = matches.Count };
    }
}

/// <summary>Runs of ApplyMediaPolicies, newest first (<c>PageSize</c> ≤ 100, default 20).</summary>
public sealed class ListMediaPolicyRuns(RunStore runs)
{
    [Function(nameof(ListMediaPolicyRuns))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListMediaPolicyRuns), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var pageSize = request.Parameters.Int("PageSize", 20, 1, 100);
        var latest = await runs.LatestAsync<PolicyRunEntity>(PolicySweep.FunctionName, pageSize, cancellationToken);
        return new
        {
            Runs = latest.Select(r => new
            {
                r.RunId, r.Trigger, r.IsPastDue, StartTime = Times.Format(r.StartTime), EndTime = r.EndTime is { } end ? Times.Format(end) : null,
                r.Status, r.Matched, r.Deleted, r.Skipped, r.Failed, r.DeletedBytes, r.Error,
            }),
        };
    }
}
