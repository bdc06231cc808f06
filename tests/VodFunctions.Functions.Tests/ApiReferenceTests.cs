using System.Net;
using System.Text.Json;
using Azure.Storage.Blobs.Specialized;
using Microsoft.OpenApi;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Tests;

/// <summary>
/// The API's own reference, written from the functions' declarations: <c>GET /api/openapi.json</c> lists every HTTP
/// function with its parameters and is valid OpenAPI, <c>docs/api.md</c> is the same reference and up to date, and
/// what the operations answer is what they declare.
/// </summary>
public sealed class ApiReferenceTests
{
    private static readonly string DocsPath = Path.Combine(Repository.Root, "docs", "api.md");

    private static async Task<(HttpResponseMessage Response, string Text)> OpenApiAsync(TestApp app)
    {
        var response = await app.Client.GetAsync("/api/openapi.json");
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EveryHttpFunctionIsInTheDocumentWithItsMethodsAndParameters()
    {
        await using var app = await TestApp.StartAsync();

        var (response, text) = await OpenApiAsync(app);

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the document needs no key");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var paths = JsonDocument.Parse(text).RootElement.GetProperty("paths");
        var functions = WorkerFunction.HttpFunctions.Where(f => f.Operation!.Listed).ToList();
        functions.Select(f => f.Name).Should().Contain(["DeleteVideo", "GetThumbnail", "health", "openapi", "reference", "console"]);
        paths.EnumerateObject().Should().HaveCount(functions.Count);
        foreach (var function in functions)
        {
            var declared = function.Operation!.Parameters.Select(p => p.Name).ToList();
            var item = paths.GetProperty(ApiReference.PathOf(function));
            item.EnumerateObject().Select(m => m.Name.ToUpperInvariant()).Should().BeEquivalentTo(function.Methods, function.Name);
            foreach (var method in item.EnumerateObject())
            {
                var query = method.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()).ToList()
                    : [];
                query.Should().BeEquivalentTo(declared.Where(name => name is not ("Streams" or "Images")),
                    "{0} {1} takes every declared parameter in the query (but arrays of objects)", method.Name, function.Name);
                if (method.Name != "post" || declared.Count == 0) continue;
                var body = method.Value.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
                body.GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().Equal(declared, "{0} takes them as a JSON body", function.Name);
                var required = body.TryGetProperty("required", out var names) ? names.EnumerateArray().Select(n => n.GetString()).ToList() : [];
                required.Should().BeEquivalentTo(function.Operation.Parameters.Where(p => p.Required).Select(p => p.Name));
            }
        }
        var deleteVideo = paths.GetProperty("/api/DeleteVideo").GetProperty("post");
        deleteVideo.GetProperty("responses").GetProperty("400").GetProperty("description").GetString().Should().Contain("VideoIdsExceededMax");
        deleteVideo.GetProperty("responses").GetProperty("503").GetProperty("description").GetString().Should().Contain("DeleteVideoFailed");
        deleteVideo.GetProperty("responses").GetProperty("404").GetProperty("description").GetString().Should().Contain("InvalidVideo.NotFound");
        paths.GetProperty("/api/health").GetProperty("get").GetProperty("security").GetArrayLength().Should().Be(0, "health needs no key");
        deleteVideo.TryGetProperty("security", out _).Should().BeFalse("an operation takes the document's key schemes");
    }

    [Fact]
    public async Task TheDocumentIsValidOpenApiWithTheKeySchemesAndTheErrorBody()
    {
        await using var app = await TestApp.StartAsync();
        var (_, text) = await OpenApiAsync(app);

        var read = OpenApiDocument.Parse(text, "json");

        read.Diagnostic!.Errors.Should().BeEmpty();
        read.Diagnostic.Warnings.Should().BeEmpty();
        read.Diagnostic.SpecificationVersion.Should().Be(OpenApiSpecVersion.OpenApi3_1);
        var document = read.Document!;
        document.Validate(ValidationRuleSet.GetDefaultRuleSet()).Should().BeEmpty();
        document.Components!.SecuritySchemes!.Values.Select(s => (s.In, s.Name)).Should().BeEquivalentTo(
            [(ParameterLocation.Header, "x-functions-key"), (ParameterLocation.Query, "code")]);
        document.Components.Schemas!["Error"].Required.Should().BeEquivalentTo(["RequestId", "Code", "Message"]);
        document.Paths!["/api/DeleteMezzanines"].Operations![HttpMethod.Post].Parameters!.Select(p => (p.Name, p.In)).Should().Equal(
            ("VideoIds", ParameterLocation.Query), ("Force", ParameterLocation.Query), ("DryRun", ParameterLocation.Query), ("Permanent", ParameterLocation.Query),
            ("ClientToken", ParameterLocation.Query), ("Idempotency-Key", ParameterLocation.Header));
        document.Components.Schemas.Should().ContainKeys("Video", "PlayInfo", "ImageInfo", "Mezzanine", "AttachedMedia", "DeletePlan", "StreamFile", "PolicyView");
    }

    [Fact]
    public void DocsApiMdIsTheReferenceOfTheDeclarations()
    {
        // VOD_WRITE_API_DOCS=1 writes the file from the declarations; the test then holds it to them as always.
        if (Environment.GetEnvironmentVariable("VOD_WRITE_API_DOCS") == "1") File.WriteAllText(DocsPath, ApiReference.Markdown());

        File.ReadAllText(DocsPath).ReplaceLineEndings("\n").Should().Be(ApiReference.Markdown(),
            "docs/api.md is written from the declarations: run `VOD_WRITE_API_DOCS=1 dotnet test tests/VodFunctions.Functions.Tests --filter ApiReferenceTests` after changing them");
    }

    [Fact]
    public void DocsApiMdHoldsEveryOperationOfTheDocumentWithItsParameters()
    {
        var markdown = File.ReadAllText(DocsPath);
        var paths = ApiReference.OpenApi()["paths"]!.AsObject();

        foreach (var (path, item) in paths)
        {
            foreach (var (_, operation) in item!.AsObject())
            {
                var name = operation!["summary"]!.GetValue<string>();
                markdown.Should().Contain($"\n### {name}\n", "docs/api.md has a section for {0}", path);
                var section = markdown[markdown.IndexOf($"\n### {name}\n", StringComparison.Ordinal)..];
                section = section[..(section.IndexOf("\n### ", 5, StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];
                section.Should().Contain(path);
                foreach (var parameter in operation["parameters"]?.AsArray().Where(p => p!["in"]!.GetValue<string>() == "query") ?? [])
                    section.Should().Contain($"| `{parameter!["name"]!.GetValue<string>()}` |", "{0} lists its parameters", name);
                foreach (var field in operation["requestBody"]?["content"]?["application/json"]?["schema"]?["properties"]?.AsObject() ?? [])
                    section.Should().Contain($"| `{field.Key}` |", "{0} lists its parameters", name);
            }
        }
    }

    [Fact]
    public void EveryExampleCallsItsOperationWithItsDeclaredParameters()
    {
        foreach (var function in ApiReference.Listed.Where(f => f.Operation!.Example is not null))
        {
            var operation = function.Operation!;
            var given = JsonSerializer.SerializeToElement(operation.Example).EnumerateObject().Select(p => p.Name).ToList();
            given.Should().OnlyContain(name => operation.Parameters.Any(p => p.Name == name), "{0}'s example uses its own parameters", function.Name);
            operation.Parameters.Where(p => p.Required).Select(p => p.Name).Should().BeSubsetOf(given, "{0}'s example gives the required ones", function.Name);
        }
        ApiReference.Listed.Where(f => f.Operation!.Parameters.Any(p => p.Required)).Should().OnlyContain(f => f.Operation!.Example != null);
    }

    [Fact]
    public void RequestsHttpSendsEachOperationOnlyParametersItTakes()
    {
        var requests = File.ReadAllText(Path.Combine(Repository.Root, "requests.http")).ReplaceLineEndings("\n").Split("\n###").Skip(1).ToList();
        var checkedOperations = new HashSet<string>();

        foreach (var request in requests)
        {
            var lines = request.Split('\n');
            var target = lines.FirstOrDefault(l => l.StartsWith("POST ", StringComparison.Ordinal) || l.StartsWith("GET ", StringComparison.Ordinal));
            if (target?.Split(' ')[1] is not { } url || !url.StartsWith("{{baseUrl}}/api/", StringComparison.Ordinal)) continue;
            var (path, query) = url.Contains('?') ? (url[..url.IndexOf('?')], url[(url.IndexOf('?') + 1)..]) : (url, "");
            var function = WorkerFunction.HttpFunctions.Single(f => ApiReference.PathOf(f) == path["{{baseUrl}}".Length..]);
            var body = string.Join("\n", lines.SkipWhile(l => l != target).SkipWhile(l => l.Trim().Length > 0).Skip(1)).Trim();
            var names = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')[0]).ToList();
            if (body.Length > 0)
                names.AddRange(JsonDocument.Parse(System.Text.RegularExpressions.Regex.Replace(body, "{{[^}]*}}", "x")).RootElement.EnumerateObject().Select(p => p.Name));
            names.Where(name => !function.Operation!.Takes(name)).Should().BeEmpty("requests.http calls {0} with its own parameters", function.Name);
            checkedOperations.Add(function.Name);
        }

        checkedOperations.Should().Contain(["CreateUploadVideo", "RegisterMediaFiles", "DeleteImage", "SetMediaPolicy", "health", "openapi"]);
    }

    [Fact]
    public async Task EveryOperationAnswersTheFieldsItDeclares()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Vod:RecycleBin:Retention"] = "P7D" });
        var video = await app.SeedVideoAsync(streams: 2, segments: 1, snapshots: 1);
        var noTranscode = await app.SeedVideoAsync(transcodeMode: "NoTranscode", streams: 0, snapshots: 0);
        var answers = new Dictionary<string, ApiResponse>();
        async Task<ApiResponse> Call(string operation, object? body = null)
        {
            var response = await app.CallAsync(operation, body);
            response.Status.Should().Be(200, "{0} succeeds: {1}", operation, response);
            return answers[operation] = response;
        }

        var created = await Call("CreateUploadVideo", new { Title = "Reference", FileName = "source.mp4" });
        var videoId = created.Str("VideoId");
        await app.Container.GetBlockBlobClient($"videos/{videoId}/mezzanine/source.mp4").StageBlockAsync(Convert.ToBase64String(new byte[16]), new MemoryStream(new byte[64]));
        await Call("DeleteMultipartUpload", new { MediaId = videoId, MediaType = "video", DryRun = true });
        var image = await Call("CreateUploadImage", new { ImageType = "cover", FileName = "poster.png" });
        await IngestSteps.PutAsync(image.Str("UploadURL"), 10);
        await Call("CompleteUpload", new { MediaId = image.Str("ImageId") });
        var attached = await Call("CreateUploadAttachedMedia", new { BusinessType = "subtitle", FileName = "en.vtt" });
        var (jobId, fileUrl) = await app.WriteStreamAsync(video.VideoId);
        await Call("RegisterMediaFiles", new { video.VideoId, Streams = new[] { new { JobId = jobId, Definition = "SD", Format = "m3u8", FileURL = fileUrl } } });
        await Call("GetVideoInfo", new { video.VideoId });
        await Call("GetPlayInfo", new { video.VideoId });
        await Call("GetMezzanineInfo", new { video.VideoId });
        await Call("GetImageInfo", new { ImageId = video.ImageIds["CoverSnapshot"][0] });
        await Call("ListSnapshots", new { video.VideoId });
        await Call("GetAttachedMediaInfo", new { MediaIds = new[] { attached.Str("MediaId") } });
        await Call("SearchMedia", new { SearchType = "video", PageSize = 1 });
        var policy = await Call("SetMediaPolicy", new { Name = "Old", Action = "DeleteVideo", MinAge = "P1D", CateIds = new object[] { 7, "8" } });
        await Call("ListMediaPolicies");
        await Call("PreviewMediaPolicy", new { PolicyId = policy.Str("PolicyId") });
        await Call("DeleteMediaPolicy", new { PolicyId = policy.Str("PolicyId") });
        await Call("ListMediaPolicyRuns");
        await Call("ListFunctionRuns", new { FunctionName = "ReconcileStorage" });
        await Call("GetReconcileReport");
        await Call("DeleteStream", new { video.VideoId, JobIds = new[] { jobId }, DryRun = true });
        await Call("DeleteImage", new { DeleteImageType = "VideoId", video.VideoId, ImageType = "All" });
        await Call("DeleteMezzanines", new { VideoIds = new[] { noTranscode.VideoId } });
        await Call("DeleteAttachedMedia", new { MediaIds = new[] { attached.Str("MediaId") } });
        var binned = await Call("DeleteVideo", new { VideoIds = new[] { video.VideoId } });
        await Call("ListRecycleBin", new { MediaType = "video" });
        await Call("RestoreMedia", new { EntryIds = binned["RecycleBin"].GetProperty("EntryIds") });
        await Call("DeleteVideo", new { VideoIds = new[] { video.VideoId } });
        await Call("PurgeRecycleBin", new { All = true });
        await Call("ListDeletions", new { MediaId = video.VideoId, PageSize = 1 });
        await Call("GetDeletionStatistics", new { Period = "P30D" });
        using var health = await app.Client.GetAsync("/api/health");
        answers["health"] = new ApiResponse((int)health.StatusCode, JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.Clone(), null);

        var jsonOperations = ApiReference.Listed.Where(f => f.Operation!.Content is null).ToList();
        answers.Keys.Should().BeEquivalentTo(jsonOperations.Select(f => f.Name), "every operation that answers JSON fields is called");
        foreach (var function in jsonOperations)
        {
            var fields = answers[function.Name].Json.EnumerateObject().Select(p => p.Name).ToList();
            var declared = function.Operation!.Answers;
            fields.Should().OnlyContain(name => name == "RequestId" || declared.Any(f => f.Name == name), "{0} answers only the fields it declares", function.Name);
            declared.Where(f => !f.Optional).Select(f => f.Name).Should().BeSubsetOf(fields, "{0} answers every field it declares", function.Name);
        }
    }
}
