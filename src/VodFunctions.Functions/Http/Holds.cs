using VodFunctions.Core;
using VodFunctions.Core.Holds;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>The parameters the hold operations share.</summary>
internal static class Hold
{
    public static readonly Parameter<string> MediaType = Param.OneOf("MediaType", "The kind of media: `video` (with its streams, mezzanine and snapshots), `image` or `attached`.", MediaKinds.All);

    public static readonly Parameter<IReadOnlyList<string>> MediaIds =
        Param.List("MediaIds", "The media, all of `MediaType`.", required: true, item: Shape.Id, exceededCode: "MediaIdsExceededMax");

    public static readonly Field NonExistMediaIds = new("NonExistMediaIds", Shape.Ids, "The given IDs of media that do not exist (nothing is held for them).");

    public static VodError? AdminOnly(ApiRequest request, string function) =>
        request.Caller.IsAdmin ? null : new VodError("Forbidden", $"Only an Admin key may call {function}.");
}

public sealed class SetMediaHold(HoldStore holds) : IApiFunction
{
    private static readonly Parameter<string> Reason = Param.RequiredText("Reason", "Why the media is held (a case, a letter): shown with the hold.",
        HoldStore.MaxReasonLength, reason => reason.Trim().Length > 0 && !reason.Any(char.IsControl), "Reason is text without control characters.");

    public static ApiOperation Operation { get; } = new("Holds", "Puts media on hold (Admin key): held media is never deleted, by any call, policy run or sweep.")
    {
        Description = "A held video's streams, mezzanine, snapshots and files are held with it; a held snapshot also holds its video against `DeleteVideo`. "
            + "`DeleteVideo` lists held videos in `ForbiddenVideoIds`; every other delete, and `PurgeRecycleBin`, answers 403 `Forbidden.MediaHold` and deletes nothing; "
            + "policy runs leave held media alone and count it as `Held`; `ReconcileStorage` never deletes its files. A hold set while a delete is already "
            + "journalled does not stop that delete. Setting a hold again replaces its `Reason`.",
        Parameters = [Hold.MediaType, Hold.MediaIds, Reason],
        Answers = [Hold.NonExistMediaIds],
        Example = new { MediaType = "video", MediaIds = new[] { ExampleIds.Video }, Reason = "Case 2026-114: keep until released" },
    };

    [Function(nameof(SetMediaHold))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/SetMediaHold")] HttpRequest req) =>
        Api.RunAsync(req, nameof(SetMediaHold), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var mediaType = Hold.MediaType.Read(request);
        var ids = Hold.MediaIds.Read(request);
        var reason = Reason.Read(request).Trim();
        if (Hold.AdminOnly(request, nameof(SetMediaHold)) is { } forbidden) return forbidden;
        var change = await holds.SetAsync(mediaType, ids, reason, request.Caller.Name, cancellationToken);
        return new { change.NonExistMediaIds };
    }
}

public sealed class ReleaseMediaHold(HoldStore holds) : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Holds", "Lifts holds (Admin key): the media can be deleted again.")
    {
        Parameters = [Hold.MediaType, Hold.MediaIds],
        Answers = [new("NonExistMediaIds", Shape.Ids, "The given IDs that held nothing.")],
        Example = new { MediaType = "video", MediaIds = new[] { ExampleIds.Video } },
    };

    [Function(nameof(ReleaseMediaHold))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ReleaseMediaHold")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ReleaseMediaHold), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var mediaType = Hold.MediaType.Read(request);
        var ids = Hold.MediaIds.Read(request);
        if (Hold.AdminOnly(request, nameof(ReleaseMediaHold)) is { } forbidden) return forbidden;
        var change = await holds.ReleaseAsync(mediaType, ids, cancellationToken);
        return new { change.NonExistMediaIds };
    }
}

public sealed class ListMediaHolds(HoldStore holds) : IApiFunction
{
    private static readonly Parameter<string?> MediaType = Param.OptionalOneOf("MediaType", "Only holds of this kind of media.", MediaKinds.All);
    private static readonly Parameter<string?> AppId = Param.AppId("Only holds of this application's media.");
    private static readonly Parameter<int> PageSize = Param.Int("PageSize", "Holds per page.", 20, 1, 100);
    private static readonly Parameter<string?> PageToken = Param.Text("PageToken", "The `NextPageToken` of the page before.");

    public static ApiOperation Operation { get; } = new("Holds", "Lists the holds on the key's media, a page at a time.")
    {
        Parameters = [MediaType, AppId, PageSize, PageToken],
        Answers =
        [
            new("Holds", Shape.ArrayOf(Shape.Of<MediaHoldEntry>()), "One page of holds: the media, why, when and by which key (its name) each was set."),
            new("NextPageToken", Shape.Text, "The `PageToken` of the next page; absent on the last page.") { Optional = true },
        ],
        Example = new { MediaType = "video", PageSize = 20 },
    };

    [Function(nameof(ListMediaHolds))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ListMediaHolds")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListMediaHolds), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var found = await holds.ListAsync(request.Scope, AppId.Read(request), MediaType.Read(request), PageSize.Read(request),
            PageTokens.Decode(PageToken.Read(request)), cancellationToken);
        return found.Answer(page => new { page.Holds, NextPageToken = PageTokens.Encode(page.NextToken) });
    }
}
