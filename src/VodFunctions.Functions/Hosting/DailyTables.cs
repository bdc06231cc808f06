using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// Tables of one day each, <c>{prefix}{yyyyMMdd}</c>, for what counts for a day or so (signature nonces, idempotency keys):
/// a day's table is created once per process, and its first use drops the tables of the days before yesterday whole, one
/// call each, never a scan of rows.
/// </summary>
public sealed class DailyTables(TableServiceClient tables, string prefix, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _days = new(StringComparer.Ordinal);

    /// <summary>The table of the day of <paramref name="at"/>, which may not exist.</summary>
    public TableClient Of(DateTimeOffset at) => tables.GetTableClient(prefix + at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture));

    /// <summary>The table of the day of <paramref name="at"/>, created if it is not there yet.</summary>
    public async Task<TableClient> EnsureAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = Of(at);
        var ensured = _days.GetOrAdd(table.Name, _ => new Lazy<Task>(() => CreateAndPurgeAsync(table)));
        try
        {
            await ensured.Value.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _days.TryRemove(new KeyValuePair<string, Lazy<Task>>(table.Name, ensured));
            throw;
        }
        return table;
    }

    private async Task CreateAndPurgeAsync(TableClient table)
    {
        await table.CreateIfNotExistsAsync();
        var oldest = Of(time.GetUtcNow().AddDays(-1)).Name;
        await foreach (var old in tables.QueryAsync($"TableName ge '{prefix}' and TableName lt '{oldest}'"))
        {
            if (old.Name.Length != oldest.Length) continue; // another prefix that starts with this one
            await tables.DeleteTableAsync(old.Name);
            logger.LogInformation("Dropped the table of an old day: {Table}", old.Name);
        }
    }
}
