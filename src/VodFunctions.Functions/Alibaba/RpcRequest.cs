using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using VodFunctions.Core;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Alibaba;

/// <summary>
/// A request in VOD's RPC syntax as it arrived at <c>/</c>: its parameters from the query string and an
/// <c>application/x-www-form-urlencoded</c> body (decoded, each name once), its headers and its body's bytes.
/// </summary>
public sealed class RpcRequest
{
    private RpcRequest(HttpRequest http, byte[] body, Dictionary<string, string> query, Dictionary<string, string> all)
    {
        Http = http;
        Body = body;
        Query = query;
        Parameters = all;
    }

    public HttpRequest Http { get; }
    public string Method => Http.Method.ToUpperInvariant();
    public byte[] Body { get; }

    /// <summary>The query string's parameters (what a V3 signature's canonical query covers).</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>The query string's and the form body's parameters together (what a V1 signature covers, and the operation's parameters).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Whether it is signed the V3 way (an <c>Authorization</c> header).</summary>
    public bool IsV3 => Http.Headers.Authorization.Count > 0;

    /// <summary>The operation: the <c>x-acs-action</c> header (V3) or the <c>Action</c> parameter.</summary>
    public string? Action => IsV3 ? Header("x-acs-action") ?? Parameter("Action") : Parameter("Action");

    public string? Version => IsV3 ? Header("x-acs-version") ?? Parameter("Version") : Parameter("Version");

    /// <summary>The host the caller addressed (behind a proxy such as the Functions host, the one it forwarded).</summary>
    public string Host => HostOf(Http);

    public static string HostOf(HttpRequest http) => http.Headers["X-Forwarded-Host"].FirstOrDefault() ?? http.Host.Value ?? "";

    public string? Parameter(string name) => Parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string? Header(string name) => Http.Headers.TryGetValue(name, out var values) && values.Count > 0 ? string.Join(",", values.ToArray()) : null;

    public static async Task<RpcRequest> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var body = await Api.ReadBodyAsync(http, cancellationToken);
        var query = Pairs(QueryHelpers.ParseQuery(http.QueryString.Value));
        var all = new Dictionary<string, string>(query, StringComparer.Ordinal);
        if (body.Length > 0 && !body.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            if (!http.HasFormContentType || http.ContentType!.Contains("multipart", StringComparison.OrdinalIgnoreCase))
                throw ApiException.Invalid("The body of a request at / is application/x-www-form-urlencoded parameters (VOD's RPC syntax); a JSON body goes to /api/{Action}.");
            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(body);
            }
            catch (DecoderFallbackException)
            {
                throw ApiException.Invalid("The form body is not UTF-8 text.");
            }
            foreach (var (name, value) in Pairs(QueryHelpers.ParseQuery(text))) Add(all, name, value);
        }
        return new RpcRequest(http, body, query, all);
    }

    private static Dictionary<string, string> Pairs(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> parsed)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in parsed)
            foreach (var value in values) Add(pairs, name, value ?? "");
        return pairs;
    }

    private static void Add(Dictionary<string, string> pairs, string name, string value)
    {
        if (name.Length == 0) return;
        if (pairs.TryGetValue(name, out var existing) && existing != value)
            throw ApiException.Invalid($"The parameter {name} is given twice with different values.");
        pairs[name] = value;
    }

    /// <summary>VOD's error of a signature or request-syntax check (<c>SignatureDoesNotMatch</c>, ...), with its status.</summary>
    public static ApiException Refused(string code, string message, int? status = null) => new(new VodError(code, message, status));
}
