using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VodFunctions.Functions.Tests.Alibaba;

/// <summary>One call as an Alibaba Cloud Node client makes it (see <c>alibaba-client.js</c>).</summary>
public sealed record AlibabaCall(string Action, object? Params = null)
{
    /// <summary><c>pop-core</c> (V1) or <c>openapi</c> (a generated SDK's <c>callApi</c>: V3, or V1 with <c>SignatureAlgorithm: "v2"</c>).</summary>
    public string Client { get; init; } = "pop-core";
    public string Method { get; init; } = "GET";
    public string AccessKeyId { get; init; } = AlibabaClients.AdminId;
    public string AccessKeySecret { get; init; } = TestApp.AdminKey;
    public object? Body { get; init; }
    public string? SignatureAlgorithm { get; init; }
    public int ClockSkewSeconds { get; init; }
    public bool Replay { get; init; }
}

/// <summary>What the client answered: the status and JSON body (and, for a replay, the answer to the same bytes sent again).</summary>
public sealed record AlibabaAnswer(int Status, JsonElement Body, string? Error, AlibabaAnswer? Replayed)
{
    public string? Code => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("Code", out var code) ? code.GetString() : null;
    public override string ToString() => $"{Status} {Body}";
}

/// <summary>Runs Alibaba Cloud's own Node clients (<c>@alicloud/pop-core</c>, <c>@alicloud/openapi-client</c>) against an app.</summary>
public static class AlibabaClients
{
    public const string AdminId = "LTAIadmin0000000001";
    public const string FullId = "LTAIfull00000000001";
    public const string OtherAppId = "LTAIother0000000001";
    public const string ReadOnlyId = "LTAIreadonly0000001";

    /// <summary>The test app's four keys with AccessKeyIds.</summary>
    public static Dictionary<string, string?> KeyIds => new()
    {
        ["Vod:Keys:0:Id"] = AdminId, ["Vod:Keys:1:Id"] = FullId, ["Vod:Keys:2:Id"] = OtherAppId, ["Vod:Keys:3:Id"] = ReadOnlyId,
    };

    private static readonly string Script = Path.Combine(Repository.Root, "tests", "VodFunctions.Functions.Tests", "Alibaba", "alibaba-client.js");

    public static async Task<AlibabaAnswer> CallAsync(this TestApp app, AlibabaCall call) => (await app.CallAllAsync(call))[0];

    /// <summary>Makes the calls one after another in one Node process.</summary>
    public static async Task<IReadOnlyList<AlibabaAnswer>> CallAllAsync(this TestApp app, params AlibabaCall[] calls) =>
        await CallAllAsync(app.Client.BaseAddress!, calls);

    public static async Task<IReadOnlyList<AlibabaAnswer>> CallAllAsync(Uri endpoint, params AlibabaCall[] calls)
    {
        var input = new JsonArray(calls.Select(c => (JsonNode)new JsonObject
        {
            ["client"] = c.Client, ["endpoint"] = endpoint.AbsoluteUri.TrimEnd('/'), ["accessKeyId"] = c.AccessKeyId,
            ["accessKeySecret"] = c.AccessKeySecret, ["action"] = c.Action, ["method"] = c.Method,
            ["params"] = JsonSerializer.SerializeToNode(c.Params ?? new { }), ["body"] = c.Body is null ? null : JsonSerializer.SerializeToNode(c.Body),
            ["signatureAlgorithm"] = c.SignatureAlgorithm, ["clockSkewSeconds"] = c.ClockSkewSeconds, ["replay"] = c.Replay,
        }).ToArray());
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Root };
        start.ArgumentList.Add(Script);
        using var node = Process.Start(start)!;
        await node.StandardInput.WriteAsync(input.ToJsonString());
        node.StandardInput.Close();
        var (output, errors) = (node.StandardOutput.ReadToEndAsync(), node.StandardError.ReadToEndAsync());
        await node.WaitForExitAsync();
        node.ExitCode.Should().Be(0, await errors);
        return JsonDocument.Parse(await output).RootElement.EnumerateArray().Select(Answer).ToList();
    }

    private static AlibabaAnswer Answer(JsonElement json) => new(
        json.GetProperty("Status").GetInt32(), json.GetProperty("Body").Clone(),
        json.TryGetProperty("Error", out var error) ? error.GetString() : null,
        json.TryGetProperty("Replayed", out var replayed) ? Answer(replayed) : null);
}
