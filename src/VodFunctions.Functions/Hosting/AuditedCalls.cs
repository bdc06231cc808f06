using System.Text.Json;
using System.Text.Json.Nodes;
using VodFunctions.Core;
using VodFunctions.Core.Audit;
using VodFunctions.Core.Media;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// The audit records of a delete call's items that it did not change: those its answer lists as not found, forbidden or not
/// removable, and every item it names when a rule refuses the whole call (403 <c>Forbidden.*</c>, such as held media). What it did
/// change is recorded by the deletes themselves (their journals). A call refused for its parameters or its key is not recorded:
/// it could not have changed anything.
/// </summary>
internal static class AuditedCalls
{
    private static readonly (string Field, string Outcome)[] Lists =
    [
        ("NonExistVideoIds", AuditOutcomes.NotFound), ("NonExistMediaIds", AuditOutcomes.NotFound), ("NonExistEntryIds", AuditOutcomes.NotFound),
        ("ForbiddenVideoIds", AuditOutcomes.Forbidden), ("UnRemoveableVideoIds", AuditOutcomes.NotRemovable),
    ];

    /// <summary>The parameters that name the items of a delete call.</summary>
    private static readonly string[] Named = ["VideoIds", "VideoId", "MediaIds", "MediaId", "ImageIds", "EntryIds"];

    /// <summary>Whether the calls of <paramref name="operation"/> are recorded: every delete (they take idempotency keys).</summary>
    public static bool Audits(ApiOperation operation) => operation.Idempotent;

    public static async Task RecordAsync(HttpContext http, string function, Caller caller, Parameters parameters, string requestId, object result, ILogger logger)
    {
        var dryRun = parameters.Raw("DryRun") switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.String } text => bool.TryParse(text.GetString(), out var flag) && flag,
            _ => false,
        };
        var items = new List<(string Id, string Outcome, string? Code)>();
        if (result is VodError error)
        {
            if (!error.Code.StartsWith("Forbidden.", StringComparison.Ordinal)) return;
            foreach (var name in Named)
                if (parameters.Raw(name) is { } value)
                    items.AddRange(IdsOf(value).Select(id => (id, AuditOutcomes.Forbidden, (string?)error.Code)));
        }
        else if (result is not IResult && JsonSerializer.SerializeToNode(result, Api.Json) is JsonObject answer)
        {
            foreach (var (field, outcome) in Lists)
                if (answer[field] is JsonArray ids)
                    items.AddRange(ids.Select(id => (id!.GetValue<string>(), outcome, (string?)null)));
        }
        if (items.Count == 0) return;
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var entries = function == "PurgeRecycleBin";
        var records = items.DistinctBy(i => i.Id).Select(i => new AuditRecord
        {
            RecordId = AuditRecord.IdOf(requestId, "item", i.Id), Time = AuditRecord.TimeOf(now), Operation = function, Trigger = AuditTriggers.Api, KeyName = caller.Name,
            MediaType = entries ? "" : MediaTypeOf(function), MediaId = entries ? "" : i.Id, EntryId = entries ? i.Id : null,
            DryRun = dryRun, Outcome = i.Outcome, ErrorCode = i.Code, RequestId = requestId,
        });
        try
        {
            await http.RequestServices.GetRequiredService<AuditStore>().AppendAsync(records, CancellationToken.None);
        }
        catch (Exception e) when (StorageFaults.Is(e))
        {
            logger.LogWarning(e, "Could not write the audit records of the items {Function} ({RequestId}) did not change", function, requestId);
        }
    }

    private static IEnumerable<string> IdsOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!),
        JsonValueKind.String => (value.GetString() ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(id => id.Trim('[', ']', '"', ' ')).Where(id => id.Length > 0),
        _ => [],
    };

    private static string MediaTypeOf(string function) => function switch
    {
        "DeleteImage" => MediaKinds.Image,
        "DeleteAttachedMedia" => MediaKinds.Attached,
        _ => MediaKinds.Video,
    };
}
