using VodFunctions.Core;
using VodFunctions.Core.Media;
using VodFunctions.Core.RecycleBin;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

public sealed class ListRecycleBin(RecycleBinStore bin) : IApiFunction
{
    private static readonly Parameter<string?> AppId = Param.AppId("Only entries of this application.");
    private static readonly Parameter<string?> MediaType = Param.OptionalOneOf("MediaType", "Only entries of this kind of media.", MediaKinds.All);
    private static readonly Parameter<int> PageSize = Param.Int("PageSize", "Entries per page.", 20, 1, 100);
    private static readonly Parameter<string?> PageToken = Param.Text("PageToken", "The `NextPageToken` of the page before.");

    public static ApiOperation Operation { get; } = new("Recycle bin", "Lists what deletes moved into the recycle bin, newest first, a page at a time.")
    {
        Description = "With `Vod__RecycleBin__Retention` set, every delete but `DeleteMultipartUpload` moves what it names into the bin unless it is "
            + "`Permanent`: readers no longer see it, its files stay where they are, and it is purged for good at its `PurgeTime`.",
        Parameters = [AppId, MediaType, PageSize, PageToken],
        Answers =
        [
            new("Entries", Shape.ArrayOf(Shape.Of<RecycleBinEntry>()),
                "One page of entries: what each delete took (`DeleteType` as in the events, stream `JobIds`, `ImageIds`), who deleted it (the key's name or the policy's ID), when, when it is purged, its `Files` and `Bytes`."),
            new("NextPageToken", Shape.Text, "The `PageToken` of the next page; absent on the last page.") { Optional = true },
        ],
        Example = new { MediaType = "video", PageSize = 20 },
    };

    [Function(nameof(ListRecycleBin))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ListRecycleBin")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListRecycleBin), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var found = await bin.ListAsync(request.Scope, AppId.Read(request), MediaType.Read(request), PageSize.Read(request),
            PageTokens.Decode(PageToken.Read(request)), cancellationToken);
        return found.Answer(page => new { page.Entries, NextPageToken = PageTokens.Encode(page.NextToken) });
    }
}

public sealed class RestoreMedia(RecycleBinStore bin) : IApiFunction
{
    private static readonly Parameter<IReadOnlyList<string>> EntryIds =
        Param.List("EntryIds", "The recycle bin entries to restore.", required: true, item: Shape.Id, exceededCode: "EntryIdsExceededMax");

    public static ApiOperation Operation { get; } = new("Recycle bin",
        "Brings back exactly what each entry's delete took: the same IDs, folders, records and sizes. All named entries or none.")
    {
        Description = "No file is copied: the files never left their folders. A restore is journalled as a delete is: a retry or `ReconcileStorage` "
            + "finishes one that stopped. It sends `RestoreMediaComplete`.",
        Parameters = [EntryIds],
        Answers = [new("RestoredEntryIds", Shape.Ids, "The entries restored.")],
        Errors =
        [
            new("InvalidEntry.NotFound", "An entry does not exist (restored or purged already); nothing is restored."),
            new("InvalidEntry.Conflict", "Something newer conflicts: the entry holds a part of a video deleted after it (restore the video's entry first), "
                + "or the video has a mezzanine again; nothing is restored.", StatusCodes.Status409Conflict),
        ],
        FailedCode = RecycleBinStore.RestoreFailedCode,
        Example = new { EntryIds = new[] { ExampleIds.Job } },
    };

    [Function(nameof(RestoreMedia))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/RestoreMedia")] HttpRequest req) =>
        Api.RunAsync(req, nameof(RestoreMedia), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await bin.RestoreAsync(EntryIds.Read(request), request.Scope, request.DeleteRequest(), cancellationToken)).Answer(r => r);
}

public sealed class PurgeRecycleBin(RecycleBinStore bin) : IApiFunction
{
    private static readonly Parameter<IReadOnlyList<string>> EntryIds =
        Param.List("EntryIds", "The entries to purge now (or `All`).", required: false, item: Shape.Id, exceededCode: "EntryIdsExceededMax");
    private static readonly Parameter<bool> All = Param.Flag("All", "Purge every entry (of `AppId` when given) instead of `EntryIds`.");
    private static readonly Parameter<string?> AppId = Param.AppId("With `All`: only this application's entries.");

    public static ApiOperation Operation { get; } = new("Recycle bin", "Purges recycle bin entries now, for good: their files and records (Admin key).")
    {
        Description = "A purge is the journalled delete of the entry's files; it sends `PurgeMediaComplete` with the files and bytes really removed. "
            + "An entry holding a whole video takes with it the entries of that video's parts.",
        Idempotent = true,
        Parameters = [EntryIds, All, AppId],
        Answers =
        [
            new("PurgedEntryIds", Shape.Ids, "The entries purged."),
            new("NonExistEntryIds", Shape.Ids, "The given entries that do not exist."),
            new("Purged", Shape.Of<Core.Deletion.DeletedFiles>(), "The files and bytes removed."),
        ],
        Errors = [new("InvalidEntry.NotFound", "None of the given entries exists."), Refusals.Held, Refusals.TooOld],
        FailedCode = RecycleBinStore.PurgeFailedCode,
        Example = new { All = true, AppId = "app-1000000" },
    };

    [Function(nameof(PurgeRecycleBin))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/PurgeRecycleBin")] HttpRequest req) =>
        Api.RunAsync(req, nameof(PurgeRecycleBin), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (!request.Caller.IsAdmin) return new VodError("Forbidden", "Only an Admin key may purge the recycle bin.");
        var all = All.Read(request);
        var ids = EntryIds.Read(request);
        var appId = AppId.Read(request);
        if (all == ids.Count > 0) return VodError.InvalidParameter("Give either EntryIds or All: true.");
        if (appId is not null && !all) return VodError.InvalidParameter("AppId goes with All: true.");
        return (await bin.PurgeAsync(all ? null : ids, appId, request.DeleteRequest(), cancellationToken)).Answer(r => r);
    }
}
