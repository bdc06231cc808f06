using Microsoft.Extensions.Options;
using VodFunctions.Core;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

public sealed class GetVideoInfo(MediaReader reader)
{
    [Function(nameof(GetVideoInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetVideoInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetVideoInfoAsync(request.Parameters.Id("VideoId"), request.Scope, cancellationToken)).Answer(video => new { Video = video });
}

public sealed class GetPlayInfo(MediaReader reader)
{
    [Function(nameof(GetPlayInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetPlayInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetPlayInfoAsync(request.Parameters.Id("VideoId"), request.Scope, cancellationToken)).Answer(list => new { PlayInfoList = list });
}

public sealed class GetMezzanineInfo(MediaReader reader)
{
    [Function(nameof(GetMezzanineInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetMezzanineInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetMezzanineInfoAsync(request.Parameters.Id("VideoId"), request.Scope, cancellationToken)).Answer(m => new { Mezzanine = m });
}

public sealed class GetImageInfo(MediaReader reader)
{
    [Function(nameof(GetImageInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetImageInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetImageInfoAsync(request.Parameters.Id("ImageId"), request.Scope, cancellationToken)).Answer(image => new { ImageInfo = image });
}

public sealed class ListSnapshots(MediaReader reader)
{
    [Function(nameof(ListSnapshots))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(ListSnapshots), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var type = request.Parameters.String("SnapshotType") is null ? null : request.Parameters.OneOf("SnapshotType", ImageTypes.Snapshot);
        return (await reader.ListSnapshotsAsync(request.Parameters.Id("VideoId"), type, request.Scope, cancellationToken)).Answer(images => new { Images = images });
    }
}

public sealed class GetAttachedMediaInfo(MediaReader reader)
{
    [Function(nameof(GetAttachedMediaInfo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetAttachedMediaInfo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetAttachedMediaInfoAsync(request.Parameters.RequiredList("MediaIds"), request.Scope, cancellationToken))
            .Answer(r => new { AttachedMediaList = r.Found, NonExistMediaIds = r.Missing });
}

public sealed class SearchMedia(MediaReader reader, IOptions<VodOptions> options)
{
    [Function(nameof(SearchMedia))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(SearchMedia), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var p = request.Parameters;
        var kind = p.OneOf("SearchType", MediaKinds.All, MediaKinds.Video);
        var appId = p.String("AppId") is null ? null : Upload.AppId(p, options.Value);
        var pageSize = p.Int("PageSize", 20, 1, 100);
        var token = PageToken.Decode(p.String("PageToken"));
        if (appId is not null && !request.Scope.CanAccess(appId)) return VodError.Forbidden();
        var found = await reader.SearchAsync(kind, request.Scope, appId, p.String("Title"), pageSize, token, cancellationToken);
        return found.Answer(page => new { MediaList = page.Items, Total = page.Total, NextPageToken = PageToken.Encode(page.NextToken) });
    }
}

/// <summary>Page tokens (see <c>CatalogStore.SearchAsync</c>), base64url-encoded so that they travel in a URL unchanged.</summary>
internal static class PageToken
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
