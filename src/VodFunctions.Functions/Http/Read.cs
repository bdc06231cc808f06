using VodFunctions.Core;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>The <c>VideoId</c> of the read operations on one video.</summary>
internal static class Read
{
    public static readonly Parameter<string> VideoId = Param.Id("VideoId", "The video.");
    public static readonly ErrorCode VideoNotFound = new("InvalidVideo.NotFound", "The video does not exist.");
}

public sealed class GetVideoInfo(MediaReader reader) : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Read", "A video's information.")
    {
        Parameters = [Read.VideoId],
        Answers = [new("Video", Shape.Of<Video>(), "The video; `Size` is the bytes of all its files.")],
        Errors = [Read.VideoNotFound],
        Example = new { VideoId = ExampleIds.Video },
    };

    [Function(nameof(GetVideoInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/GetVideoInfo")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetVideoInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetVideoInfoAsync(Read.VideoId.Read(request), request.Scope, cancellationToken)).Answer(video => new { Video = video });
}

public sealed class GetPlayInfo(MediaReader reader) : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Read", "A video's streams.")
    {
        Description = "For `NoTranscode` and `AsyncTranscode` videos the mezzanine is also listed, as the `OD` stream, until it is deleted.",
        Parameters = [Read.VideoId],
        Answers = [new("PlayInfoList", Shape.ArrayOf(Shape.Of<PlayInfo>()), "The video's streams.")],
        Errors = [Read.VideoNotFound],
        Example = new { VideoId = ExampleIds.Video },
    };

    [Function(nameof(GetPlayInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/GetPlayInfo")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetPlayInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetPlayInfoAsync(Read.VideoId.Read(request), request.Scope, cancellationToken)).Answer(list => new { PlayInfoList = list });
}

public sealed class GetMezzanineInfo(MediaReader reader) : IApiFunction
{
    public static ApiOperation Operation { get; } = new("Read", "A video's mezzanine (the uploaded source file).")
    {
        Parameters = [Read.VideoId],
        Answers = [new("Mezzanine", Shape.Of<Mezzanine>(), "The mezzanine; after `DeleteMezzanines` its `Status` is `Deleted`.")],
        Errors = [Read.VideoNotFound],
        Example = new { VideoId = ExampleIds.Video },
    };

    [Function(nameof(GetMezzanineInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/GetMezzanineInfo")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetMezzanineInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetMezzanineInfoAsync(Read.VideoId.Read(request), request.Scope, cancellationToken)).Answer(m => new { Mezzanine = m });
}

public sealed class GetImageInfo(MediaReader reader) : IApiFunction
{
    private static readonly Parameter<string> ImageId = Param.Id("ImageId", "The image: an uploaded image or a video's snapshot.");

    public static ApiOperation Operation { get; } = new("Read", "An image's information.")
    {
        Parameters = [ImageId],
        Answers = [new("ImageInfo", Shape.Of<ImageInfo>(), "The image; `VideoId` is empty for uploaded images.")],
        Errors = [new("NoSuchResource", "The image does not exist.")],
        Example = new { ImageId = ExampleIds.Image },
    };

    [Function(nameof(GetImageInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/GetImageInfo")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetImageInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetImageInfoAsync(ImageId.Read(request), request.Scope, cancellationToken)).Answer(image => new { ImageInfo = image });
}

public sealed class ListSnapshots(MediaReader reader) : IApiFunction
{
    private static readonly Parameter<string?> SnapshotType = Param.OptionalOneOf("SnapshotType", "Only snapshots of this type.", ImageTypes.Snapshot);

    public static ApiOperation Operation { get; } = new("Read", "A video's snapshots and sprites.")
    {
        Parameters = [Read.VideoId, SnapshotType],
        Answers = [new("Images", Shape.ArrayOf(Shape.Of<ImageInfo>()), "The snapshots.")],
        Errors = [Read.VideoNotFound],
        Example = new { VideoId = ExampleIds.Video, SnapshotType = "CoverSnapshot" },
    };

    [Function(nameof(ListSnapshots))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ListSnapshots")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListSnapshots), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var type = SnapshotType.Read(request);
        return (await reader.ListSnapshotsAsync(Read.VideoId.Read(request), type, request.Scope, cancellationToken)).Answer(images => new { Images = images });
    }
}

public sealed class GetAttachedMediaInfo(MediaReader reader) : IApiFunction
{
    private static readonly Parameter<IReadOnlyList<string>> MediaIds = Param.List("MediaIds", "The attached media.", required: true, item: Shape.Id);

    public static ApiOperation Operation { get; } = new("Read", "Attached media's information.")
    {
        Parameters = [MediaIds],
        Answers =
        [
            new("AttachedMediaList", Shape.ArrayOf(Shape.Of<AttachedMedia>()), "The attached media that exist."),
            new("NonExistMediaIds", Shape.Ids, "The given IDs of attached media that do not exist."),
        ],
        Example = new { MediaIds = new[] { ExampleIds.Attached } },
    };

    [Function(nameof(GetAttachedMediaInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/GetAttachedMediaInfo")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetAttachedMediaInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetAttachedMediaInfoAsync(MediaIds.Read(request), request.Scope, cancellationToken))
            .Answer(r => new { AttachedMediaList = r.Found, NonExistMediaIds = r.Missing });
}

public sealed class SearchMedia(MediaReader reader) : IApiFunction
{
    private static readonly Parameter<string> SearchType = Param.OneOf("SearchType",
        "What to search: videos, uploaded images (not video snapshots), or attached media.", MediaKinds.All, MediaKinds.Video);
    private static readonly Parameter<string?> AppId = Param.AppId("Only media of this application.");
    private static readonly Parameter<string?> Title = Param.Text("Title", "Only media whose title starts with this.");
    private static readonly Parameter<int> PageSize = Param.Int("PageSize", "Items per page.", 20, 1, 100);
    private static readonly Parameter<string?> PageToken = Param.Text("PageToken", "The `NextPageToken` of the page before.");

    public static ApiOperation Operation { get; } = new("Read", "Searches videos, uploaded images or attached media, newest first, a page at a time.")
    {
        Description = "Newest first by `CreationTime`, with or without `Title`; the pages of one search keep that order.",
        Parameters = [SearchType, AppId, Title, PageSize, PageToken],
        Answers =
        [
            new("MediaList", Shape.Object("items `{MediaType, MediaId, CreationTime, Video | Image | AttachedMedia}`, the last as the Get operations answer it"),
                "One page of media."),
            new("Total", Shape.Count, "How many media match in all."),
            new("NextPageToken", Shape.Text, "The `PageToken` of the next page; absent on the last page.") { Optional = true },
        ],
        Example = new { SearchType = "video", Title = "My", PageSize = 20 },
    };

    [Function(nameof(SearchMedia))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/SearchMedia")] HttpRequest req) =>
        Api.RunAsync(req, nameof(SearchMedia), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var kind = SearchType.Read(request);
        var appId = AppId.Read(request);
        var pageSize = PageSize.Read(request);
        var token = PageTokens.Decode(PageToken.Read(request));
        if (appId is not null && !request.Scope.CanAccess(appId)) return VodError.Forbidden();
        var found = await reader.SearchAsync(kind, request.Scope, appId, Title.Read(request), pageSize, token, cancellationToken);
        return found.Answer(page => new { MediaList = page.Items, Total = page.Total, NextPageToken = PageTokens.Encode(page.NextToken) });
    }
}

/// <summary>Page tokens (see <c>CatalogStore.SearchAsync</c>), base64url-encoded so that they travel in a URL unchanged.</summary>
internal static class PageTokens
{
    public static string? Encode(string? token) =>
        token is null ? null : Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string? Decode(string? token)
    {
        if (token is null) return null;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=')));
        }
        catch (FormatException)
        {
            throw ApiException.Invalid("PageToken is not a token this service returned.");
        }
    }
}
