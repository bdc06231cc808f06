using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using VodFunctions.Core;

namespace VodFunctions.Functions.Alibaba;

/// <summary>
/// The signature nonces used in the last 15 minutes, in Table storage so that every instance sees them: one table a
/// day (<c>{TablePrefix}Nonces{yyyyMMdd}</c>, the day of the request's signed timestamp, so a replay lands in the same
/// table), one row a nonce, inserted only if absent. A day's table is dropped whole once no valid timestamp can fall on
/// it (two days on), by the first request of a new day: one call, never a scan of rows.
/// </summary>
public sealed class NonceStore(TableServiceClient tables, IOptions<VodOptions> options, TimeProvider time, ILogger<NonceStore> logger)
{
    private const string Infix = "Nonces";
    private readonly ConcurrentDictionary<string, Lazy<Task>> _days = new(StringComparer.Ordinal);

    /// <summary>Records the nonce of a key; false when it was used already.</summary>
    public async Task<bool> TryUseAsync(string accessKeyId, string nonce, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(TableOf(timestamp));
        await EnsureAsync(table, cancellationToken);
        var row = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(accessKeyId + "\n" + nonce)));
        try
        {
            await table.AddEntityAsync(new TableEntity(row[..2], row), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    private string Prefix => options.Value.TablePrefix + Infix;

    public string TableOf(DateTimeOffset timestamp) => Prefix + timestamp.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Creates a day's table once per process, and then drops the tables of days before yesterday.</summary>
    private async Task EnsureAsync(TableClient table, CancellationToken cancellationToken)
    {
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
    }

    private async Task CreateAndPurgeAsync(TableClient table)
    {
        await table.CreateIfNotExistsAsync();
        var oldest = TableOf(time.GetUtcNow().AddDays(-1));
        await foreach (var old in tables.QueryAsync($"TableName ge '{Prefix}' and TableName lt '{oldest}'"))
        {
            if (old.Name.Length != oldest.Length) continue; // another prefix that starts with this one
            await tables.DeleteTableAsync(old.Name);
            logger.LogInformation("Dropped the nonces of an old day: table {Table}", old.Name);
        }
    }
}
