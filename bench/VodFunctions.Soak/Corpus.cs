using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;

namespace VodFunctions.Soak;

/// <summary>
/// A generated corpus of malformed and malicious requests across every operation: each must answer 4xx with the
/// contract's JSON error body (or, where the contract lists refused IDs in a 200 answer, list them), never 5xx, and
/// change nothing: the blobs, the catalog's table rows (with their ETags) and the events queue are compared before and after.
/// </summary>
public static partial class CorpusPart
{
    /// <summary>
    /// One request; <paramref name="Listed"/> names the answer field that may list what was refused in a 200 answer. A signed VOD
    /// request at <c>/</c> has its <paramref name="Headers"/> (V3) and may have a <paramref name="Form"/> body.
    /// </summary>
    private sealed record Request(
        string Label, HttpMethod Method, string Path, object? Body, string? Key, string? Listed = null,
        IReadOnlyDictionary<string, string>? Headers = null, string? Form = null);

    public static async Task<List<string>> RunAsync(Part part)
    {
        var random = new Random(part.Options.Seed + 4);
        var seeder = part.Seeder;
        Log.Status("corpus: seeding ...");
        var video = await seeder.VideoAsync(random, 0, "corpus video", 40, 2, 8);
        var od = await seeder.VideoAsync(random, 0, "corpus od", 20, 1, 4, "NoTranscode");
        var other = await seeder.VideoAsync(random, 1, "corpus other", 20, 1, 4);
        var upload = await seeder.MultipartAsync(random, 0, "corpus upload", 10);
        var image = await seeder.FileAsync("image", 0, "corpus image");
        var attached = await seeder.FileAsync("attached", 0, "corpus attached");
        var otherAttached = await seeder.FileAsync("attached", 1, "corpus other attached");
        var policy = await part.Api.CallAsync("SetMediaPolicy", new { Name = "corpus policy", Action = "DeleteVideo", MinAge = "P3650D", AppId = AppUnderTest.Apps[1], Enabled = false });
        var world = new World(seeder, video, od, other, upload, image, attached, otherAttached, policy.Str("PolicyId"));
        var originals = await SignedOriginalsAsync(part, world);
        await part.Events.DrainAsync();

        var before = await SnapshotAsync(part);
        var signed = Signed(world, part.Api.Base.Authority, originals).ToList();
        var corpus = Generate(world).Concat(signed).ToList();
        Log.Line($"{corpus.Count} requests over {corpus.Select(r => r.Label.Split(' ')[0]).Distinct().Count()} operations and paths, {signed.Count} of them signed VOD requests at /");
        var statuses = new ConcurrentDictionary<int, int>();
        var done = 0;
        await Parallel.ForEachAsync(corpus.Select((r, i) => (r, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (entry, _) =>
        {
            var (request, index) = entry;
            var content = request.Form is null ? Api.Json(request.Body) : Form(request.Form);
            var answer = await part.Api.SendAsync(request.Method, request.Path, content, request.Key, "corpus", headers: request.Headers);
            statuses.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
            Judge(part.Violations, request, index, answer);
            if (Interlocked.Increment(ref done) % 50 == 0) Log.Status($"corpus {Log.Bar(done, corpus.Count)}");
        });

        var after = await SnapshotAsync(part);
        foreach (var gone in before.Except(after)) part.Violations.Add(Violations.Changed, gone, "changed or gone after the corpus");
        foreach (var added in after.Except(before)) part.Violations.Add(Violations.Changed, added, "new or changed after the corpus");
        await part.Events.DrainAsync();
        if (part.Events.Count > 0) part.Violations.Add(Violations.Changed, "events", $"{part.Events.Count} events on the queue after the corpus");
        await part.CheckAsync(part.Catalog.Videos, part.Catalog.Files, Checks.TrialImages);
        var codes = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "none" : s.Key)}: {s.Value}"));
        Log.Line($"statuses {codes}");
        return [$"{corpus.Count} bad requests ({signed.Count} signed at /): {codes}"];
    }

    private static void Judge(Violations violations, Request request, int index, Answer answer)
    {
        var item = $"#{index} {request.Method} /{(request.Path.Length > 90 ? request.Path[..90] + "..." : request.Path)} ({request.Label})";
        if (answer.Status is >= 200 and < 300)
        {
            if (request.Listed is null || !answer.Items(request.Listed).Any()) violations.Add(Violations.Accepted, item, $"answered {answer}");
            return;
        }
        var json = answer.Json;
        var contract = json.ValueKind == JsonValueKind.Object
            && json.TryGetProperty("RequestId", out var id) && Guid.TryParse(id.GetString(), out _) && answer.HeaderRequestId == id.GetString()
            && json.TryGetProperty("Code", out var code) && code.GetString() is { Length: > 0 }
            && json.TryGetProperty("Message", out var message) && message.ValueKind == JsonValueKind.String;
        if (answer.Status is >= 400 and < 500 && !contract) violations.Add(Violations.OffContract, item, $"answered {answer.Status} with body '{answer.Text}'");
        if (answer.Status == 0) violations.Add(Violations.OffContract, item, $"no answer: {answer.Text}");
    }

    /// <summary>Every blob (name, ETag; uncommitted ones too) and every row of the part's tables (with its ETag).</summary>
    private static async Task<HashSet<string>> SnapshotAsync(Part part)
    {
        var state = new HashSet<string>();
        await foreach (var blob in part.Container.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }))
            state.Add($"blob {blob.Name} {blob.Properties.ETag}");
        var tables = new TableServiceClient(part.Azurite.ConnectionString);
        var prefix = part.App.TablePrefix;
        await foreach (var table in tables.QueryAsync($"TableName ge '{prefix}' and TableName lt '{prefix}~'"))
            await foreach (var row in tables.GetTableClient(table.Name).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
                state.Add($"row {table.Name} {row.PartitionKey} / {row.RowKey} {row.ETag}");
        return state;
    }

    private sealed record World(Seeder Seeder, Video Video, Video Od, Video Other, Video Upload, FileMedia Image, FileMedia Attached, FileMedia OtherAttached, string PolicyId);

    private static readonly string[] Operations =
    [
        "CreateUploadVideo", "CreateUploadImage", "CreateUploadAttachedMedia", "CompleteUpload", "RegisterMediaFiles", "GetVideoInfo", "GetPlayInfo",
        "GetMezzanineInfo", "GetImageInfo", "ListSnapshots", "GetAttachedMediaInfo", "SearchMedia", "GetThumbnail", "DeleteVideo", "DeleteStream",
        "DeleteMezzanines", "DeleteImage", "DeleteAttachedMedia", "DeleteMultipartUpload", "SetMediaPolicy", "ListMediaPolicies", "DeleteMediaPolicy",
        "PreviewMediaPolicy", "ListMediaPolicyRuns", "GetReconcileReport", "ListFunctionRuns",
    ];

    private static bool IsRead(string op) => op.StartsWith("Get") || op.StartsWith("List") || op.StartsWith("Search") || op.StartsWith("Preview");

    /// <summary>A valid call of each operation on the first application's media: the corpus breaks one thing of it at a time.</summary>
    private static Dictionary<string, object?> Valid(World w, string op)
    {
        var v = w.Video;
        return op switch
        {
            "CreateUploadVideo" => new() { ["Title"] = "corpus", ["FileName"] = "a.mp4", ["AppId"] = AppUnderTest.Apps[0] },
            "CreateUploadImage" => new() { ["ImageType"] = "default", ["FileName"] = "a.png", ["AppId"] = AppUnderTest.Apps[0] },
            "CreateUploadAttachedMedia" => new() { ["BusinessType"] = "watermark", ["FileName"] = "a.png", ["AppId"] = AppUnderTest.Apps[0] },
            "CompleteUpload" => new() { ["MediaId"] = v.Id },
            "RegisterMediaFiles" => new() { ["VideoId"] = v.Id, ["Streams"] = new[] { new { Definition = "HD", Format = "m3u8", FileURL = w.Seeder.Url(v.Streams[0].Blobs[0].Name) } } },
            "GetVideoInfo" or "GetPlayInfo" or "GetMezzanineInfo" or "ListSnapshots" => new() { ["VideoId"] = v.Id },
            "GetImageInfo" => new() { ["ImageId"] = v.Images[0].Id },
            "GetAttachedMediaInfo" or "DeleteAttachedMedia" => new() { ["MediaIds"] = new[] { w.Attached.Id } },
            "SearchMedia" => new() { ["SearchType"] = "video", ["AppId"] = AppUnderTest.Apps[0] },
            "GetThumbnail" => new() { ["MediaId"] = v.Id },
            "DeleteVideo" => new() { ["VideoIds"] = new[] { v.Id } },
            "DeleteStream" => new() { ["VideoId"] = v.Id, ["JobIds"] = new[] { v.Streams[0].JobId } },
            "DeleteMezzanines" => new() { ["VideoIds"] = new[] { w.Od.Id }, ["Force"] = true },
            "DeleteImage" => new() { ["DeleteImageType"] = "ImageId", ["ImageIds"] = new[] { v.Images[0].Id } },
            "DeleteMultipartUpload" => new() { ["MediaId"] = w.Upload.Id, ["MediaType"] = "video" },
            "SetMediaPolicy" => new() { ["Name"] = "corpus", ["Action"] = "DeleteVideo", ["MinAge"] = "P90D", ["AppId"] = AppUnderTest.Apps[0] },
            "DeleteMediaPolicy" or "PreviewMediaPolicy" => new() { ["PolicyId"] = w.PolicyId },
            "ListFunctionRuns" => new() { ["FunctionName"] = "ReconcileStorage" },
            "ListMediaPolicyRuns" => new() { ["PageSize"] = 10 },
            _ => [],
        };
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value);

    private static IEnumerable<Request> Generate(World w)
    {
        const string admin = AppUnderTest.AdminKey;
        var full = AppUnderTest.FullKey(0);
        var otherKey = AppUnderTest.FullKey(1);
        Request Post(string label, string op, object? body, string? key = admin, string? query = null, string? listed = null) =>
            new($"{op} {label}", HttpMethod.Post, $"api/{op}{(query is null ? "" : "?" + query)}", body is string s ? s : body is null ? null : Json(body), key, listed);
        Dictionary<string, object?> With(string op, string name, object? value)
        {
            var body = Valid(w, op);
            body[name] = value;
            return body;
        }
        var writes = Operations.Where(op => !IsRead(op)).ToList();

        // Keys: none, unknown, in the query, a read-only key on every change, another application's Full key on this one's media.
        foreach (var op in Operations)
        {
            var valid = Valid(w, op);
            yield return Post("without a key", op, valid, key: null);
            yield return Post("with an unknown key", op, valid, key: "soak-unknown-key");
            yield return Post("with an unknown key in code", op, valid, key: null, query: "code=soak-unknown-key");
            yield return Post("with an empty key", op, valid, key: "");
            yield return Post("with a key's prefix", op, valid, key: full[..^1]);
        }
        foreach (var op in writes) yield return Post("with a ReadOnly key", op, Valid(w, op), key: AppUnderTest.ReadOnlyKey);
        foreach (var op in Operations.Where(op => op is not ("ListMediaPolicies" or "ListMediaPolicyRuns" or "GetReconcileReport" or "ListFunctionRuns" or "DeleteMediaPolicy" or "PreviewMediaPolicy")))
            yield return Post("with another application's Full key", op, Valid(w, op), key: otherKey,
                listed: op switch { "DeleteVideo" => "ForbiddenVideoIds", "DeleteMezzanines" => "UnRemoveableVideoIds", _ => null });
        foreach (var op in new[] { "DeleteMediaPolicy", "PreviewMediaPolicy" })
            yield return Post("of another application's policy", op, new { w.PolicyId }, key: full);
        yield return Post("of another application's policy", "SetMediaPolicy", new { w.PolicyId, Name = "taken", Action = "DeleteVideo", MinAge = "P1D", AppId = AppUnderTest.Apps[0] }, key: full);
        yield return Post("without AppId by a Full key", "SetMediaPolicy", new { Name = "x", Action = "DeleteVideo", MinAge = "P1D" }, key: full);
        yield return Post("of the other application's video", "DeleteImage", new { DeleteImageType = "VideoId", VideoId = w.Other.Id, ImageType = "All" }, key: full);
        yield return Post("of the other application's image", "DeleteImage", new { DeleteImageType = "ImageId", ImageIds = new[] { w.Other.Images[0].Id } }, key: full);
        yield return Post("of the other application's image URL", "DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = new[] { w.Seeder.Url(w.Other.Images[0].Blob.Name) } }, key: full);
        yield return Post("of the other application's media", "DeleteAttachedMedia", new { MediaIds = new[] { w.OtherAttached.Id } }, key: full);
        yield return Post("of the other application's streams", "DeleteStream", new { VideoId = w.Other.Id, JobIds = new[] { w.Other.Streams[0].JobId } }, key: full);

        // Bodies that are not a JSON object, or not JSON at all, in every operation.
        string[] bodies =
        [
            "{", "}", "[]", "[{}]", "\"text\"", "42", "true", "null", "{\"a\":}", "{'VideoIds':'x'}", "{\"VideoIds\": [1,]}", "{\"a\": 1} trailing",
            "{\"a\": NaN}", "/* comment */ {}", "\u00ef\u00bb\u00bf{}", new string('[', 5000) + new string(']', 5000), "{\"a\": \"\\ud800\"}",
        ];
        foreach (var op in Operations)
            foreach (var (body, i) in bodies.Select((b, i) => (b, i)))
                yield return Post($"with bad JSON #{i}", op, body);
        foreach (var op in Operations)
        {
            yield return new Request($"{op} with invalid UTF-8", HttpMethod.Post, $"api/{op}", new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D }, admin);
            yield return Post("with a body over 1 MiB", op, Json(With(op, "Padding", new string('a', 1_100_000))));
            yield return Post("with a form-encoded body", op, "VideoIds=" + w.Video.Id + "&MediaId=" + w.Video.Id);
            // The same parameter twice with different values: in the body and the query, in two spellings, twice in the query.
            var (name, value) = Valid(w, op).Select(p => (p.Key, p.Value)).FirstOrDefault(("Unknown", "x"));
            yield return Post("with a parameter in body and query", op, With(op, name, value), query: $"{name}=something-else");
            var twice = Json(With(op, name, value)).TrimEnd('}') + $",\"{name.ToLowerInvariant()}\":\"something-else\"}}";
            yield return Post("with a parameter twice in the body", op, twice);
            yield return Post("with a parameter twice in the query", op, null, query: $"{name}={Uri.EscapeDataString(Json(value).Trim('"'))}&{name}=something-else");
        }

        // Wrong types and empty values for each parameter.
        object?[] wrong = [new { ne = (string?)null }, new[] { new[] { "x" } }, new Dictionary<string, object> { ["$ne"] = 1 }];
        foreach (var op in Operations)
        {
            foreach (var name in Valid(w, op).Keys)
            {
                foreach (var (value, i) in wrong.Select((v, i) => (v, i))) yield return Post($"with {name} of a wrong type #{i}", op, With(op, name, value));
                // Optional parameters (with a default) are left out of the empty and missing cases.
                if (name is "PageSize" or "Force" || op == "SearchMedia" || op == "SetMediaPolicy" && name is "AppId" or "Name" || op.StartsWith("CreateUpload") && name == "AppId") continue;
                {
                    yield return Post($"with {name} empty", op, With(op, name, ""));
                    yield return Post($"with {name} blank", op, With(op, name, "  \t "));
                    var without = Valid(w, op);
                    without.Remove(name);
                    yield return Post($"without {name}", op, without);
                }
            }
        }
        foreach (var op in new[] { "DeleteVideo", "DeleteStream", "DeleteMezzanines", "DeleteImage", "DeleteAttachedMedia", "DeleteMultipartUpload" })
        {
            yield return Post("with DryRun maybe", op, With(op, "DryRun", "maybe"));
            yield return Post("with DryRun 2", op, With(op, "DryRun", 2));
        }
        foreach (var (op, size) in new[] { ("SearchMedia", "0"), ("SearchMedia", "101"), ("SearchMedia", "-1"), ("SearchMedia", "1e10"), ("SearchMedia", "ten"), ("ListMediaPolicyRuns", "1000"), ("ListMediaPolicyRuns", "2.5") })
            yield return Post($"with PageSize {size}", op, $"{{\"SearchType\":\"video\",\"PageSize\":{(double.TryParse(size, out _) ? size : $"\"{size}\"")}}}");
        foreach (var token in new[] { "%%%", "not-a-token", Convert.ToBase64String(Encoding.UTF8.GetBytes("' or 1 eq 1")), new string('A', 5000) })
            yield return Post("with a bad PageToken", "SearchMedia", new { SearchType = "video", PageToken = token });
        foreach (var type in new[] { "videos", "../video", "VIDEO", "*", "image,video" })
            yield return Post("with a bad SearchType", "SearchMedia", new { SearchType = type });
        yield return Post("of another application", "SearchMedia", new { SearchType = "video", AppId = AppUnderTest.Apps[1] }, key: full);

        // Strings that are not media IDs, in every ID-taking parameter: never looked up, reported as missing.
        var id = w.Video.Id;
        string[] ids =
        [
            "../" + id, id + "/..", id.ToUpperInvariant(), id[..31], id + "0", "*", "%", "' or PartitionKey ne ''", "PartitionKey eq '" + id + "'",
            w.Video.Folder, "videos", "\\", "null", "g" + id[1..], "0x" + id[2..], "\u0430" + id[1..], id + "%00", id + "\u0000", "%2e%2e%2f" + id,
            "..%2F..%2F" + id, new string('f', 33), new string('0', 32) + " ",
        ];
        (string Op, string Name, bool List, string? Listed)[] targets =
        [
            ("GetVideoInfo", "VideoId", false, null), ("GetPlayInfo", "VideoId", false, null), ("GetMezzanineInfo", "VideoId", false, null),
            ("ListSnapshots", "VideoId", false, null), ("GetImageInfo", "ImageId", false, null), ("GetAttachedMediaInfo", "MediaIds", true, "NonExistMediaIds"),
            ("GetThumbnail", "MediaId", false, null), ("CompleteUpload", "MediaId", false, null), ("RegisterMediaFiles", "VideoId", false, null),
            ("DeleteVideo", "VideoIds", true, null), ("DeleteStream", "VideoId", false, null), ("DeleteStream", "JobIds", true, null),
            ("DeleteMezzanines", "VideoIds", true, "NonExistVideoIds"), ("DeleteImage", "ImageIds", true, null), ("DeleteAttachedMedia", "MediaIds", true, "NonExistMediaIds"),
            ("DeleteMultipartUpload", "MediaId", false, null), ("DeleteMediaPolicy", "PolicyId", false, null), ("PreviewMediaPolicy", "PolicyId", false, null),
        ];
        foreach (var bad in ids)
            foreach (var (op, name, list, listed) in targets)
                yield return Post($"with {name} not an ID", op, With(op, name, list ? new[] { bad } : bad), listed: listed);
        foreach (var bad in ids.Take(8))
            yield return Post("with VideoId not an ID", "DeleteImage", new { DeleteImageType = "VideoId", VideoId = bad, ImageType = "All" });

        // Lists over the limit.
        foreach (var (op, name) in new[] { ("DeleteVideo", "VideoIds"), ("DeleteMezzanines", "VideoIds"), ("DeleteStream", "JobIds"), ("DeleteImage", "ImageIds"), ("DeleteAttachedMedia", "MediaIds"), ("GetAttachedMediaInfo", "MediaIds") })
        {
            var many = Enumerable.Range(0, 21).Select(i => $"{i:x32}").ToArray();
            yield return Post("with 21 items", op, With(op, name, many));
            yield return Post("with 21 items in one string", op, With(op, name, string.Join(",", many)));
            yield return Post("with 20,000 items", op, With(op, name, Enumerable.Range(0, 20_000).Select(i => $"{i:x32}").ToArray()));
            yield return Post("with numbers for items", op, With(op, name, new[] { 1, 2 }));
        }
        yield return Post("with 21 image URLs", "DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = Enumerable.Range(0, 21).Select(i => w.Seeder.Url($"videos/{id}/snapshots/CoverSnapshot/{i:D4}.jpg")).ToArray() });

        // DeleteImage: modes and image types that do not exist or leave the snapshots folder; URLs that spell something other than a catalog image.
        foreach (var mode in new[] { "Bogus", "imageid", "Image Id", "VideoId,ImageId", "../ImageId" })
            yield return Post($"with DeleteImageType {mode}", "DeleteImage", new { DeleteImageType = mode, ImageIds = new[] { w.Video.Images[0].Id } });
        foreach (var type in new[] { "../mezzanine", "CoverSnapshot/..", "All/..", "*", "cover", "default", "Streams", "CoverSnapshot/../../mezzanine", "all", "Cover%2FSnapshot" })
            yield return Post($"with ImageType {type}", "DeleteImage", new { DeleteImageType = "VideoId", VideoId = id, ImageType = type });
        var root = w.Seeder.ContainerUrl;
        var folder = $"{root}/{w.Video.Folder}";
        var snapshot = w.Seeder.Url(w.Video.Images[0].Blob.Name);
        string[] urls =
        [
            $"{folder}snapshots/CoverSnapshot/../../mezzanine/source.mp4", $"{folder}snapshots/CoverSnapshot/%2e%2e/%2e%2e/mezzanine/source.mp4",
            $"{folder}snapshots/CoverSnapshot/%252e%252e/%252e%252e/mezzanine/source.mp4", $"{folder}snapshots\\CoverSnapshot\\0000.jpg",
            $"{folder}snapshots/CoverSnapshot%2F0000.jpg", $"{folder}snapshots//CoverSnapshot/0000.jpg", $"{folder}snapshots/", folder,
            $"{folder}mezzanine/source.mp4", $"{folder}streams/{w.Video.Streams[0].JobId}/index.m3u8", $"{root}/{w.Other.Folder}mezzanine/source.mp4",
            $"{root}/images/{w.Image.Id}/", $"{root}/attached/{w.Attached.Id}/mark.png", snapshot.Replace("soak-corpus", "another-container"),
            snapshot.Replace("devstoreaccount1", "devstoreaccount2"), snapshot.Replace("http://", "ftp://"), snapshot.Replace("http://127.0.0.1", "http://127.0.0.2"),
            snapshot + "/extra", snapshot + "%00", snapshot.Replace(".jpg", ".JPG"), "file:///etc/passwd", "javascript:alert(1)", "//127.0.0.1/" + w.Video.Folder,
            w.Video.Images[0].Blob.Name, Uri.EscapeDataString(Uri.EscapeDataString(snapshot)), "http://" + new string('a', 3000) + ".example/x.jpg", "%", "http://[::1",
        ];
        foreach (var url in urls)
        {
            yield return Post("with a URL that is no catalog image", "DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = new[] { url } });
            if (url.EndsWith("index.m3u8")) continue; // the stream's own playlist: registering it again changes nothing and succeeds
            yield return Post("with a stream FileURL not its own", "RegisterMediaFiles", new { VideoId = id, Streams = new[] { new { Definition = "HD", Format = "m3u8", FileURL = url } } });
            yield return Post("with an image FileURL not its own", "RegisterMediaFiles", new { VideoId = id, Images = new[] { new { ImageType = "CoverSnapshot", FileURL = url } } });
        }

        // Ingest: names, titles, applications, modes and registrations the contract refuses.
        var playlist = w.Seeder.Url(w.Video.Streams[0].Blobs[0].Name);
        var elsewhere = w.Seeder.Url($"{w.Video.Folder}streams/{new string('b', 32)}/index.m3u8");
        object[] uploads =
        [
            new { Title = new string('t', 129), FileName = "a.mp4" }, new { Title = "bell\u0007", FileName = "a.mp4" }, new { Title = "x", FileName = "../a.mp4" },
            new { Title = "x", FileName = "a/b.mp4" }, new { Title = "x", FileName = "a\\b.mp4" }, new { Title = "x", FileName = new string('f', 256) },
            new { Title = "x", FileName = ".." }, new { Title = "x", FileName = "a.mp4", AppId = "app 1" }, new { Title = "x", FileName = "a.mp4", AppId = "../app-1000000" },
            new { Title = "x", FileName = "a.mp4", AppId = new string('a', 65) }, new { Title = "x", FileName = "a.mp4", TranscodeMode = "Fast" },
            new { Title = "x", FileName = "a.mp4", StorageLocation = "nowhere" }, new { Title = "x", FileName = "a.mp4", StorageLocation = "../default" },
            new { Title = "x", FileName = "a.mp4", CateId = new string('1', 65) }, new { Title = "x", FileName = "a.mp4", AppId = AppUnderTest.Apps[1] },
        ];
        foreach (var (body, i) in uploads.Select((b, i) => (b, i))) yield return Post($"refused #{i}", "CreateUploadVideo", body, key: i == uploads.Length - 1 ? full : admin);
        foreach (var type in new[] { "CoverSnapshot", "All", "png", "" }) yield return Post($"with ImageType {type}", "CreateUploadImage", new { ImageType = type, FileName = "a.png" });
        foreach (var type in new[] { "virus", "Watermark ", "WATERMARK", "" }) yield return Post($"with BusinessType {type}", "CreateUploadAttachedMedia", new { BusinessType = type, FileName = "a.png" });
        yield return Post("of an upload never committed", "CompleteUpload", new { MediaId = w.Upload.Id });
        yield return Post("of another application's media", "CompleteUpload", new { MediaId = w.Other.Id }, key: full);
        object[] registrations =
        [
            new { VideoId = id, Streams = new[] { new { JobId = (string?)new string('a', 32), Definition = "HD", Format = "m3u8", FileURL = playlist } } },
            new { VideoId = id, Streams = new[] { new { JobId = (string?)null, Definition = "8K", Format = "m3u8", FileURL = elsewhere } } },
            new { VideoId = id, Streams = new[] { new { JobId = (string?)null, Definition = "HD", Format = "", FileURL = elsewhere } } },
            new { VideoId = id, Streams = Enumerable.Range(0, 21).Select(_ => new { JobId = (string?)null, Definition = "HD", Format = "m3u8", FileURL = playlist }).ToArray() },
            new { VideoId = id, Images = Enumerable.Range(0, 101).Select(_ => new { ImageType = "CoverSnapshot", FileURL = snapshot }).ToArray() },
            new { VideoId = id, Images = new[] { new { ImageType = "default", FileURL = snapshot } } },
            new { VideoId = id, Images = new[] { new { ImageType = "CoverSnapshot", FileURL = playlist } } },
            new { VideoId = id, Streams = new { Definition = "HD" } },
            new { VideoId = id, Streams = new object?[] { null } },
            new { VideoId = id, Streams = Array.Empty<object>(), Images = Array.Empty<object>() },
            new { VideoId = w.Other.Id, Streams = new[] { new { Definition = "HD", Format = "m3u8", FileURL = w.Seeder.Url(w.Other.Streams[0].Blobs[0].Name) } } },
        ];
        foreach (var (body, i) in registrations.Select((b, i) => (b, i))) yield return Post($"refused #{i}", "RegisterMediaFiles", body, key: i == registrations.Length - 1 ? full : admin);

        // Policies the contract refuses.
        object[] policies =
        [
            new { Name = "x", Action = "DeleteVideo", MinAge = "P0D" }, new { Name = "x", Action = "DeleteVideo", MinAge = "-P1D" }, new { Name = "x", Action = "DeleteVideo", MinAge = "P101Y" },
            new { Name = "x", Action = "DeleteVideo", MinAge = "1 day" }, new { Name = "x", Action = "DeleteVideo", MinAge = "" }, new { Name = "x", Action = "Nuke", MinAge = "P1D" },
            new { Name = "x", Action = "DeleteVideo", MinAge = "P1D", Priority = "high" }, new { Name = "x", Action = "DeleteVideo", MinAge = "P1D", DailyLimit = 50_001 },
            new { Name = "x", Action = "DeleteVideo", MinAge = "P1D", DailyLimit = 0 }, new { Name = "x", Action = "DeleteVideo", MinAge = "P1D", Statuses = new[] { "Bogus" } },
            new { Name = "x", Action = "DeleteStreams", MinAge = "P1D" }, new { Name = "x", Action = "DeleteStreams", MinAge = "P1D", Definitions = new[] { "8K" } },
            new { Name = "x", Action = "DeleteVideo", MinAge = "P1D", CateIds = new object[] { new { } } }, new { Name = "x", Action = "DeleteVideo", MinAge = "P1D", Enabled = "maybe" },
            new { Name = "x", Action = "DeleteVideo", MinAge = "P1D", PolicyId = new string('e', 32) }, new { Name = "x", Action = "DeleteVideo", MinAge = "P1D", AppId = "bad app" },
        ];
        foreach (var (body, i) in policies.Select((b, i) => (b, i))) yield return Post($"refused #{i}", "SetMediaPolicy", body);
        foreach (var name in new[] { "Nope", "Reconcile Storage", "DeleteVideo", "../ReconcileStorage" }) yield return Post($"with FunctionName {name}", "ListFunctionRuns", new { FunctionName = name });

        // Paths: operations that do not exist, traversal and encoded separators, timer functions without an admin key.
        string[] paths =
        [
            "api/Nope", "api/deletevideo2", "api/DeleteVideo/extra", "api/DeleteVideo%2F..%2FGetVideoInfo", "api/..%2fadmin%2ffunctions%2fReconcileStorage",
            "api/DeleteVideo;.json", "api/DeleteVideo%20", "api/Delete%2FVideo", "api/~DeleteVideo",
            "api/DeleteVideo.", "api/DeleteVideo::$DATA", "api/" + new string('A', 4000), "api/DeleteVideo/..%2f..%2fadmin", "admin/functions/Nope",
            "admin/functions/..%2FReconcileStorage", "admin/functions/Reconcile%2FStorage",
        ];
        foreach (var path in paths) yield return new Request($"{path.Split('/')[1]} path", HttpMethod.Post, path, "{}", admin);
        foreach (var function in new[] { "ReconcileStorage", "ApplyMediaPolicies" })
        {
            foreach (var (key, label) in new[] { ((string?)null, "no key"), ("soak-unknown-key", "an unknown key"), (full, "a Full key"), (AppUnderTest.ReadOnlyKey, "a ReadOnly key") })
                yield return new Request($"{function} run with {label}", HttpMethod.Post, $"admin/functions/{function}", "{}", key);
            yield return new Request($"{function} run with traversal by a Full key", HttpMethod.Post, $"api/../admin/functions/{function}", "{}", full);
            yield return new Request($"{function} run with encoded traversal by a Full key", HttpMethod.Post, $"api/%2e%2e/admin/functions/{function}", "{}", full);
            foreach (var body in new[] { "{\"input\": 5}", "{\"input\": {}}", "[", "\"x\"", "{\"input\": \"" + new string('x', 1_100_000) + "\"}" })
                yield return new Request($"{function} run with a bad body", HttpMethod.Post, $"admin/functions/{function}", body, admin);
        }

        // Wrong methods.
        foreach (var op in Operations)
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
                if (!(op == "GetThumbnail" && method == HttpMethod.Get))
                    yield return new Request($"{op} by {method}", method, $"api/{op}", method == HttpMethod.Get ? null : Json(Valid(w, op)), admin);
    }
}
