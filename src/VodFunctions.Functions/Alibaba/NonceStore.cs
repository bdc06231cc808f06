using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using VodFunctions.Core;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Alibaba;

/// <summary>
/// The signature nonces used in the last 15 minutes, in Table storage so that every instance sees them: one table a
/// day (<c>{TablePrefix}Nonces{yyyyMMdd}</c>, the day of the request's signed timestamp, so a replay lands in the same
/// table), one row a nonce, inserted only if absent. A day's table is dropped whole once no valid timestamp can fall on
/// it (two days on), by the first request of a new day: one call, never a scan of rows.
/// </summary>
public sealed class NonceStore(TableServiceClient tables, IOptions<VodOptions> options, TimeProvider time, ILogger<NonceStore> logger)
{
    private readonly DailyTables _days = new(tables, options.Value.TablePrefix + "Nonces", time, logger);

    /// <summary>Records the nonce of a key; false when it was used already.</summary>
    public async Task<bool> TryUseAsync(string accessKeyId, string nonce, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        var table = await _days.EnsureAsync(timestamp, cancellationToken);
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
}
