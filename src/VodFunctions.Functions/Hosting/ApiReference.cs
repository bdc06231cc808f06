using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// The API's reference, written from what the functions declare: their Worker attributes (route, methods) and their
/// <see cref="ApiOperation"/>s. <see cref="OpenApi"/> is the OpenAPI 3.1 document that <c>GET /api/openapi.json</c>
/// serves; <see cref="Markdown"/> is <c>docs/api.md</c>.
/// </summary>
public static partial class ApiReference
{
    public const string Title = "VodFunctions API";

    /// <summary>The areas in the order the reference lists them, with what each holds.</summary>
    public static readonly IReadOnlyList<(string Name, string About)> Areas =
    [
        ("Ingest", "What upload and transcode pipelines call to create media and register the files they wrote."),
        ("Read", "Media as callers see it, scoped to their key's applications."),
        ("Delete", "Deletes: each accepts `DryRun` to see what it would delete. They are final, unless the recycle bin is on "
            + "(`Vod__RecycleBin__Retention`): then all but `DeleteMultipartUpload` move what they name into the bin, or with `Permanent` delete it for good."),
        ("Recycle bin", "What deletes moved into the recycle bin: listed, restored, or purged before the retention ends."),
        ("Audit", "The audit log of every deletion attempt: who deleted what, when, and what came of it."),
        ("Policies", "Media policies: what the `ApplyMediaPolicies` timer function deletes when it runs."),
        ("Runs", "The recorded runs of the timer functions."),
        ("Reconcile", "What the `ReconcileStorage` timer function found."),
        ("Statistics", "What deletes freed and what is waiting: the figures of the console's Overview and `vod stats`."),
        ("Service", "The app's own state."),
        ("Pages", "The web console and this reference."),
    ];

    /// <summary>The calling convention, the same text in both forms of the reference (Markdown).</summary>
    public static string Introduction =>
        $"""
        Every operation is `POST /api/{"{Operation}"}` with its parameters as a JSON object body (`Content-Type: application/json`), as
        query-string parameters, or both. Names are PascalCase, matched case-insensitively; the same parameter given twice with different
        values is `InvalidParameter`, and so is a parameter the operation does not take (the message names it). Alibaba Cloud VOD's common
        request parameters ({string.Join(", ", CommonParameters.Names.Select(p => $"`{p}`"))}) are accepted so that a
        migrating caller's requests still work, and ignored, except `Action` and `Version`: when given, `Action` must be the operation of
        the path, exactly (case-sensitive, as Alibaba's), and `Version` must be `{CommonParameters.ApiVersion}`; anything else is
        `InvalidParameter` naming the conflict, and nothing is done (`SetMediaPolicy`'s own `Action` is the policy's). A list parameter is a JSON array of strings or one comma-separated string: items are
        trimmed, empty ones dropped and duplicates folded; more than {Param.MaxListItems} is the operation's `*ExceededMax` code
        (else `InvalidParameter`). Media IDs are 32 lowercase hexadecimal characters; a string of another form is reported as a missing
        ID would be.

        A key goes in the `x-functions-key` header (or the `code` query parameter). `Admin` keys may call everything, `Full` keys every
        operation on their applications' media, `ReadOnly` keys only `Get*`, `Search*`, `List*` and `Preview*`.

        Every answer is JSON with a `RequestId` (also the `x-request-id` header). An error is `{"{"}"RequestId", "Code", "Message"{"}"}` with the
        HTTP status of its code; 500 `InternalError`, 503 `ServiceUnavailable` and the `*Failed` codes are server or storage faults and
        safe to retry. An unknown operation is 404 `InvalidAction.NotFound` (its message names the operations), a known one called with
        another method 405 `InvalidParameter`, a body over 1 MiB 413 `InvalidParameter`.

        The same operations also answer ApsaraVideo VOD's own request syntax at the app's root `/`: `Action`, `Version` `2017-03-21` and the
        parameters in the query string or a form body, signed with a key's AccessKeyId and secret (V1 HMAC-SHA1 or V3 ACS3-HMAC-SHA256), so that
        Alibaba Cloud's SDKs work with only their endpoint and AccessKey pair changed; errors there add VOD's `HostId` and `Recommend`
        (docs/alibaba.md). Under the Functions host, `/` reaches the app because host.json's route prefix is empty: the operations' routes
        start with `api/` themselves, and one function (`Root`, route `{"{*path}"}`) takes `/` and every other address outside `/api`.
        """;

    /// <summary>The operations the reference lists, by area, then by name.</summary>
    public static IEnumerable<WorkerFunction> Listed => WorkerFunction.HttpFunctions
        .Where(f => f.Operation!.Listed)
        .OrderBy(f => Areas.Select(a => a.Name).ToList().IndexOf(f.Operation!.Area))
        .ThenBy(f => f.Name, StringComparer.Ordinal);

    /// <summary>The path of a function, its route's parameters in OpenAPI's form (<c>{*path}</c> as <c>{path}</c>).</summary>
    public static string PathOf(WorkerFunction function) => "/" + RouteParameter().Replace(function.Route, "{$1}");

    private static IEnumerable<string> RouteParameters(WorkerFunction function) => RouteParameter().Matches(function.Route).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\{\*?([A-Za-z]+)\}")]
    private static partial Regex RouteParameter();

    /// <summary>Who may call it, in words.</summary>
    public static string KeyOf(WorkerFunction function) =>
        function.Operation!.Anonymous ? "none" : Caller.ReadOnlyMayCall(function.Name) ? "any key" : "an `Admin` or `Full` key";

    // ---- the OpenAPI document ----

    private static readonly Lazy<string> Document = new(() => OpenApi().ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // served as application/json, never inside HTML
    }));

    /// <summary>The OpenAPI document as <c>/api/openapi.json</c> serves it (made once).</summary>
    public static string OpenApiJson => Document.Value;

    public static JsonObject OpenApi()
    {
        var schemas = new Schemas();
        var paths = new JsonObject();
        foreach (var function in Listed)
        {
            var item = new JsonObject();
            foreach (var method in function.Methods.OrderByDescending(m => m == "POST"))
                item[method.ToLowerInvariant()] = OperationOf(function, method, item.Count == 0 ? function.Name : $"{function.Name}_{method.ToLowerInvariant()}", schemas);
            paths[PathOf(function)] = item;
        }
        var components = new JsonObject
        {
            ["schemas"] = new JsonObject(schemas.ByName.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value)).Prepend(KeyValuePair.Create("Error", (JsonNode?)ErrorSchema()))),
            ["securitySchemes"] = new JsonObject
            {
                ["functionKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key", ["description"] = "A key of the app (`Vod__Keys__{n}__Secret`)." },
                ["code"] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = "code", ["description"] = "The same key as a query parameter." },
            },
        };
        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = Title,
                ["version"] = typeof(ApiReference).Assembly.GetName().Version!.ToString(3),
                ["description"] = Introduction,
            },
            ["tags"] = new JsonArray(Areas.Select(a => (JsonNode)new JsonObject { ["name"] = a.Name, ["description"] = a.About }).ToArray()),
            ["security"] = new JsonArray(new JsonObject { ["functionKey"] = new JsonArray() }, new JsonObject { ["code"] = new JsonArray() }),
            ["paths"] = paths,
            ["components"] = components,
        };
    }

    private static JsonObject OperationOf(WorkerFunction function, string method, string operationId, Schemas schemas)
    {
        var operation = function.Operation!;
        var hasBody = method != "GET" && !operation.IgnoresQuery;
        var parameters = new JsonArray();
        foreach (var name in RouteParameters(function))
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" }, ["description"] = "A file's path (none: the page)." });
        foreach (var parameter in operation.Parameters)
        {
            if (parameter.Shape.QuerySchema(schemas) is not { } schema) continue;
            parameters.Add(new JsonObject { ["name"] = parameter.Name, ["in"] = "query", ["description"] = parameter.Description, ["schema"] = schema });
        }
        if (operation.Idempotent)
            parameters.Add(new JsonObject { ["name"] = Idempotency.Header, ["in"] = "header", ["description"] = "The call's idempotency key. " + Idempotency.About,
                ["schema"] = new JsonObject { ["type"] = "string", ["maxLength"] = Idempotency.MaxLength } });
        var result = new JsonObject
        {
            ["operationId"] = operationId,
            ["tags"] = new JsonArray(operation.Area),
            ["summary"] = function.Name,
            ["description"] = $"{operation.Summary}\n\nKey: {KeyOf(function)}." + (operation.Description is null ? "" : "\n\n" + operation.Description),
        };
        if (parameters.Count > 0) result["parameters"] = parameters;
        if (hasBody && operation.Parameters.Count > 0)
        {
            var content = new JsonObject { ["schema"] = BodySchema(operation, schemas) };
            if (operation.Example is not null) content["example"] = JsonSerializer.SerializeToNode(operation.Example, Api.Json);
            result["requestBody"] = new JsonObject
            {
                ["required"] = operation.Parameters.Any(p => p.Required),
                ["description"] = "The parameters as a JSON object (each may also be given in the query string).",
                ["content"] = new JsonObject { ["application/json"] = content },
            };
        }
        result["responses"] = Responses(operation, hasBody, schemas);
        if (operation.Anonymous) result["security"] = new JsonArray();
        return result;
    }

    private static JsonObject WithDefault(JsonObject schema, Parameter parameter)
    {
        if (parameter.Default is not null) schema["default"] = JsonSerializer.SerializeToNode(parameter.Default);
        return schema;
    }

    private static JsonObject BodySchema(ApiOperation operation, Schemas schemas)
    {
        var properties = new JsonObject();
        foreach (var parameter in operation.Parameters)
        {
            var schema = WithDefault(parameter.Shape.Schema(schemas), parameter);
            schema["description"] = parameter.Description;
            properties[parameter.Name] = schema;
        }
        var body = new JsonObject { ["type"] = "object", ["properties"] = properties };
        var required = operation.Parameters.Where(p => p.Required).Select(p => (JsonNode)p.Name).ToArray();
        if (required.Length > 0) body["required"] = new JsonArray(required);
        return body;
    }

    private static JsonObject Responses(ApiOperation operation, bool hasBody, Schemas schemas)
    {
        var responses = new JsonObject();
        if (operation.Content is { } answer)
        {
            var content = new JsonObject();
            foreach (var type in answer.MediaTypes) content[type] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } };
            responses["200"] = new JsonObject { ["description"] = answer.Description, ["content"] = content };
        }
        else
        {
            var properties = new JsonObject { ["RequestId"] = new JsonObject { ["type"] = "string", ["description"] = "The request's ID, also the `x-request-id` header." } };
            var required = new JsonArray("RequestId");
            foreach (var field in operation.Answers)
            {
                var schema = field.Shape.Schema(schemas);
                schema["description"] = field.Description;
                properties[field.Name] = schema;
                if (!field.Optional) required.Add(field.Name);
            }
            responses["200"] = new JsonObject
            {
                ["description"] = "Success.",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required } } },
            };
        }
        foreach (var status in operation.AllErrors(hasBody).GroupBy(e => e.HttpStatus).OrderBy(g => g.Key))
        {
            responses[status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["description"] = string.Join("\n", status.Select(e => $"- `{e.Code}`: {e.When}")),
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Error" } } },
            };
        }
        return responses;
    }

    private static JsonObject ErrorSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "Every error's answer.",
        ["properties"] = new JsonObject
        {
            ["RequestId"] = new JsonObject { ["type"] = "string" },
            ["Code"] = new JsonObject { ["type"] = "string", ["description"] = "The contract's error code." },
            ["Message"] = new JsonObject { ["type"] = "string", ["description"] = "What went wrong, for people." },
        },
        ["required"] = new JsonArray("RequestId", "Code", "Message"),
    };

    // ---- docs/api.md ----

    /// <summary><c>docs/api.md</c>: every operation with its parameters, answer, errors and an example.</summary>
    public static string Markdown()
    {
        var md = new StringBuilder();
        md.Append($"# {Title}\n\n");
        md.Append("<!-- Written by the app from its operations' declarations (the same as GET /api/openapi.json); a test keeps this file up to date. -->\n\n");
        md.Append("The app serves this reference as an OpenAPI 3.1 document at `GET /api/openapi.json` and as an interactive page at `/api/reference/`. ")
            .Append("The examples call the app at `$API` (`http://localhost:7071/api` with `./run.sh`) with a key in `$KEY` (`local-dev-admin-key` with `./run.sh`).\n\n");
        md.Append(Introduction).Append("\n\n");
        foreach (var (area, about) in Areas)
        {
            var functions = Listed.Where(f => f.Operation!.Area == area).ToList();
            md.Append($"- **{area}**: ").AppendJoin(", ", functions.Select(f => $"[{f.Name}](#{f.Name.ToLowerInvariant()})")).Append('\n');
        }
        var records = new SortedDictionary<string, Type>(StringComparer.Ordinal);
        foreach (var (area, about) in Areas)
        {
            md.Append($"\n## {area}\n\n{about}\n");
            foreach (var function in Listed.Where(f => f.Operation!.Area == area)) Operation(md, function, records);
        }
        md.Append("\n## Objects\n\nThe objects the answers hold; a field marked optional is left out when it has no value.\n");
        var schemas = new Schemas();
        for (var done = new HashSet<string>(); records.Keys.FirstOrDefault(done.Add) is { } name;)
        {
            var type = records[name];
            md.Append($"\n### {name}\n\n| Field | Type |\n|---|---|\n");
            foreach (var property in Schemas.Fields(type))
            {
                var (words, record) = Words(property.PropertyType);
                if (record is not null) records.TryAdd(record.Name, record);
                md.Append($"| `{property.Name}` | {words}{(schemas.IsOptional(property) ? ", optional" : "")} |\n");
            }
        }
        return md.ToString();
    }

    private static void Operation(StringBuilder md, WorkerFunction function, SortedDictionary<string, Type> records)
    {
        var operation = function.Operation!;
        md.Append($"\n### {function.Name}\n\n");
        md.Append($"`{string.Join(" | ", function.Methods.OrderByDescending(m => m == "POST"))} {PathOf(function)}` · key: {KeyOf(function)}\n\n");
        md.Append(operation.Summary).Append('\n');
        if (operation.Description is not null) md.Append('\n').Append(operation.Description).Append('\n');
        if (operation.Parameters.Count > 0)
        {
            md.Append("\n| Parameter | Type | Required | Description |\n|---|---|---|---|\n");
            foreach (var parameter in operation.Parameters)
            {
                if (parameter.Shape.Record is { } record) records.TryAdd(record.Name, record);
                var type = parameter.Shape.Words + (parameter.Default is null ? "" : $"; default `{JsonSerializer.Serialize(parameter.Default).Trim('"')}`");
                md.Append($"| `{parameter.Name}` | {type} | {(parameter.Required ? "yes" : "no")} | {parameter.Description} |\n");
            }
            if (operation.Idempotent)
                md.Append($"| `{Idempotency.Header}` (header) | string, at most {Idempotency.MaxLength} characters | no | The call's idempotency key. {Idempotency.About} |\n");
        }
        if (operation.Content is { } content)
            md.Append($"\nAnswer: {content.Description} ({string.Join(", ", content.MediaTypes.Select(t => $"`{t}`"))})\n");
        else if (operation.Answers.Count > 0)
        {
            md.Append("\n| Answer field | Type | Description |\n|---|---|---|\n");
            foreach (var field in operation.Answers)
            {
                if (field.Shape.Record is { } record) records.TryAdd(record.Name, record);
                md.Append($"| `{field.Name}` | {field.Shape.Words}{(field.Optional ? ", optional" : "")} | {field.Description} |\n");
            }
        }
        else md.Append("\nAnswer: only `RequestId`.\n");
        var hasBody = function.Methods.Contains("POST") && !operation.IgnoresQuery;
        md.Append("\n| Error | HTTP | When |\n|---|---|---|\n");
        foreach (var error in operation.AllErrors(hasBody)) md.Append($"| `{error.Code}` | {error.HttpStatus} | {error.When} |\n");
        md.Append('\n').Append(Example(function));
    }

    /// <summary>An example call with curl (<c>$API</c> is the app's <c>/api</c> address, <c>$KEY</c> a key).</summary>
    private static string Example(WorkerFunction function)
    {
        var operation = function.Operation!;
        var url = "$API" + PathOf(function)[(Api.RoutePrefix.Length + 1)..].Replace("{path}", "", StringComparison.Ordinal);
        var key = operation.Anonymous ? "" : " -H \"x-functions-key: $KEY\"";
        if (!function.Methods.Contains("POST"))
            return $"```bash\ncurl -s \"{url}\"{key}\n```\n";
        if (operation.Example is null)
            return $"```bash\ncurl -s -X POST \"{url}\"{key}\n```\n";
        var body = JsonSerializer.Serialize(operation.Example, Api.Json).Replace("'", "'\\''", StringComparison.Ordinal);
        return $"```bash\ncurl -s -X POST \"{url}\"{key} -H 'Content-Type: application/json' \\\n  -d '{body}'\n```\n";
    }

    private static (string Words, Type? Record) Words(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return ("string", null);
        if (type == typeof(bool)) return ("boolean", null);
        if (type == typeof(int) || type == typeof(long)) return ("integer", null);
        if (typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            var (words, record) = Words(type.IsArray ? type.GetElementType()! : type.GetGenericArguments().Single());
            return ($"array of {(record is null ? words + "s" : words)}", record);
        }
        return ($"[{type.Name}](#{type.Name.ToLowerInvariant()})", type);
    }
}
