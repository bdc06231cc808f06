using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VodFunctions.Soak;

/// <summary>
/// The corpus's signed VOD requests at <c>/</c>: forged (a wrong secret or key, signed then changed), stale (a timestamp
/// more than 15 minutes away), replayed (the exact bytes of a request the app already took) and malformed (a piece of
/// the signature or the syntax missing or unknown), in both signature versions, over every operation that changes
/// something. Each must be refused (4xx, VOD's error body), change nothing and never answer 5xx.
/// </summary>
public static partial class CorpusPart
{
    private const string FormType = "application/x-www-form-urlencoded";
    private static readonly byte[] NoBody = [];

    /// <summary>A request the app takes before the corpus (a read, or a delete of what does not exist), to be replayed in it.</summary>
    private sealed record Original(string Label, HttpMethod Method, string Path, IReadOnlyDictionary<string, string>? Headers, string? Form);

    private static HttpContent Form(string form) => new ByteArrayContent(Encoding.UTF8.GetBytes(form)) { Headers = { ContentType = new MediaTypeHeaderValue(FormType) } };

    /// <summary>A valid call's parameters in VOD's encodings: lists comma-separated, numbers and booleans as text, objects as JSON.</summary>
    private static Dictionary<string, string> VodParameters(World w, string op) => Valid(w, op)
        .Where(p => p.Key != "Action" && p.Value is not null)
        .ToDictionary(p => p.Key, p => p.Value switch
        {
            string text => text,
            bool flag => flag ? "true" : "false",
            string[] list => string.Join(",", list),
            _ => JsonSerializer.Serialize(p.Value),
        });

    private static string Query(IEnumerable<KeyValuePair<string, string>> parameters) => "?" + Signer.Canonical(parameters);

    /// <summary>A V1 request: the parameters in the query (GET) or the form body (POST), signed, then changed by <paramref name="breakIt"/>.</summary>
    private static Request V1(string label, string op, Dictionary<string, string> parameters, string id, string secret, DateTimeOffset time,
        bool post = false, Action<SortedDictionary<string, string>>? beforeSigning = null, Action<SortedDictionary<string, string>>? breakIt = null, string? signAs = null)
    {
        var all = Signer.V1(op, parameters, id, time);
        beforeSigning?.Invoke(all);
        all["Signature"] = Signer.SignV1(signAs ?? (post ? "POST" : "GET"), all, secret);
        breakIt?.Invoke(all);
        return post
            ? new Request($"/ V1 {label} ({op})", HttpMethod.Post, "", null, null, Form: Signer.Canonical(all))
            : new Request($"/ V1 {label} ({op})", HttpMethod.Get, Query(all), null, null);
    }

    /// <summary>A V3 POST: the parameters in the query, signed, then changed by <paramref name="breakIt"/> (headers, query, body).</summary>
    private static Request V3(string label, string op, Dictionary<string, string> parameters, string host, string id, string secret, DateTimeOffset time,
        Func<IEnumerable<string>, IEnumerable<string>>? signed = null, Action<Dictionary<string, string>, Dictionary<string, string>>? breakIt = null, string? form = null)
    {
        var query = new Dictionary<string, string>(parameters);
        var headers = Signer.V3("POST", op, query, form is null ? NoBody : Encoding.UTF8.GetBytes(form), null, host, id, secret, time, signed);
        breakIt?.Invoke(headers, query);
        return new Request($"/ V3 {label} ({op})", HttpMethod.Post, Query(query), null, null, Headers: headers, Form: form);
    }

    private static async Task<List<Original>> SignedOriginalsAsync(Part part, World w)
    {
        var host = part.Api.Base.Authority;
        var now = DateTimeOffset.UtcNow;
        var originals = new List<Original>();
        var missing = new string('d', 32);
        (string Op, Dictionary<string, string> Parameters)[] calls =
        [
            ("GetVideoInfo", new() { ["VideoId"] = w.Video.Id }), ("GetPlayInfo", new() { ["VideoId"] = w.Video.Id }),
            ("SearchMedia", new() { ["SearchType"] = "video" }), ("GetImageInfo", new() { ["ImageId"] = w.Video.Images[0].Id }),
            ("DeleteVideo", new() { ["VideoIds"] = missing }), ("DeleteStream", new() { ["VideoId"] = missing, ["JobIds"] = missing }),
            ("DeleteAttachedMedia", new() { ["MediaIds"] = missing }), ("ListMediaPolicies", new()),
        ];
        foreach (var (op, parameters) in calls)
        {
            var v1Get = V1("original", op, parameters, AppUnderTest.AdminId, AppUnderTest.AdminKey, now);
            var v1Post = V1("original", op, parameters, AppUnderTest.FullId(0), AppUnderTest.FullKey(0), now, post: true);
            var v3 = V3("original", op, parameters, host, AppUnderTest.AdminId, AppUnderTest.AdminKey, now);
            var v3Form = V3("original with a form", op, [], host, AppUnderTest.FullId(0), AppUnderTest.FullKey(0), now, form: Signer.Canonical(parameters));
            var v1ReadOnly = V1("original", op, parameters, AppUnderTest.ReadOnlyId, AppUnderTest.ReadOnlyKey, now);
            foreach (var request in new[] { v1Get, v1Post, v3, v3Form, v1ReadOnly })
            {
                var content = request.Form is null ? null : Form(request.Form);
                var answer = await part.Api.SendAsync(request.Method, request.Path, content, null, "corpus original", headers: request.Headers);
                if (answer.Status is not (200 or 403 or 404))
                    part.Violations.Add(Violations.OffContract, $"{request.Label} {request.Path}", $"a valid signed request answered {answer}");
                originals.Add(new Original(request.Label.Replace("original", "replayed"), request.Method, request.Path, request.Headers, request.Form));
            }
        }
        return originals;
    }

    private static IEnumerable<Request> Signed(World w, string host, IReadOnlyList<Original> originals)
    {
        var now = DateTimeOffset.UtcNow;
        var (admin, adminId) = (AppUnderTest.AdminKey, AppUnderTest.AdminId);
        var writes = Operations.Where(op => !IsRead(op)).ToList();

        // Replayed: every original twice (its nonce is used), as the same bytes.
        foreach (var original in originals.Concat(originals))
            yield return new Request(original.Label, original.Method, original.Path, null, null, Headers: original.Headers, Form: original.Form);

        foreach (var op in writes)
        {
            var p = VodParameters(w, op);
            var first = p.Keys.First();

            // Forged, V1: another secret or key, or signed and then changed.
            yield return V1("wrong secret", op, p, adminId, admin + "x", now);
            yield return V1("wrong secret by POST", op, p, adminId, "x", now, post: true);
            yield return V1("unknown AccessKeyId", op, p, "LTAIsoaknosuchkey", admin, now);
            yield return V1("another key's Id", op, p, AppUnderTest.FullId(1), admin, now);
            yield return V1("the ReadOnly key's Id", op, p, AppUnderTest.ReadOnlyId, admin, now);
            yield return V1("a parameter changed after signing", op, p, adminId, admin, now, breakIt: all => all[first] += "0");
            yield return V1("a parameter added after signing", op, p, adminId, admin, now, breakIt: all => all["DryRun"] = "false");
            yield return V1("the Action changed after signing", op, p, adminId, admin, now, breakIt: all => all["Action"] = op == "DeleteVideo" ? "DeleteMezzanines" : "DeleteVideo");
            yield return V1("signed as GET, sent as POST", op, p, adminId, admin, now, post: true, signAs: "GET");
            yield return V1("a truncated signature", op, p, adminId, admin, now, breakIt: all => all["Signature"] = all["Signature"][..^2]);
            yield return V1("a signature in lower case", op, p, adminId, admin, now, breakIt: all => all["Signature"] = all["Signature"].ToLowerInvariant());
            yield return V1("an empty signature", op, p, adminId, admin, now, breakIt: all => all["Signature"] = "");
            yield return V1("a timestamp changed after signing", op, p, adminId, admin, now, breakIt: all => all["Timestamp"] = Signer.Timestamp(now.AddSeconds(1)));
            yield return V1("a nonce changed after signing", op, p, adminId, admin, now, breakIt: all => all["SignatureNonce"] += "x");

            // Forged, V3.
            yield return V3("wrong secret", op, p, host, adminId, admin + "x", now);
            yield return V3("unknown Credential", op, p, host, "LTAIsoaknosuchkey", admin, now);
            yield return V3("another key's Id", op, p, host, AppUnderTest.FullId(1), admin, now);
            yield return V3("a query changed after signing", op, p, host, adminId, admin, now, breakIt: (_, q) => q[first] += "0");
            yield return V3("the action header changed after signing", op, p, host, adminId, admin, now, breakIt: (h, _) => h["x-acs-action"] = op == "DeleteVideo" ? "DeleteMezzanines" : "DeleteVideo");
            yield return V3("the date changed after signing", op, p, host, adminId, admin, now, breakIt: (h, _) => h["x-acs-date"] = Signer.Timestamp(now.AddSeconds(1)));
            yield return V3("the nonce changed after signing", op, p, host, adminId, admin, now, breakIt: (h, _) => h["x-acs-signature-nonce"] += "x");
            yield return V3("a body added after signing", op, p, host, adminId, admin, now, breakIt: (_, q) => q.Clear(), form: null) with { Form = Signer.Canonical(p) };
            yield return V3("a body changed after signing", op, [], host, adminId, admin, now, form: Signer.Canonical(p)) with { Form = Signer.Canonical(p) + "0" };
            yield return V3("an unsigned x-acs header", op, p, host, adminId, admin, now, breakIt: (h, _) => h["x-acs-extra"] = "1");
            yield return V3("a truncated signature", op, p, host, adminId, admin, now, breakIt: (h, _) => h["Authorization"] = h["Authorization"][..^2]);
            yield return V3("the host changed after signing", op, p, host, adminId, admin, now, breakIt: (h, _) => h["host"] = "vod.cn-shanghai.aliyuncs.com");

            // Stale: a timestamp more than 15 minutes from the app's clock, both ways.
            foreach (var (skew, label) in new[] { (TimeSpan.FromMinutes(-16), "16 minutes old"), (TimeSpan.FromMinutes(16), "16 minutes ahead"), (TimeSpan.FromDays(-1), "a day old"), (TimeSpan.FromDays(365), "a year ahead") })
            {
                yield return V1($"signed {label}", op, p, adminId, admin, now + skew);
                yield return V1($"signed {label} by POST", op, p, adminId, admin, now + skew, post: true);
                yield return V3($"signed {label}", op, p, host, adminId, admin, now + skew);
            }
            yield return V1("signed in 1970", op, p, adminId, admin, DateTimeOffset.UnixEpoch);
            yield return V3("signed in 1970", op, p, host, adminId, admin, DateTimeOffset.UnixEpoch);

            // Malformed: a V1 signature piece missing, or a V3 header missing or unsigned.
            foreach (var piece in new[] { "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Action", "Version" })
                yield return V1($"without {piece}", op, p, adminId, admin, now, breakIt: all => all.Remove(piece));
            foreach (var header in new[] { "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256" })
            {
                yield return V3($"without {header}", op, p, host, adminId, admin, now, breakIt: (h, _) => h.Remove(header));
                yield return V3($"with {header} unsigned", op, p, host, adminId, admin, now, signed: names => names.Where(n => n != header));
            }
        }

        // Malformed: timestamps, signature methods and versions, Authorization headers, actions, versions, formats, bodies.
        var video = new Dictionary<string, string> { ["VideoIds"] = w.Video.Id };
        foreach (var stamp in new[] { "2026-12-06 04:00:00", Signer.Timestamp(now).Replace("Z", "+08:00"), "1733450000", "2026-13-45T99:99:99Z", "now", Signer.Timestamp(now).TrimEnd('Z'), "0000-00-00T00:00:00Z" })
        {
            yield return V1($"with Timestamp '{stamp}'", "DeleteVideo", video, adminId, admin, now, beforeSigning: all => all["Timestamp"] = stamp);
            yield return V3($"with x-acs-date '{stamp}'", "DeleteVideo", video, host, adminId, admin, now, breakIt: (h, _) => h["x-acs-date"] = stamp);
        }
        foreach (var (name, value) in new[] { ("SignatureMethod", "HMAC-SHA256"), ("SignatureMethod", "hmac-sha1"), ("SignatureMethod", "RSA"), ("SignatureVersion", "2.0"), ("SignatureVersion", "1") })
        {
            yield return V1($"with {name} {value}", "DeleteVideo", video, adminId, admin, now, beforeSigning: all => all[name] = value);
            yield return V1($"with {name} {value}", "CreateUploadVideo", VodParameters(w, "CreateUploadVideo"), adminId, admin, now, beforeSigning: all => all[name] = value);
        }
        string[] authorizations =
        [
            "ACS3-HMAC-SHA256", "ACS3-HMAC-SHA256 ", $"ACS3-HMAC-SHA256 Credential={adminId}", "Bearer soak", "Basic c29hazpzb2Fr",
            $"ACS3-HMAC-SHA256 Credential={adminId},SignedHeaders=,Signature=", $"ACS3-HMAC-SHA256 Credential={adminId},SignedHeaders=X-ACS-DATE,Signature=00",
            $"acs3-hmac-sha256 Credential={adminId},SignedHeaders=x-acs-date,Signature=00", $"ACS3-HMAC-SM3 Credential={adminId},SignedHeaders=x-acs-date,Signature=00",
            $"ACS3-RSA-SHA256 Credential={adminId},SignedHeaders=x-acs-date,Signature=00", $"ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=00",
            $"ACS3-HMAC-SHA256 Credential={adminId},,,SignedHeaders=;;;,Signature=zz", $"ACS3-HMAC-SHA256 Credential={adminId},SignedHeaders=x-acs-date;x-acs-date,Signature=" + new string('0', 64),
        ];
        foreach (var (authorization, i) in authorizations.Select((a, i) => (a, i)))
            foreach (var op in new[] { "DeleteVideo", "DeleteMezzanines" })
                yield return V3($"with a malformed Authorization #{i}", op, VodParameters(w, op), host, adminId, admin, now, breakIt: (h, _) => h["Authorization"] = authorization);
        foreach (var action in new[] { "Nope", "deletevideo", "DeleteVideos", "health", "console", "openapi", "reference", "UnknownRoute", "Root", "SubmitTranscodeJobs", "" })
        {
            yield return V1($"with Action '{action}'", action, video, adminId, admin, now);
            yield return V3($"with x-acs-action '{action}'", action, video, host, adminId, admin, now);
        }
        foreach (var (name, value) in new[] { ("Version", "2014-05-26"), ("Version", "2017-3-21"), ("Format", "XML"), ("Format", "xml"), ("Format", "JSONP") })
        {
            yield return V1($"with {name} {value}", "DeleteVideo", video, adminId, admin, now, beforeSigning: all => all[name] = value);
            yield return V1($"with {name} {value} by POST", "DeleteVideo", video, adminId, admin, now, post: true, beforeSigning: all => all[name] = value);
        }
        foreach (var op in writes)
        {
            var p = VodParameters(w, op);
            var query = V1("with a JSON body", op, p, adminId, admin, now);
            yield return query with { Method = HttpMethod.Post, Body = Valid(w, op) };
            var first = p.Keys.First();
            var signed = V1("with a parameter in query and form that differ", op, p, adminId, admin, now);
            yield return signed with { Method = HttpMethod.Post, Form = $"{Signer.Encode(first)}=other" };
            yield return V1("with a repeat list and a value that differ", op, p, adminId, admin, now, beforeSigning: all => all[first + ".1"] = "other");
        }
    }
}
