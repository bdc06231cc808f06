using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using VodFunctions.Core;

namespace VodFunctions.Functions.Hosting;

public enum KeyRole { ReadOnly, Full, Admin }

/// <summary>
/// One configured key: <c>Vod__Keys__{n}__Secret</c>, <c>__Role</c>, <c>__AppIds</c> (comma-separated or <c>*</c>), and
/// optionally <c>__Id</c>: an AccessKeyId, with which the secret is also an AccessKeySecret that signs VOD's requests at <c>/</c>.
/// </summary>
public sealed class KeyOptions
{
    public string? Id { get; set; }
    public string Secret { get; set; } = "";
    public KeyRole Role { get; set; } = KeyRole.ReadOnly;
    public string AppIds { get; set; } = "";

    /// <summary>Who the key is, in the recycle bin's <c>DeletedBy</c> (else its <see cref="Id"/>, else its role).</summary>
    public string? Name { get; set; }

    /// <summary>An ISO-8601 duration (<c>P7D</c>): the key deletes only media created within it; older media is refused (<c>Forbidden.DeleteAge</c>).</summary>
    public string? MaxDeleteAge { get; set; }
}

public sealed class KeysOptions
{
    public List<KeyOptions> Keys { get; set; } = [];

    /// <summary>Requests per second allowed per key; 0 turns throttling off.</summary>
    public double RequestsPerSecond { get; set; } = 200;
}

/// <summary>An authenticated caller: its role and the applications it may touch.</summary>
public sealed record Caller(KeyRole Role, AppScope Scope)
{
    /// <summary>Who the key is (<c>Vod__Keys__{n}__Name</c>, else its AccessKeyId, else its role).</summary>
    public string Name { get; init; } = $"{Role} key";

    /// <summary>Which key it is (a digest of its secret, never the secret): what scopes its idempotency keys.</summary>
    public string Key { get; init; } = "";

    /// <summary>The key's <c>MaxDeleteAge</c>: it deletes only media younger than this; null for no limit.</summary>
    public Core.Policies.IsoDuration? MaxDeleteAge { get; init; }

    public bool IsAdmin => Role == KeyRole.Admin;

    /// <summary>ReadOnly keys may call only Get*, Search*, List* and Preview* operations.</summary>
    public bool MayCall(string operation) => Role != KeyRole.ReadOnly || ReadOnlyMayCall(operation);

    /// <summary>A ReadOnly key may call only <c>Get*</c>, <c>Search*</c>, <c>List*</c> and <c>Preview*</c>.</summary>
    public static bool ReadOnlyMayCall(string operation) =>
        new[] { "Get", "Search", "List", "Preview" }.Any(p => operation.StartsWith(p, StringComparison.Ordinal));
}

/// <summary>Finds the caller of a key. Secrets are compared as SHA-256 digests in constant time and never logged.</summary>
public sealed class KeyStore
{
    private readonly (byte[] Digest, Caller Caller)[] _keys;
    private readonly Dictionary<string, SigningKey> _signing = new(StringComparer.Ordinal);

    public KeyStore(IOptions<KeysOptions> options)
    {
        var keys = options.Value.Keys.Where(k => !string.IsNullOrEmpty(k.Secret)).Select(k => (Options: k, Caller: new Caller(k.Role, ScopeOf(k))
        {
            Name = NameOf(k), Key = Convert.ToHexStringLower(Digest(k.Secret)),
            MaxDeleteAge = Core.Policies.IsoDuration.TryParse(k.MaxDeleteAge, out var age) ? age : null,
        })).ToList();
        _keys = keys.Select(k => (Digest(k.Options.Secret), k.Caller)).ToArray();
        foreach (var (key, caller) in keys.Where(k => !string.IsNullOrEmpty(k.Options.Id)))
            _signing[key.Id!] = new SigningKey(key.Id!, Encoding.UTF8.GetBytes(key.Secret), caller);
    }

    /// <summary>The key whose AccessKeyId this is (the same caller as its secret in <c>x-functions-key</c>), or null.</summary>
    public SigningKey? FindSigning(string accessKeyId) => _signing.GetValueOrDefault(accessKeyId);

    /// <summary>Who a key is in the recycle bin's <c>DeletedBy</c>: its name, else its AccessKeyId, else its role's.</summary>
    private static string NameOf(KeyOptions key) => key.Name is { Length: > 0 } name ? name : key.Id is { Length: > 0 } id ? id : $"{key.Role} key";

    public Caller? Find(string? secret)
    {
        if (string.IsNullOrEmpty(secret)) return null;
        var digest = Digest(secret);
        Caller? found = null;
        foreach (var (candidate, caller) in _keys)
            if (CryptographicOperations.FixedTimeEquals(candidate, digest)) found = caller;
        return found;
    }

    private static AppScope ScopeOf(KeyOptions key)
    {
        var apps = key.AppIds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return key.Role == KeyRole.Admin || apps.Contains("*") ? AppScope.All : AppScope.Of(apps);
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}

/// <summary>A key with an AccessKeyId: its secret signs VOD's requests (<see cref="Alibaba.Signatures"/>).</summary>
public sealed record SigningKey(string Id, byte[] Secret, Caller Caller);

/// <summary>
/// Stops the app at start when a key's AccessKeyId (<c>Vod__Keys__{n}__Id</c>) is malformed, has no secret, or is another
/// key's too, or its <c>MaxDeleteAge</c> is not an ISO-8601 duration, naming the setting.
/// </summary>
public sealed class KeyIdsValidation(IConfiguration configuration) : IValidateOptions<KeysOptions>
{
    public const int MaxIdLength = 64;

    public ValidateOptionsResult Validate(string? name, KeysOptions options)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var key in configuration.GetSection($"{Core.VodOptions.Section}:Keys").GetChildren())
        {
            if (key["MaxDeleteAge"] is { Length: > 0 } age && !Core.Policies.IsoDuration.TryParse(age, out _))
                failures.Add($"{Core.VodOptions.Section}__Keys__{key.Key}__MaxDeleteAge is not an ISO-8601 duration of up to 100 years, such as P7D or PT12H.");
            var id = key["Id"];
            var setting = $"{Core.VodOptions.Section}__Keys__{key.Key}__Id";
            if (id is null) continue;
            if (id.Length is 0 or > MaxIdLength || !id.All(char.IsAsciiLetterOrDigit))
                failures.Add($"{setting} is not an AccessKeyId: it is 1 to {MaxIdLength} letters and digits.");
            else if (string.IsNullOrEmpty(key["Secret"]))
                failures.Add($"{setting} names a key without a secret ({Core.VodOptions.Section}__Keys__{key.Key}__Secret), which would be its AccessKeySecret.");
            else if (seen.TryGetValue(id, out var first))
                failures.Add($"{setting} is the AccessKeyId of {first} too; each key's Id is its own.");
            else
                seen[id] = setting;
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Requests per second per key (<c>Vod__RequestsPerSecond</c>, 0 for no limit): past it, 429 <c>Throttling.User</c>.
/// A token bucket per configured key (its <see cref="Caller"/> instance, so keys alike in role and applications still
/// count apart) holding up to one second of requests, and at least one. The partitioned limiter refills its buckets
/// from the time that passed on its own heartbeat, so no bucket needs a timer of its own.
/// </summary>
public sealed class Throttle : IDisposable
{
    private readonly PartitionedRateLimiter<Caller>? _limiter;

    public Throttle(IOptions<KeysOptions> options)
    {
        var rate = options.Value.RequestsPerSecond;
        if (rate <= 0) return;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = (int)Math.Max(1, Math.Ceiling(rate)),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / rate),
            AutoReplenishment = false,
            QueueLimit = 0,
        };
        _limiter = PartitionedRateLimiter.Create<Caller, Caller>(
            caller => RateLimitPartition.GetTokenBucketLimiter(caller, _ => bucket), ReferenceEqualityComparer.Instance);
    }

    /// <summary>Takes one request from the caller's bucket; when it is empty, answers false and how long until it holds one.</summary>
    public bool TryAcquire(Caller caller, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limiter is null) return true;
        using var lease = _limiter.AttemptAcquire(caller);
        if (lease.IsAcquired) return true;
        // The buckets refill on the limiter's heartbeat (every 100 ms), so a retry waits for one beat more.
        retryAfter = (lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1)) + TimeSpan.FromMilliseconds(100);
        return false;
    }

    public void Dispose() => _limiter?.Dispose();
}
