using Microsoft.Extensions.Options;
using VodFunctions.Core;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

[Function("GetVideoInfo")]
public sealed class GetVideoInfo(MediaReader reader) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetVideoInfoAsync(request.Parameters.Id("VideoId"), request.Scope, cancellationToken)).Answer(video => new { Video = video });
}

[Function("GetPlayInfo")]
public sealed class GetPlayInfo(MediaReader reader) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetPlayInfoAsync(request.Parameters.Id("VideoId"), request.Scope, cancellationToken)).Answer(list => new { PlayInfoList = list });
}

[Function("GetMezzanineInfo")]
public sealed class GetMezzanineInfo(MediaReader reader) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetMezzanineInfoAsync(request.Parameters.Id("VideoId"), request.Scope, cancellationToken)).Answer(m => new { Mezzanine = m });
}

[Function("GetImageInfo")]
public sealed class GetImageInfo(MediaReader reader) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetImageInfoAsync(request.Parameters.Id("ImageId"), request.Scope, cancellationToken)).Answer(image => new { ImageInfo = image });
}

[Function("ListSnapshots")]
public sealed class ListSnapshots(MediaReader reader) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var type = request.Parameters.String("SnapshotType") is null ? null : request.Parameters.OneOf("SnapshotType", ImageTypes.Snapshot);
        return (await reader.ListSnapshotsAsync(request.Parameters.Id("VideoId"), type, request.Scope, cancellationToken)).Answer(images => new { Images = images });
    }
}

[Function("GetAttachedMediaInfo")]
public sealed class GetAttachedMediaInfo(MediaReader reader) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken) =>
        (await reader.GetAttachedMediaInfoAsync(request.Parameters.RequiredList("MediaIds"), request.Scope, cancellationToken))
            .Answer(r => new { AttachedMediaList = r.Found, NonExistMediaIds = r.Missing });
}

[Function("SearchMedia")]
public sealed class SearchMedia(MediaReader reader, IOptions<VodOptions> options) : IHttpFunction
{
    public async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
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
