using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using VodFunctions.Core;

namespace VodFunctions.Functions.Hosting;

/// <summary>A delete's answer as it was written: status, <c>RequestId</c> and the JSON body's bytes, replayed as they are.</summary>
public sealed record StoredAnswer(int Status, string RequestId, byte[] Body);

/// <summary>What a call with an idempotency key finds when it starts.</summary>
public abstract record IdempotencyClaim
{
    /// <summary>The key is this call's: it runs, then <see cref="IdempotencyStore.CompleteAsync"/> or <see cref="IdempotencyStore.ReleaseAsync"/>.</summary>
    public sealed record Claimed(TableClient Table, string PartitionKey, string RowKey, ETag ETag) : IdempotencyClaim;

    /// <summary>A call with the key and the same parameters has answered: that answer again.</summary>
    public sealed record Replay(StoredAnswer Answer) : IdempotencyClaim;

    /// <summary>The key was used with other parameters.</summary>
    public sealed record Conflict : IdempotencyClaim;

    /// <summary>A call with the key is still running (its lease has not run out).</summary>
    public sealed record InUse : IdempotencyClaim;
}

/// <summary>
/// The idempotency keys of deletes (<c>Idempotency-Key</c>, or <c>ClientToken</c> at <c>/</c>), in Table storage so every
/// instance sees them: one row per caller key, operation and idempotency key, inserted only if absent when the call
/// starts (its claim) and completed with the answer. A row counts for <see cref="Window"/>; a claim not completed within
/// <see cref="Lease"/> (its process stopped) may be taken over by a retry, which runs the delete again (the journal makes
/// that safe). Like the nonces, one table a day (<c>{TablePrefix}Idempotency{yyyyMMdd}</c>, the day of the claim): a call
/// looks in yesterday's table and today's, and the tables of older days are dropped whole, never scanned.
/// </summary>
public sealed class IdempotencyStore(TableServiceClient tables, IOptions<VodOptions> options, TimeProvider time, ILogger<IdempotencyStore> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>Longer than an HTTP call can last on Azure (230 s): a claim this old belongs to a call that is gone.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>A table property holds at most 64 KiB; a larger answer is not stored (a retry runs again).</summary>
    private const int MaxBody = 64 * 1024;

    private const string Running = "Running";
    private const string Done = "Done";
    private readonly DailyTables _days = new(tables, options.Value.TablePrefix + "Idempotency", time, logger);

    /// <summary>Claims <paramref name="key"/> of a caller for an operation, or finds the call that has it.</summary>
    /// <param name="fingerprint">A digest of the call's parameters: the same key with others is a conflict.</param>
    public async Task<IdempotencyClaim> ClaimAsync(string caller, string operation, string key, string fingerprint, CancellationToken cancellationToken)
    {
        var row = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{caller}\n{operation}\n{key}")));
        var now = time.GetUtcNow();
        var yesterday = _days.Of(now.AddDays(-1));
        try
        {
            var earlier = await yesterday.GetEntityIfExistsAsync<TableEntity>(row[..2], row, cancellationToken: cancellationToken);
            if (earlier.HasValue && earlier.Value is { } found && now - Claimed(found) < Window)
                return await FoundAsync(yesterday, found, fingerprint, now, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No table for yesterday.
        }
        var today = await _days.EnsureAsync(now, cancellationToken);
        var entity = new TableEntity(row[..2], row) { ["State"] = Running, ["Fingerprint"] = fingerprint, ["Claimed"] = now };
        try
        {
            var added = await today.AddEntityAsync(entity, cancellationToken);
            return new IdempotencyClaim.Claimed(today, row[..2], row, added.Headers.ETag!.Value);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await today.GetEntityAsync<TableEntity>(row[..2], row, cancellationToken: cancellationToken);
            return await FoundAsync(today, existing.Value, fingerprint, now, cancellationToken);
        }
    }

    /// <summary>Stores a final answer (2xx, 4xx) under the claim; a claim taken over since (its lease ran out) is left to its new owner.</summary>
    public async Task CompleteAsync(IdempotencyClaim.Claimed claim, StoredAnswer answer, CancellationToken cancellationToken)
    {
        if (answer.Body.Length > MaxBody)
        {
            logger.LogWarning("An answer of {Bytes} bytes is too large to keep for its idempotency key; a retry runs again", answer.Body.Length);
            await ReleaseAsync(claim);
            return;
        }
        var entity = new TableEntity(claim.PartitionKey, claim.RowKey)
        {
            ["State"] = Done, ["Status"] = answer.Status, ["RequestId"] = answer.RequestId, ["Body"] = answer.Body,
        };
        try
        {
            await claim.Table.UpdateEntityAsync(entity, claim.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            logger.LogWarning("The claim of an idempotency key was taken over before its answer was stored");
        }
    }

    /// <summary>Gives the key up (the answer was not final: a retry runs again).</summary>
    public async Task ReleaseAsync(IdempotencyClaim.Claimed claim)
    {
        try
        {
            await claim.Table.DeleteEntityAsync(claim.PartitionKey, claim.RowKey, claim.ETag, CancellationToken.None);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Taken over or gone already.
        }
    }

    private async Task<IdempotencyClaim> FoundAsync(TableClient table, TableEntity found, string fingerprint, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = now - Claimed(found) >= Window;
        if (!expired && found.GetString("Fingerprint") != fingerprint) return new IdempotencyClaim.Conflict();
        if (!expired && found.GetString("State") == Done)
            return new IdempotencyClaim.Replay(new StoredAnswer(found.GetInt32("Status")!.Value, found.GetString("RequestId")!, found.GetBinary("Body")));
        if (!expired && now - Claimed(found) < Lease) return new IdempotencyClaim.InUse();
        // Expired, or a claim whose call is gone: taken over by this call, if no other retry took it first.
        var entity = new TableEntity(found.PartitionKey, found.RowKey) { ["State"] = Running, ["Fingerprint"] = fingerprint, ["Claimed"] = now };
        try
        {
            var replaced = await table.UpdateEntityAsync(entity, found.ETag, TableUpdateMode.Replace, cancellationToken);
            logger.LogWarning("Took over an idempotency key whose {What}", expired ? "window had passed" : "call stopped before answering");
            return new IdempotencyClaim.Claimed(table, found.PartitionKey, found.RowKey, replaced.Headers.ETag!.Value);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return new IdempotencyClaim.InUse();
        }
    }

    private static DateTimeOffset Claimed(TableEntity entity) => entity.GetDateTimeOffset("Claimed") ?? DateTimeOffset.MinValue;

    /// <summary>
    /// A digest of a call's parameters, the idempotency key and the common parameters (signature, nonce, timestamp) left
    /// out: names case-insensitively, lists as their comma-joined items, so the same call in JSON, a query or VOD's form matches.
    /// </summary>
    public static string Fingerprint(Parameters parameters)
    {
        var text = new StringBuilder();
        foreach (var name in parameters.Names.Where(n => !n.Equals(Idempotency.ClientToken, StringComparison.OrdinalIgnoreCase) && !CommonParameters.IsCommon(n))
                     .OrderBy(n => n.ToUpperInvariant(), StringComparer.Ordinal))
        {
            if (parameters.Raw(name) is not { } value) continue;
            text.Append(name.ToUpperInvariant()).Append('=').Append(TextOf(value)).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(TextOf)),
        _ => value.GetRawText(),
    };
}

/// <summary>The idempotency key of a call: the <c>Idempotency-Key</c> header, or the <c>ClientToken</c> parameter (VOD's name).</summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ClientToken = "ClientToken";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const string InUseCode = "IdempotencyKey.InUse";
    public const int MaxLength = 64;

    public static readonly string About =
        $"Up to {MaxLength} printable ASCII characters. A repeat with the same key and parameters within 24 hours answers the first "
        + $"answer again (its status, body and RequestId, with `{ReplayedHeader}: true`) and deletes nothing; the same key with other "
        + $"parameters is `InvalidParameter`; while the first call runs, `{InUseCode}` (409).";

    /// <summary>The key given, checked; null when none.</summary>
    public static string? KeyOf(HttpRequest request, Parameters parameters)
    {
        var header = request.Headers[Header].FirstOrDefault();
        var token = parameters.Raw(ClientToken) is { } raw
            ? raw.ValueKind == JsonValueKind.String ? raw.GetString() : throw ApiException.Invalid($"{ClientToken} must be a string.")
            : null;
        if (header is not null && token is not null && header != token)
            throw ApiException.Invalid($"The {Header} header and the {ClientToken} parameter differ; give one.");
        var key = header ?? token;
        if (key is null) return null;
        return key.Length is > 0 and <= MaxLength && key.All(c => c is >= ' ' and <= '~')
            ? key
            : throw ApiException.Invalid($"{(header is null ? ClientToken : Header)} must be 1 to {MaxLength} printable ASCII characters.");
    }
}
