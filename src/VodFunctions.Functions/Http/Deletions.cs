using System.Globalization;
using Microsoft.Extensions.Options;
using VodFunctions.Core;
using VodFunctions.Core.Audit;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

public sealed class ListDeletions(AuditStore audit, TimeProvider time, IOptions<AuditOptions> options) : IApiFunction
{
    private static readonly Parameter<string?> MediaId = Param.OptionalId("MediaId", "Only records of this video, image, attached media or blob folder.");
    private static readonly Parameter<string?> AppId = Param.AppId("Only records of this application.");
    private static readonly Parameter<string?> KeyName = Param.Text("KeyName", "Only deletions by this key (its `Vod__Keys__{n}__Name`, else its AccessKeyId).", maxLength: 128);
    private static readonly Parameter<string?> StartTime = Param.Text("StartTime",
        "Only records from this time on (ISO-8601, UTC, e.g. `2026-12-01T00:00:00Z`); default: as far back as the retention keeps.", valid: IsTime, invalid: "StartTime is not an ISO-8601 time such as 2026-12-01T00:00:00Z.");
    private static readonly Parameter<string?> EndTime = Param.Text("EndTime",
        "Only records up to this time (ISO-8601, UTC); default: now.", valid: IsTime, invalid: "EndTime is not an ISO-8601 time such as 2026-12-01T00:00:00Z.");
    private static readonly Parameter<int> PageSize = Param.Int("PageSize", "Records per page.", 20, 1, 100);
    private static readonly Parameter<string?> PageToken = Param.Text("PageToken", "The `NextPageToken` of the page before.");

    public static ApiOperation Operation { get; } = new("Audit", "Lists the audit log of deletions, newest first, a page at a time.")
    {
        Description = "One record per item and attempt: every delete call (through `/api`, VOD's `/`, the console, `vod`, the SDK), dry runs too, "
            + "each policy delete, what `ReconcileStorage` finished or deleted as orphans, and the recycle bin's moves, restores and purges. "
            + "A journalled delete's record is written once whoever finishes it (its `RecordId` is its `OperationId`). Records are never changed; "
            + "`PurgeAuditLog` removes those older than `Vod__Audit__Retention` (default `P400D`). A key of some applications sees only their records. "
            + "A page may hold fewer than `PageSize` records and still have a `NextPageToken`.",
        Parameters = [MediaId, AppId, KeyName, StartTime, EndTime, PageSize, PageToken],
        Answers =
        [
            new("Deletions", Shape.ArrayOf(Shape.Of<AuditRecord>()),
                "One page of records: `Time`, `Operation`, `Trigger` (`api`, `policy`, `reconcile`, `bin`), `KeyName` or `PolicyId` and `PolicyName`, "
                + "`FinishedBy` (`ReconcileStorage` when it finished an interrupted delete), `AppId`, `MediaType`, `MediaId` with `DeleteType`, `JobIds`, "
                + "`ImageIds` or `EntryId`, `DryRun`, `Outcome` (`Deleted`, `NotFound`, `Forbidden`, `NotRemovable`, `Failed`, `MovedToBin`, `Restored`, "
                + "`Purged`), `ErrorCode`, `Files`, `Bytes`, `RequestId`, `OperationId`."),
            new("NextPageToken", Shape.Text, "The `PageToken` of the next page; absent on the last page.") { Optional = true },
        ],
        Example = new { MediaId = ExampleIds.Video, PageSize = 20 },
    };

    private static bool IsTime(string text) => TryTime(text, out _);

    private static bool TryTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    [Function(nameof(ListDeletions))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ListDeletions")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListDeletions), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var end = TryTime(EndTime.Read(request), out var e) ? e : now;
        var start = TryTime(StartTime.Read(request), out var s) ? s : options.Value.Parsed.SubtractFrom(now) - TimeSpan.FromDays(1);
        if (start > end) return VodError.InvalidParameter("StartTime is after EndTime.");
        var query = new AuditQuery(start, end, request.Scope) { MediaId = MediaId.Read(request), AppId = AppId.Read(request), KeyName = KeyName.Read(request) };
        var found = await audit.ListAsync(query, PageSize.Read(request), PageTokens.Decode(PageToken.Read(request)), cancellationToken);
        return found.Answer(page => new { Deletions = page.Records, NextPageToken = PageTokens.Encode(page.NextToken) });
    }
}
