namespace VodFunctions.Core.Policies;

/// <summary>A policy row: partition <c>policy</c>, row = PolicyId; list fields as JSON arrays.</summary>
public sealed class PolicyEntity : ITableEntity
{
    public const string Partition = "policy";
    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public bool Enabled { get; set; }
    public int Priority { get; set; }
    public string Action { get; set; } = "";
    public string Definitions { get; set; } = "[]";
    public string MinAge { get; set; } = "";
    public string? AppId { get; set; }
    public string CateIds { get; set; } = "[]";
    public string Statuses { get; set; } = "[]";
    public int DailyLimit { get; set; }

    public static PolicyEntity Of(MediaPolicy p) => new()
    {
        RowKey = p.PolicyId, Name = p.Name, Enabled = p.Enabled, Priority = p.Priority, Action = p.Action,
        Definitions = JsonSerializer.Serialize(p.Definitions), MinAge = p.MinAge, AppId = p.AppId,
        CateIds = JsonSerializer.Serialize(p.CateIds), Statuses = JsonSerializer.Serialize(p.Statuses), DailyLimit = p.DailyLimit,
    };

    public MediaPolicy ToPolicy() => new()
    {
        PolicyId = RowKey, Name = Name, Enabled = Enabled, Priority = Priority, Action = Action,
        Definitions = JsonSerializer.Deserialize<List<string>>(Definitions) ?? [], MinAge = MinAge, AppId = AppId,
        CateIds = JsonSerializer.Deserialize<List<string>>(CateIds) ?? [], Statuses = JsonSerializer.Deserialize<List<string>>(Statuses) ?? [],
        DailyLimit = DailyLimit,
    };
}

/// <summary>Assets a policy took on one UTC day: partition <c>daily|{yyyy-MM-dd}</c>, row = PolicyId.</summary>
public sealed class DailyCountEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public int Count { get; set; }

    public static string PartitionOf(DateTimeOffset time) => "daily|" + time.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The <c>{prefix}Policies</c> table: the policies and their per-day counters (which survive restarts).</summary>
public sealed class PolicyStore(TableServiceClient tables, IOptions<VodOptions> options)
{
    private readonly TableClient _table = tables.GetTableClient(options.Value.TablePrefix + "Policies");

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => await _table.CreateIfNotExistsAsync(cancellationToken);

    public async Task<IReadOnlyList<MediaPolicy>> ListAsync(CancellationToken cancellationToken = default) =>
        await _table.QueryAsync<PolicyEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PolicyEntity.Partition}"), cancellationToken: cancellationToken)
            .Select(e => e.ToPolicy()).ToListAsync(cancellationToken);

    public async Task<MediaPolicy?> GetAsync(string policyId, CancellationToken cancellationToken = default)
    {
        var found = await _table.GetEntityIfExistsAsync<PolicyEntity>(PolicyEntity.Partition, policyId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.ToPolicy() : null;
    }

    public async Task SaveAsync(MediaPolicy policy, CancellationToken cancellationToken = default) =>
        await _table.UpsertEntityAsync(PolicyEntity.Of(policy), TableUpdateMode.Replace, cancellationToken);

    public async Task DeleteAsync(string policyId, CancellationToken cancellationToken = default) =>
        await _table.DeleteEntityAsync(PolicyEntity.Partition, policyId, ETag.All, cancellationToken);

    /// <summary>Assets the policy has taken on the UTC day of <paramref name="time"/>.</summary>
    public async Task<int> UsedAsync(string policyId, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        var found = await _table.GetEntityIfExistsAsync<DailyCountEntity>(DailyCountEntity.PartitionOf(time), policyId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.Count : 0;
    }

    /// <summary>
    /// Takes up to <paramref name="wanted"/> of what is left of today's <paramref name="limit"/> for the
    /// policy and answers how many were granted (optimistic concurrency on the day's counter).
    /// </summary>
    public Task<int> ReserveAsync(string policyId, DateTimeOffset time, int wanted, int limit, CancellationToken cancellationToken = default) =>
        CountAsync(policyId, time, count => Math.Clamp(limit - count, 0, wanted), cancellationToken);

    /// <summary>Gives back <paramref name="unused"/> of what was reserved at <paramref name="time"/>: assets that were not deleted after all.</summary>
    public Task ReleaseAsync(string policyId, DateTimeOffset time, int unused, CancellationToken cancellationToken = default) =>
        CountAsync(policyId, time, count => -Math.Min(unused, count), cancellationToken);

    /// <summary>Adds what <paramref name="change"/> answers for the day's count to it; answers that.</summary>
    private async Task<int> CountAsync(string policyId, DateTimeOffset time, Func<int, int> change, CancellationToken cancellationToken)
    {
        var partition = DailyCountEntity.PartitionOf(time);
        for (var attempt = 0; ; attempt++)
        {
            var found = await _table.GetEntityIfExistsAsync<DailyCountEntity>(partition, policyId, cancellationToken: cancellationToken);
            var counter = found.HasValue ? found.Value! : new DailyCountEntity { PartitionKey = partition, RowKey = policyId };
            var delta = change(counter.Count);
            if (delta == 0) return 0;
            counter.Count += delta;
            try
            {
                if (found.HasValue) await _table.UpdateEntityAsync(counter, counter.ETag, TableUpdateMode.Replace, cancellationToken);
                else await _table.AddEntityAsync(counter, cancellationToken);
                return delta;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 10)
            {
                // Another writer counted meanwhile: read again.
            }
        }
    }
}
