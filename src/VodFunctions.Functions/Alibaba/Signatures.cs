using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Alibaba;

/// <summary>
/// Checks a request's signature the two ways Alibaba Cloud's clients sign: V1 (<c>SignatureMethod=HMAC-SHA1</c>, the
/// parameters canonicalized into the string to sign) and V3 (<c>Authorization: ACS3-HMAC-SHA256 ...</c>, a canonical
/// request of the method, path, query, signed headers and the payload's hash). The timestamp must be within 15 minutes
/// of now and the nonce unused (<see cref="NonceStore"/>); signatures are compared in constant time. Each refusal is
/// Alibaba's own code.
/// </summary>
public sealed class Signatures(KeyStore keys, NonceStore nonces, TimeProvider time)
{
    public const string V3Algorithm = "ACS3-HMAC-SHA256";
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    private static readonly string[] V3Required = ["x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"];

    /// <summary>The key that signed the request, once its signature, time and nonce are checked (the nonce is then used up).</summary>
    public async Task<SigningKey> VerifyAsync(RpcRequest request, CancellationToken cancellationToken)
    {
        var (key, nonce, timestamp) = request.IsV3 ? VerifyV3(request) : VerifyV1(request);
        if (!await nonces.TryUseAsync(key.Id, nonce, timestamp, cancellationToken))
            throw RpcRequest.Refused("SignatureNonceUsed", "Specified signature nonce was used already: each request has a nonce of its own.");
        return key;
    }

    private (SigningKey, string Nonce, DateTimeOffset) VerifyV1(RpcRequest request)
    {
        if (request.Parameter("AccessKeyId") is null && request.Parameter("Signature") is null)
            throw RpcRequest.Refused("MissingParameter", "The request is not signed: sign it with an AccessKey pair, by AccessKeyId, SignatureMethod, SignatureVersion, SignatureNonce, Timestamp and Signature (V1) or an Authorization header (ACS3-HMAC-SHA256).");
        string Need(string name) => request.Parameter(name)
            ?? throw RpcRequest.Refused("MissingParameter", $"The input parameter \"{name}\" that is mandatory for processing this request is not supplied.");
        var (accessKeyId, signature, method, version, nonce, stamp) =
            (Need("AccessKeyId"), Need("Signature"), Need("SignatureMethod"), Need("SignatureVersion"), Need("SignatureNonce"), Need("Timestamp"));
        if (method != "HMAC-SHA1")
            throw RpcRequest.Refused("IncompleteSignature", $"SignatureMethod {method} is not supported: V1 signatures are HMAC-SHA1 (or use ACS3-HMAC-SHA256).");
        if (version != "1.0")
            throw RpcRequest.Refused("IncompleteSignature", $"SignatureVersion {version} is not supported: it is 1.0.");
        var timestamp = CheckTime(stamp, "Timestamp");
        var key = Find(accessKeyId);
        var canonical = Percent.Canonical(request.Parameters.Where(p => p.Key != "Signature"));
        var stringToSign = $"{request.Method}&{Percent.Encode("/")}&{Percent.Encode(canonical)}";
        var expected = Convert.ToBase64String(HMACSHA1.HashData((byte[])[.. key.Secret, (byte)'&'], Encoding.UTF8.GetBytes(stringToSign)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(signature)))
            throw NotMatched();
        return (key, nonce, timestamp);
    }

    private (SigningKey, string Nonce, DateTimeOffset) VerifyV3(RpcRequest request)
    {
        var authorization = request.Header("Authorization")!;
        if (!authorization.StartsWith(V3Algorithm + " ", StringComparison.Ordinal))
            throw Incomplete($"The Authorization header is \"{V3Algorithm} Credential=...,SignedHeaders=...,Signature=...\"; other schemes are not supported.");
        var pieces = authorization[(V3Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        string Piece(string name) => pieces.TryGetValue(name, out var value) && value.Length > 0
            ? value : throw Incomplete($"The Authorization header has no {name}.");
        var (accessKeyId, signed, signature) = (Piece("Credential"), Piece("SignedHeaders"), Piece("Signature"));
        var signedHeaders = signed.Split(';').ToList();
        if (signedHeaders.Any(h => h.Length == 0 || h != h.ToLowerInvariant()))
            throw Incomplete("SignedHeaders lists header names in lower case, separated by ';'.");
        signedHeaders = signedHeaders.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (V3Required.FirstOrDefault(h => request.Header(h) is null) is { } absent)
            throw Incomplete($"The header {absent} is required.");
        if (request.Http.Headers.Keys.Select(h => h.ToLowerInvariant()).FirstOrDefault(h => h.StartsWith("x-acs-", StringComparison.Ordinal) && !signedHeaders.Contains(h)) is { } unsigned)
            throw Incomplete($"The header {unsigned} is not in SignedHeaders: every x-acs- header is signed.");
        if (signedHeaders.FirstOrDefault(h => h != "host" && request.Header(h) is null) is { } missing)
            throw Incomplete($"The signed header {missing} is not in the request.");
        var timestamp = CheckTime(request.Header("x-acs-date")!, "x-acs-date");
        var key = Find(accessKeyId);
        var payload = Convert.ToHexStringLower(SHA256.HashData(request.Body));
        if (!string.Equals(payload, request.Header("x-acs-content-sha256"), StringComparison.OrdinalIgnoreCase))
            throw RpcRequest.Refused("SignatureDoesNotMatch", "The header x-acs-content-sha256 is not the hexadecimal SHA-256 of the request body.");
        var headers = string.Concat(signedHeaders.Select(h => $"{h}:{HeaderValue(request, h)}\n"));
        var canonicalRequest = string.Join("\n", request.Method, CanonicalPath(request), Percent.Canonical(request.Query), headers, string.Join(";", signedHeaders), payload);
        var stringToSign = V3Algorithm + "\n" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key.Secret, Encoding.UTF8.GetBytes(stringToSign)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(signature.ToLowerInvariant())))
            throw NotMatched();
        return (key, request.Header("x-acs-signature-nonce")!, timestamp);
    }

    /// <summary>A signed header's canonical value: its values trimmed, sorted and joined by commas (the host as the caller addressed it).</summary>
    private static string HeaderValue(RpcRequest request, string name) => name == "host"
        ? request.Host.Trim()
        : string.Join(",", request.Http.Headers[name].Select(v => (v ?? "").Trim()).Order(StringComparer.Ordinal));

    private static string CanonicalPath(RpcRequest request) =>
        string.Join("/", (request.Http.Path.HasValue ? request.Http.Path.Value! : "/").Split('/').Select(Percent.Encode));

    private SigningKey Find(string accessKeyId) => keys.FindSigning(accessKeyId)
        ?? throw RpcRequest.Refused("InvalidAccessKeyId.NotFound", "Specified access key is not found: no key of the service has this AccessKeyId.");

    private DateTimeOffset CheckTime(string text, string name)
    {
        if (!DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var timestamp))
            throw RpcRequest.Refused("InvalidTimeStamp.Format", $"Specified {name} is not well formatted: it is UTC in ISO 8601, yyyy-MM-ddTHH:mm:ssZ.");
        if ((time.GetUtcNow() - timestamp).Duration() > MaxSkew)
            throw RpcRequest.Refused("InvalidTimeStamp.Expired", $"Specified {name} is more than 15 minutes from the service's time ({time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}).");
        return timestamp;
    }

    private static ApiException NotMatched() =>
        RpcRequest.Refused("SignatureDoesNotMatch", "Specified signature is not matched with our calculation: check the AccessKeySecret and how the request is signed.");

    private static ApiException Incomplete(string message) => RpcRequest.Refused("IncompleteSignature", message);
}
