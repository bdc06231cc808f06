namespace VodFunctions.Core.Policies;

/// <summary>
/// Managing media policies within a caller's applications: a policy with an AppId belongs to that
/// application; one without (every application) is seen only with all applications and managed only
/// by an admin.
/// </summary>
public sealed class MediaPolicies(PolicyStore store, ILogger<MediaPolicies> logger)
{
    public static VodError NotFound() => new("InvalidPolicy.NotFound", "The policy does not exist.");

    public static bool CanSee(MediaPolicy policy, AppScope scope) => policy.AppId is null ? scope.IsAll : scope.CanAccess(policy.AppId);

    public static bool CanManage(MediaPolicy policy, AppScope scope, bool admin) => policy.AppId is null ? admin : scope.CanAccess(policy.AppId);

    private static VodError Forbidden(MediaPolicy policy) => policy.AppId is null
        ? new VodError("Forbidden", "A policy without AppId applies to every application and needs an Admin key.")
        : VodError.Forbidden();

    /// <summary>Policies the caller may see, in the order they claim assets.</summary>
    public async Task<IReadOnlyList<MediaPolicy>> ListAsync(AppScope scope, CancellationToken cancellationToken = default) =>
        MediaPolicy.InPriorityOrder((await store.ListAsync(cancellationToken)).Where(p => CanSee(p, scope)));

    public async Task<Result<MediaPolicy>> FindAsync(string policyId, AppScope scope, CancellationToken cancellationToken = default)
    {
        var policy = MediaIds.IsValid(policyId) ? await store.GetAsync(policyId, cancellationToken) : null;
        if (policy is null) return NotFound();
        return CanSee(policy, scope) ? policy : Forbidden(policy);
    }

    /// <summary>Creates a policy (no PolicyId) or replaces one whole; answers its PolicyId.</summary>
    public async Task<Result<string>> SetAsync(MediaPolicy policy, AppScope scope, bool admin, CancellationToken cancellationToken = default)
    {
        if (policy.Validate() is { } invalid) return invalid;
        if (policy.PolicyId.Length > 0)
        {
            var existing = MediaIds.IsValid(policy.PolicyId) ? await store.GetAsync(policy.PolicyId, cancellationToken) : null;
            if (existing is null) return NotFound();
            if (!CanManage(existing, scope, admin)) return Forbidden(existing);
        }
        else
        {
            policy = policy with { PolicyId = MediaIds.New() };
        }
        if (!CanManage(policy, scope, admin)) return Forbidden(policy);
        await store.SaveAsync(policy, cancellationToken);
        logger.LogInformation("Saved media policy {PolicyId} ({Action}, MinAge {MinAge}, priority {Priority}, enabled {Enabled})",
            policy.PolicyId, policy.Action, policy.MinAge, policy.Priority, policy.Enabled);
        return policy.PolicyId;
    }

    public async Task<Result<string>> DeleteAsync(string policyId, AppScope scope, bool admin, CancellationToken cancellationToken = default)
    {
        var existing = MediaIds.IsValid(policyId) ? await store.GetAsync(policyId, cancellationToken) : null;
        if (existing is null) return NotFound();
        if (!CanManage(existing, scope, admin)) return Forbidden(existing);
        await store.DeleteAsync(policyId, cancellationToken);
        logger.LogInformation("Deleted media policy {PolicyId}", policyId);
        return policyId;
    }

    /// <summary>How many assets the policy has taken today (UTC).</summary>
    public Task<int> UsedTodayAsync(MediaPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        store.UsedAsync(policy.PolicyId, now, cancellationToken);
}
