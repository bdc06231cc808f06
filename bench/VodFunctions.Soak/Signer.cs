using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VodFunctions.Soak;

/// <summary>
/// Alibaba Cloud's two request signatures, written from its documentation (the app is a black box here): V1
/// (HMAC-SHA1 over <c>METHOD&amp;%2F&amp;</c> and the percent-encoded canonicalized query) and V3 (ACS3-HMAC-SHA256 over
/// the canonical request). The signed corpus signs with them, then breaks one thing.
/// </summary>
public static class Signer
{
    public const string Version = "2017-03-21";

    public static string Encode(string text)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
            encoded.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' ? ((char)b).ToString() : $"%{b:X2}");
        return encoded.ToString();
    }

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string Canonical(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Encode(p.Key) + "=" + Encode(p.Value)));

    /// <summary>A V1 request's parameters, its common ones included; <c>Signature</c> is added by <see cref="SignV1"/>.</summary>
    public static SortedDictionary<string, string> V1(string action, IEnumerable<KeyValuePair<string, string>> parameters, string accessKeyId, DateTimeOffset time) =>
        new(parameters.ToDictionary(), StringComparer.Ordinal)
        {
            ["Action"] = action, ["Version"] = Version, ["Format"] = "JSON", ["AccessKeyId"] = accessKeyId, ["SignatureMethod"] = "HMAC-SHA1",
            ["SignatureVersion"] = "1.0", ["SignatureNonce"] = Guid.NewGuid().ToString(), ["Timestamp"] = Timestamp(time),
        };

    public static string SignV1(string method, IEnumerable<KeyValuePair<string, string>> parameters, string secret)
    {
        var stringToSign = $"{method}&{Encode("/")}&{Encode(Canonical(parameters.Where(p => p.Key != "Signature")))}";
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret + "&"), Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>A V3 request's headers (<c>Authorization</c> last) for a query and a body.</summary>
    public static Dictionary<string, string> V3(
        string method, string action, IEnumerable<KeyValuePair<string, string>> query, byte[] body, string? contentType, string host,
        string accessKeyId, string secret, DateTimeOffset time, Func<IEnumerable<string>, IEnumerable<string>>? signed = null)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = host, ["x-acs-action"] = action, ["x-acs-version"] = Version, ["x-acs-date"] = Timestamp(time),
            ["x-acs-signature-nonce"] = Guid.NewGuid().ToString("N"), ["x-acs-content-sha256"] = Convert.ToHexStringLower(SHA256.HashData(body)),
        };
        if (contentType is not null) headers["content-type"] = contentType;
        headers["Authorization"] = AuthorizationV3(method, query, headers, body, accessKeyId, secret, signed);
        return headers;
    }

    public static string AuthorizationV3(
        string method, IEnumerable<KeyValuePair<string, string>> query, IReadOnlyDictionary<string, string> headers, byte[] body,
        string accessKeyId, string secret, Func<IEnumerable<string>, IEnumerable<string>>? signed = null)
    {
        var names = (signed ?? (n => n))(headers.Keys.Where(h => h != "Authorization")).Order(StringComparer.Ordinal).ToList();
        var canonicalHeaders = string.Concat(names.Select(h => $"{h}:{headers[h].Trim()}\n"));
        var request = string.Join("\n", method, "/", Canonical(query), canonicalHeaders, string.Join(";", names), Convert.ToHexStringLower(SHA256.HashData(body)));
        var stringToSign = "ACS3-HMAC-SHA256\n" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request)));
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign)));
        return $"ACS3-HMAC-SHA256 Credential={accessKeyId},SignedHeaders={string.Join(";", names)},Signature={signature}";
    }
}
