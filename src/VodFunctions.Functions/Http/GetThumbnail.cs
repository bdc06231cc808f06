using Azure;
using VodFunctions.Core;
using VodFunctions.Core.Catalog;
using VodFunctions.Core.Files;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Http;

/// <summary>
/// <c>GetThumbnail</c> (<c>MediaId</c>): the bytes of a video's cover snapshot or of an uploaded image, for
/// pages that show media to people (the console) while the media container stays private. Scoped like
/// every read: another application's media → 403. A video without a cover → 404 <c>NoSuchResource</c>.
/// Only raster image files are served, always with an image content type, never as a page.
/// </summary>
public sealed class GetThumbnail(CatalogStore catalog, MediaReader reader, MediaStorage storage) : IApiFunction
{
    private static readonly Parameter<string> MediaId = Param.Id("MediaId", "A video (its latest cover snapshot) or an uploaded image.");

    public static ApiOperation Operation { get; } = new("Read",
        "The bytes of a video's cover snapshot or of an uploaded image, for pages that show media to people while the media container stays private.")
    {
        Description = "Also `GET /api/GetThumbnail?MediaId=...`. Only raster images of at most 8 MiB are served, always with an image content type.",
        Parameters = [MediaId],
        Content = new(["image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"], "The image."),
        Errors =
        [
            new("InvalidVideo.NotFound", "The video does not exist."),
            new("NoSuchResource", "The media has no cover (a video without a `CoverSnapshot`), is not an image, or its file is missing or too large."),
        ],
        Example = new { MediaId = ExampleIds.Video },
    };

    [Function(nameof(GetThumbnail))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/GetThumbnail")] HttpRequest req) =>
        Api.RunAsync(req, nameof(GetThumbnail), RunAsync);

    public const long MaxBytes = 8 * 1024 * 1024;

    private static readonly Dictionary<string, string> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".png"] = "image/png",
        [".gif"] = "image/gif", [".webp"] = "image/webp", [".bmp"] = "image/bmp",
    };

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var mediaId = MediaId.Read(request);
        var entry = await catalog.FindIdAsync(mediaId, cancellationToken);
        ImageEntity? image;
        if (entry?.Kind == MediaKinds.Video)
        {
            var video = await reader.FindVideoAsync(mediaId, request.Scope, cancellationToken);
            if (!video.Ok) return video.Error!;
            image = null;
            await foreach (var candidate in catalog.ImagesAsync(mediaId, cancellationToken))
                if (!candidate.Deleting && candidate.ImageType == "CoverSnapshot" && (image is null || candidate.CreationTime > image.CreationTime))
                    image = candidate;
            if (image is null) return new VodError("NoSuchResource", "The video has no cover snapshot.");
        }
        else
        {
            var found = await reader.FindImageAsync(mediaId, request.Scope, cancellationToken);
            if (!found.Ok) return found.Error!;
            image = found.Value!;
        }

        if (!ImageTypes.TryGetValue(Path.GetExtension(image.BlobName), out var contentType))
            return new VodError("NoSuchResource", "The image is not in a format that can be shown.");
        try
        {
            var download = await storage.Container(image.StorageLocation).GetBlobClient(image.BlobName)
                .DownloadStreamingAsync(cancellationToken: cancellationToken);
            if (download.Value.Details.ContentLength > MaxBytes)
            {
                download.Value.Dispose();
                return new VodError("NoSuchResource", "The image is too large to show as a thumbnail.");
            }
            var headers = request.Http.Response.Headers;
            headers.CacheControl = "private, max-age=300";
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
            return Results.Stream(download.Value.Content, contentType);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new VodError("NoSuchResource", "The image file is missing from storage.");
        }
    }
}
